// Clawdbot (OpenClaw) is configured by a JSON5 file, not by environment
// variables: bind, trusted proxies, the Control UI's base path, auth mode and
// the model providers exist only as config keys. This pure function gives that
// file; a renderer writes it as `clawdbot/openclaw.json` and the service reads
// it through OPENCLAW_CONFIG_PATH, mounted read-only with
// OPENCLAW_CONFIG_READONLY=1 (2026.9.6: "treats openclaw.json as immutable …
// config writers refuse", docs/cli/config.md), so the UI and `openclaw config
// set` say the config is externally managed instead of failing on EACCES.
// Channels and models change by re-rendering through moat.
// Only env: OPENCLAW_GATEWAY_TOKEN (the token of `auth.mode: token`),
// OPENCLAW_GATEWAY_PORT (< --port, > gateway.port), OPENCLAW_CONFIG_PATH,
// OPENCLAW_CONFIG_READONLY, LITELLM_API_KEY (Clawdbot's own LiteLLM key).
//
// Models: OpenClaw ignores OPENAI_BASE_URL (openclaw/openclaw#2305; the
// override PR #3297 was closed); an OpenAI-compatible endpoint is a provider
// under `models.providers.<id>` with `baseUrl`, `api: "openai-completions"`,
// `apiKey` and `models[]` (each `{ id, name }` required: ModelDefinitionSchema
// in dist/zod-schema.core of 2026.9.6), and the agent's model is
// `agents.defaults.model.primary: "<provider>/<model id>"`. The id `litellm`
// is the bundled LiteLLM provider (docs/providers/litellm.md), whose apiKey is
// `${LITELLM_API_KEY}`: config strings substitute `${VAR}` (upper-case names
// only, docs/gateway/config-secrets-env.md), so the key stays in the secrets
// file. `request.allowPrivateNetwork: true`: litellm resolves to a private
// address, which the guarded fetch refuses for that provider otherwise ("For a
// LAN-hosted proxy, set models.providers.litellm.request.allowPrivateNetwork:
// true"). `models.mode: "replace"` keeps exactly the platform's models (no
// discovery, no cloud catalog rows a sealed platform cannot reach), and
// `catalogRefresh.enabled: false` stops the hosted-catalog fetch (default
// true).
// Sources: https://registry.npmjs.org/openclaw/-/openclaw-2026.9.6.tgz
// (docs/gateway/configuration-reference.md, docs/gateway/config-tools/custom-providers.md,
// docs/providers/litellm.md, docs/gateway/config-secrets-env.md, docs/cli/config.md),
// https://github.com/openclaw/openclaw/issues/2305, https://docs.openclaw.ai/gateway/trusted-proxy-auth
import { gatewayUrl, serviceByName } from '../model/lookup.js';
import type { Platform } from '../model/types.js';
import { knowledgeToolConfig } from './clawdbot-knowledge.js';
import { signalChannelConfig } from './clawdbot-signal.js';

export { signalAccount } from './clawdbot-signal.js';

export const CLAWDBOT_CONFIG_PATH = '/etc/openclaw/openclaw.json';

/** The provider id of LiteLLM in openclaw.json, and the env name its key comes from. */
export const CLAWDBOT_LITELLM_PROVIDER = 'litellm';
export const CLAWDBOT_LITELLM_KEY_ENV = 'LITELLM_API_KEY';

function litellmBaseUrl(platform: Platform): string {
  const litellm = serviceByName(platform, 'litellm');
  const port = litellm?.ports[0]?.port ?? 4000;
  return `http://${litellm?.name ?? 'litellm'}:${port}/v1`;
}

/** `models` and `agents` keys: only when the platform has LiteLLM and at least one model. */
function modelConfig(platform: Platform): Record<string, unknown> {
  const models = [...new Set(platform.llm.models)];
  const first = models[0];
  if (!serviceByName(platform, 'litellm') || first === undefined) return {};
  return {
    models: {
      mode: 'replace',
      catalogRefresh: { enabled: false },
      providers: {
        [CLAWDBOT_LITELLM_PROVIDER]: {
          baseUrl: litellmBaseUrl(platform),
          api: 'openai-completions',
          apiKey: `\${${CLAWDBOT_LITELLM_KEY_ENV}}`,
          request: { allowPrivateNetwork: true },
          // LiteLLM's model_name is the model string itself (render/litellm-config.ts).
          models: models.map((id) => ({ id, name: id, input: ['text'] })),
        },
      },
    },
    agents: { defaults: { model: { primary: `${CLAWDBOT_LITELLM_PROVIDER}/${first}` } } },
  };
}

export function clawdbotConfig(platform: Platform): Record<string, unknown> {
  const self = serviceByName(platform, 'clawdbot');
  const gateway = serviceByName(platform, platform.gateway.service);
  const route = platform.gateway.routes.find((r) => r.service === 'clawdbot');
  const port = self?.ports[0]?.port ?? 3000;
  return {
    gateway: {
      mode: 'local',
      port,
      // `lan` = 0.0.0.0 inside the container's own network namespace: the only
      // interface there is the platform network (nothing is published on the
      // host). `loopback`, the default, would be unreachable from the gateway.
      bind: 'lan',
      // Token auth: non-loopback binds require auth; the token comes from
      // OPENCLAW_GATEWAY_TOKEN. Not `trusted-proxy`: the gateway authenticates no user.
      auth: { mode: 'token' },
      // X-Forwarded-For is believed only from the gateway's static address.
      trustedProxies: gateway ? [gateway.address] : [],
      tailscale: { mode: 'off' },
      controlUi: {
        enabled: true,
        // Under a path on the main origin, or at `/` of its own origin.
        ...(route?.servedAt === 'path' ? { basePath: route.path } : {}),
        // The browser's Origin: scheme, host and port of where the UI is served.
        allowedOrigins: [route ? new URL(route.url).origin : gatewayUrl(platform)],
      },
    },
    ...modelConfig(platform),
    ...signalChannelConfig(platform),
    ...knowledgeToolConfig(platform),
  };
}

/** The file's text: stable key order as written above, two-space JSON (valid JSON5). */
export function clawdbotConfigJson(platform: Platform): string {
  return `${JSON.stringify(clawdbotConfig(platform), null, 2)}\n`;
}
