// Environment values that depend on the platform (the gateway's Tailscale host
// name, the route prefixes, the chosen models) and so cannot be static strings
// in a catalog entry. A renderer merges these over `service.env` (they win),
// e.g. compose: `environment: { ...service.env, ...hostDependentEnv(p)[service.name] }`.
// Pure: the same platform gives the same map.
// Sources: https://docs.n8n.io/hosting/configuration/configuration-examples/webhook-url/,
// https://docs.n8n.io/hosting/configuration/environment-variables/deployment/,
// https://github.com/langgenius/dify/blob/1.9.2/docker/.env.example (FILES_URL, ENDPOINT_URL_TEMPLATE),
// https://github.com/Mintplex-Labs/anything-llm/blob/master/docker/.env.example (OLLAMA_MODEL_PREF)
import type { Platform } from '../model/types.js';

export type HostEnv = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * The public URL of a service's route without a trailing slash: its own origin
 * (`https://host.tailnet:8444`) or its path on the main origin
 * (`https://host.tailnet:8443/n8n`); undefined if not routed.
 */
export function routeUrl(platform: Platform, service: string): string | undefined {
  const route = platform.gateway.routes.find((r) => r.service === service);
  return route ? route.url.replace(/\/+$/, '') : undefined;
}

function hostName(platform: Platform): string {
  const { hostname, tailnet } = platform.host.tailscale;
  return `${hostname}.${tailnet}`;
}

/** Service name → env vars to add. Only services present in the platform appear. */
export function hostDependentEnv(platform: Platform): HostEnv {
  const present = new Set(platform.services.map((s) => s.name));
  const out: Record<string, Record<string, string>> = {};
  const add = (service: string, env: Record<string, string>): void => {
    if (present.has(service)) out[service] = { ...(out[service] ?? {}), ...env };
  };

  // n8n 1.x reads WEBHOOK_URL (renamed N8N_WEBHOOK_URL, WEBHOOK_URL deprecated,
  // in 2.35): the URL shown in the editor and registered with external services.
  // N8N_HOST is the public host name (N8N_PORT stays the listen port, 5678).
  const n8nUrl = routeUrl(platform, 'n8n');
  const n8nRoute = platform.gateway.routes.find((r) => r.service === 'n8n');
  if (n8nUrl && n8nRoute) {
    add('n8n', {
      // The base path the editor builds its URLs from: the route's path, or `/` on its own origin.
      N8N_PATH: n8nRoute.servedAt === 'path' ? `${n8nRoute.path.replace(/\/+$/, '')}/` : '/',
      N8N_HOST: hostName(platform),
      WEBHOOK_URL: `${n8nUrl}/`,
      N8N_EDITOR_BASE_URL: `${n8nUrl}/`,
    });
  }

  // Dify: FILES_URL is the public prefix of signed file-preview links the
  // browser follows; ENDPOINT_URL_TEMPLATE the public URL of plugin endpoints
  // (served by Dify's nginx at /e/).
  const difyUrl = routeUrl(platform, 'dify-nginx');
  if (difyUrl) {
    const difyEnv = { FILES_URL: difyUrl, ENDPOINT_URL_TEMPLATE: `${difyUrl}/e/{hook_id}` };
    add('dify-api', difyEnv);
    add('dify-worker', difyEnv);
  }

  // AnythingLLM's default chat model: the first model moat pulls into Ollama.
  const model = platform.llm.models[0];
  if (model !== undefined) add('anythingllm', { OLLAMA_MODEL_PREF: model });

  return out;
}
