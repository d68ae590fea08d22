import { CLAWDBOT_CONFIG_PATH, CLAWDBOT_LITELLM_KEY_ENV } from './clawdbot-config.js';
import { KNOWLEDGE_TOOL_PATH } from './clawdbot-knowledge.js';
import { defineService } from './define.js';

// Clawdbot (OpenClaw 2026.9.6): a WebSocket + HTTP gateway with a Control UI,
// default port 18789; the reference puts it on 3000, which --port sets
// (precedence: --port > OPENCLAW_GATEWAY_PORT > gateway.port). Bind, trusted
// proxies, the Control UI base path and the model provider are config-file keys
// only: see clawdbot-config.ts, mounted at OPENCLAW_CONFIG_PATH, read-only with
// OPENCLAW_CONFIG_READONLY=1. The Control UI is served under /clawdbot
// (gateway.controlUi.basePath), so the route keeps the prefix; the UI opens its
// WebSocket at the base path without a trailing slash.
// Image (upstream/openclaw.ts): node:24-bookworm-slim based, `USER node` (uid
// 1000), `ENTRYPOINT ["tini", "-s", "--"]`, so overriding CMD keeps tini and the
// user. The state dir /home/node/.openclaw is pre-created node:node in the image
// since #72662 (2026-04-27), so the named volume starts writable by uid 1000.
// Upstream's CMD binds loopback, unreachable in a bridge network: hence --bind lan.
// Models: through LiteLLM as the `litellm` provider with Clawdbot's own LiteLLM
// virtual key (CLAWDBOT_LITELLM_KEY → LITELLM_API_KEY), never the master key.
// OPENAI_BASE_URL is not set: OpenClaw ignores it (openclaw/openclaw#2305).
// Health: /healthz answers {"ok":true,"status":"live"} at the root whatever the
// base path (gateway-http-route-contracts: GATEWAY_PROBE_ROUTES); any other path
// may be the Control UI's catch-all 200 (docs/install/kubernetes.md), so the
// check parses the JSON.
// Signal: the channel is the @openclaw/signal plugin with its `container`
// transport, straight to signal-api's REST + WebSocket API (the decision and
// its sources: clawdbot-signal.ts); hence dependsOn signal-api.
// Knowledge: the search_documents tool asks AnythingLLM's workspace API
// (clawdbot-knowledge.ts); hence dependsOn anythingllm.
// Sources: https://registry.npmjs.org/openclaw/-/openclaw-2026.9.6.tgz (docs/),
// https://github.com/openclaw/openclaw/pull/72662, https://github.com/openclaw/openclaw/pull/78777,
// https://github.com/openclaw/openclaw/blob/main/docs/channels/signal.md
export const clawdbot = defineService({
  name: 'clawdbot',
  title: 'Clawdbot',
  description: 'Chat bot gateway and control UI (OpenClaw)',
  origin: 'reference',
  image: 'ghcr.io/openclaw/openclaw:2026.9.6',
  address: '172.20.0.21',
  ports: [{ port: 3000, protocol: 'tcp', purpose: 'Gateway WebSocket and control UI (routed as /clawdbot)' }],
  command: ['node', 'openclaw.mjs', 'gateway', '--allow-unconfigured', '--bind', 'lan', '--port', '3000'],
  env: {
    HOME: '/home/node',
    OPENCLAW_CONFIG_PATH: CLAWDBOT_CONFIG_PATH,
    OPENCLAW_CONFIG_READONLY: '1',
    OPENCLAW_GATEWAY_PORT: '3000',
    // Plugin installs (the Signal channel's) go to <state dir>/npm: the state volume (clawdbot-signal.ts).
    OPENCLAW_STATE_DIR: '/home/node/.openclaw',
  },
  secrets: [
    {
      name: 'CLAWDBOT_GATEWAY_TOKEN',
      env: 'OPENCLAW_GATEWAY_TOKEN',
      policy: 'rotatable',
      generate: { bytes: 32, encoding: 'hex' },
      knownDefaults: ['your-token'],
      why: 'authenticates control UI and clients to the bot gateway; rotating it logs out paired clients',
    },
    {
      name: 'CLAWDBOT_LITELLM_KEY',
      env: CLAWDBOT_LITELLM_KEY_ENV,
      policy: 'rotatable',
      generate: { bytes: 24, encoding: 'hex', prefix: 'sk-' },
      why: "Clawdbot's own LiteLLM virtual key (never the master key); moat registers it with LiteLLM on `moat up`",
    },
  ],
  volumes: [
    { name: 'clawdbot-state', target: '/home/node/.openclaw', purpose: 'bot state, credentials, sessions, workspace, paired devices' },
    {
      name: 'clawdbot-config',
      target: CLAWDBOT_CONFIG_PATH,
      purpose: 'rendered gateway config (bind, trusted proxy, base path, LiteLLM provider)',
      readOnly: true,
      bundleFile: 'clawdbot/openclaw.json',
    },
    {
      name: 'clawdbot-knowledge-tool',
      target: KNOWLEDGE_TOOL_PATH,
      purpose: "the bot's search_documents tool: an MCP server over stdio asking AnythingLLM's workspace (clawdbot-knowledge.ts)",
      readOnly: true,
      bundleFile: 'clawdbot/knowledge-mcp.mjs',
    },
  ],
  healthcheck: {
    test: ['CMD', 'node', '-e', `fetch("http://127.0.0.1:3000/healthz").then((r)=>r.json()).then((j)=>process.exit(j.ok===true?0:1),()=>process.exit(1))`],
    expects: 'GET /healthz answers {"ok":true}',
  },
  dependsOn: ['litellm', 'signal-api', 'anythingllm'],
  hardening: { readOnlyRootFs: false, user: '1000:1000' },
  exposure: 'routed',
  sources: [
    'https://registry.npmjs.org/openclaw/-/openclaw-2026.9.6.tgz',
    'https://docs.openclaw.ai/gateway/configuration',
    'https://docs.openclaw.ai/providers/litellm',
    'https://docs.openclaw.ai/cli/devices',
    'https://github.com/openclaw/openclaw/blob/main/docs/channels/signal.md',
    'https://docs.openclaw.ai/web/control-ui',
  ],
});

/**
 * Browser pairing: every new browser reaching the Control UI over the tailnet
 * is a remote client and needs a one-time approval ("pairing required", 1008);
 * the CLI inside the container connects from 127.0.0.1 (auto-approved) with
 * the OPENCLAW_GATEWAY_TOKEN and OPENCLAW_GATEWAY_PORT of its environment.
 * `devices approve` without an id only previews (exit 1), so the id is required.
 * Source: docs/cli/devices.md and docs/web/control-ui/connect-and-pair.md of openclaw 2026.9.6
 * ("Direct Tailnet binds and LAN browser connects still require explicit approval").
 */
export const CLAWDBOT_PAIRING: {
  readonly list: string[];
  readonly approve: (requestId: string) => string[];
  readonly why: string;
} = {
  list: ['docker', 'compose', 'exec', 'clawdbot', 'node', 'openclaw.mjs', 'devices', 'list'],
  approve: (requestId) => ['docker', 'compose', 'exec', 'clawdbot', 'node', 'openclaw.mjs', 'devices', 'approve', requestId],
  why: 'each new browser must be approved once before the Clawdbot Control UI connects ("pairing required"); list the pending request, then approve its id',
};
