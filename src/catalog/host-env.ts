// Environment values that depend on the platform (the gateway's Tailscale host
// name, the route prefixes, the chosen models) and so cannot be static strings
// in a catalog entry. A renderer merges these over `service.env` (they win),
// e.g. compose: `environment: { ...service.env, ...hostDependentEnv(p)[service.name] }`.
// Pure: the same platform gives the same map.
// Sources: https://docs.n8n.io/hosting/configuration/configuration-examples/webhook-url/,
// https://docs.n8n.io/hosting/configuration/environment-variables/deployment/,
// https://github.com/langgenius/dify/blob/1.9.2/docker/.env.example (FILES_URL, ENDPOINT_URL_TEMPLATE),
// https://github.com/Mintplex-Labs/anything-llm/blob/master/docker/.env.example (OLLAMA_MODEL_PREF)
import { routeUrl } from '../model/lookup.js';
import type { Platform } from '../model/types.js';
import { CONSOLE_SERVICE } from './console.js';
import { consoleHostEnv } from './console-host-env.js';
import { difyHostEnv } from './dify-host-env.js';

export type HostEnv = Readonly<Record<string, Readonly<Record<string, string>>>>;

export { routeUrl } from '../model/lookup.js';

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

  // n8n 2.x reads N8N_WEBHOOK_URL (WEBHOOK_URL is deprecated at 2.41.3:
  // deprecation.service.js): the URL shown in the editor and registered with external services.
  // N8N_HOST is the public host name (N8N_PORT stays the listen port, 5678).
  const n8nUrl = routeUrl(platform, 'n8n');
  const n8nRoute = platform.gateway.routes.find((r) => r.service === 'n8n');
  if (n8nUrl && n8nRoute) {
    add('n8n', {
      // The base path the editor builds its URLs from: the route's path, or `/` on its own origin.
      N8N_PATH: n8nRoute.servedAt === 'path' ? `${n8nRoute.path.replace(/\/+$/, '')}/` : '/',
      N8N_HOST: hostName(platform),
      N8N_WEBHOOK_URL: `${n8nUrl}/`,
      N8N_EDITOR_BASE_URL: `${n8nUrl}/`,
    });
  }

  // Dify: its public URLs on its own origin (dify-host-env.ts says why each).
  for (const [name, env] of Object.entries(difyHostEnv(platform))) add(name, env);

  // AnythingLLM's default chat model: the first model moat pulls into Ollama.
  const model = platform.llm.models[0];
  if (model !== undefined) add('anythingllm', { OLLAMA_MODEL_PREF: model });

  // The console: its own origin (the action guard compares the browser's Origin with it) and the
  // platform APIs its actions call, at their static addresses, for the services the platform has.
  add(CONSOLE_SERVICE, consoleHostEnv(platform));

  return out;
}
