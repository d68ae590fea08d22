// The files apps read from the bundle, in their cluster form, for ConfigMaps.
// Each is the one-host renderer's output for a view of the platform in which
// what differs on a cluster is said once:
// - a service's address is its Service's DNS name (pods have no static
//   address): the gateway's upstreams and LiteLLM's database URL use it;
// - Dify's nginx resolves names per request through kube-dns, which (unlike
//   Docker's 127.0.0.11) it must be given by name, with fully qualified names
//   (nginx's resolver does not apply resolv.conf's search list);
// - squid accepts clients from the cluster's pod range (the NetworkPolicy
//   lets only its dependants reach it) and still refuses private destinations;
// - OpenClaw trusts no proxy address (there is no static one to trust);
// - LiteLLM lists each Ollama replica as a deployment of the same model_name,
//   so its router balances across them (simple-shuffle, its default).
// Sources: https://nginx.org/en/docs/http/ngx_http_core_module.html#resolver,
// https://docs.litellm.ai/docs/proxy/load_balancing, https://docs.litellm.ai/docs/routing
import { parse } from 'yaml';
import { clawdbotConfig } from '../../catalog/clawdbot-config.js';
import { difySquidConf } from '../../catalog/dify-squid.js';
import type { Finding } from '../../model/findings.js';
import { serviceByName } from '../../model/lookup.js';
import type { Platform } from '../../model/types.js';
import { renderDifyNginx } from '../dify-nginx.js';
import { renderGatewayNginx } from '../gateway-nginx.js';
import { renderLitellmConfig } from '../litellm-config.js';
import { yamlFile } from '../yaml-out.js';
import { namespaceOf, serviceFqdn } from './objects.js';

export const OLLAMA = 'ollama';
export const OLLAMA_REPLICAS_SERVICE = 'ollama-replicas';

/** The platform as the cluster's DNS sees it: every address is a Service name. */
export function clusterView(platform: Platform): Platform {
  return { ...platform, services: platform.services.map((s) => ({ ...s, address: serviceFqdn(platform, s.name) })) };
}

/** Each Ollama replica's own DNS name (StatefulSet pod `ollama-N` under the headless Service). */
export function ollamaReplicaUrls(platform: Platform): string[] {
  const port = serviceByName(platform, OLLAMA)?.ports[0]?.port ?? 11434;
  return Array.from(
    { length: platform.kubernetes.ollama.replicas },
    (_, i) => `http://${OLLAMA}-${i}.${OLLAMA_REPLICAS_SERVICE}.${namespaceOf(platform)}.svc.cluster.local:${port}`,
  );
}

function litellmConfig(platform: Platform, oneHost: string): string {
  const doc = parse(oneHost) as { model_list?: { litellm_params?: Record<string, unknown> }[] } & Record<string, unknown>;
  const urls = ollamaReplicaUrls(platform);
  const ollamaBase = /^http:\/\/ollama(:\d+)?$/;
  doc.model_list = (doc.model_list ?? []).flatMap((entry) => {
    const base = entry.litellm_params?.['api_base'];
    if (typeof base !== 'string' || !ollamaBase.test(base)) return [entry];
    return urls.map((api_base) => ({ ...entry, litellm_params: { ...entry.litellm_params, api_base } }));
  });
  doc['router_settings'] = { routing_strategy: 'simple-shuffle' };
  // A plain copy: entries of one model share objects, which YAML would write as anchors and aliases.
  return yamlFile(JSON.parse(JSON.stringify(doc)) as unknown, [
    'The master key and DATABASE_URL come from the environment (Secret litellm-secrets); their values are never in this file.',
    `Every model is listed once per Ollama replica (${urls.length}) under one model_name: LiteLLM's router balances them.`,
  ]);
}

/** The gateway's one-host comments, said as they hold on a cluster. */
function gatewayNginx(oneHost: string): string {
  return oneHost
    .replace(
      /^(# The gateway: TLS on [0-9, ]+), published only on the Tailscale address [^\n]*$/m,
      "$1, on the tailnet only (the Tailscale operator's LoadBalancer Service).",
    )
    .replace(
      /^# Upstreams are static addresses with keepalive: [^\n]*$/m,
      '# Upstreams are Service DNS names with keepalive, resolved when nginx starts (a ClusterIP Service resolves while its app is down).',
    );
}

function difyNginx(platform: Platform, oneHost: string): string {
  let text = oneHost.replace('resolver 127.0.0.11 ', 'resolver kube-dns.kube-system.svc.cluster.local ');
  for (const s of platform.services) text = text.replaceAll(`http://${s.name}:`, `http://${serviceFqdn(platform, s.name)}:`);
  return text;
}

function squidView(platform: Platform): Platform {
  return {
    ...platform,
    networks: platform.networks.map((n) => ({ ...n, subnet: platform.kubernetes.podCidr })),
    services: platform.services.map((s) => (s.name === 'dify-ssrf-proxy' ? { ...s, internalNetworks: [] } : s)),
  };
}

function clawdbotJson(platform: Platform): string {
  const doc = clawdbotConfig(platform) as { gateway?: Record<string, unknown> };
  if (doc.gateway) doc.gateway = { ...doc.gateway, trustedProxies: [] };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Bundle path → the file's cluster form, for every bundle file a service of the platform mounts. */
export function clusterConfigs(platform: Platform): { files: Map<string, string>; warnings: Finding[] } {
  const files = new Map<string, string>();
  const warnings: Finding[] = [];
  const view = clusterView(platform);
  const gateway = renderGatewayNginx(view, {});
  for (const f of gateway.files) files.set(f.path, gatewayNginx(f.content));
  for (const f of renderDifyNginx(platform, {}).files) files.set(f.path, difyNginx(platform, f.content));
  for (const f of renderLitellmConfig(platform, {}).files) files.set(f.path, litellmConfig(platform, f.content));
  if (serviceByName(platform, 'dify-ssrf-proxy')) files.set('dify/squid.conf', difySquidConf(squidView(platform)));
  if (serviceByName(platform, 'clawdbot')) {
    files.set('clawdbot/openclaw.json', clawdbotJson(platform));
    warnings.push({
      code: 'render.kubernetes.no-trusted-proxy',
      severity: 'low',
      path: 'services.clawdbot',
      message: 'on Kubernetes OpenClaw trusts no proxy address (the gateway pod has none that is fixed): it sees the gateway as the client',
      hint: 'nothing to do: the NetworkPolicies let only the gateway reach clawdbot',
    });
  }
  return { files, warnings };
}
