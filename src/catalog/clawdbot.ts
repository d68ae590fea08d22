import { CLAWDBOT_CONFIG_PATH } from './clawdbot-config.js';
import { defineService, nodeHttpCheck } from './define.js';

// Clawdbot (OpenClaw): a WebSocket + HTTP gateway with a Control UI, default
// port 18789; the reference puts it on 3000, which --port sets (precedence:
// --port > OPENCLAW_GATEWAY_PORT > gateway.port). Bind, trusted proxies and the
// Control UI base path are config-file keys only (no env names exist for them):
// see clawdbot-config.ts, mounted at OPENCLAW_CONFIG_PATH. The control UI is
// served under /clawdbot (gateway.controlUi.basePath), so the route keeps the
// prefix. Unclear upstream: whether the Control UI's WebSocket also lives
// under basePath (the docs say only that it "speaks to the Gateway WebSocket on
// the same port"); if it connects at `/`, the route needs a second location.
// Image: node:22-bookworm based, runs as `node` (uid 1000); curl and
// node are present. Upstream's image CMD is `node openclaw.mjs gateway
// --allow-unconfigured` with loopback bind, unreachable in a bridge network.
// Signal: OpenClaw's Signal channel speaks signal-cli's own HTTP JSON-RPC + SSE
// daemon (channels.signal.httpUrl), not signal-cli-rest-api's REST API, so
// signal-api cannot serve as its daemon as is: the channel is left for the
// operator to configure (see the note ref.clawdbot-signal).
// Sources: https://docs.openclaw.ai/gateway/configuration,
// https://github.com/openclaw/openclaw/blob/main/docker-compose.yml,
// https://github.com/openclaw/openclaw/blob/main/Dockerfile,
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
    OPENCLAW_GATEWAY_PORT: '3000',
    // Models go through LiteLLM, OpenAI-compatible (the key is LiteLLM's master key: set by the operator).
    OPENAI_BASE_URL: 'http://litellm:4000/v1',
  },
  secrets: [
    { name: 'CLAWDBOT_GATEWAY_TOKEN', env: 'OPENCLAW_GATEWAY_TOKEN', policy: 'rotatable', generate: { bytes: 32, encoding: 'hex' }, knownDefaults: ['your-token'], why: 'authenticates control UI and clients to the bot gateway; rotating it logs out paired clients' },
  ],
  volumes: [
    { name: 'clawdbot-state', target: '/home/node/.openclaw', purpose: 'bot state, credentials, sessions, workspace' },
    { name: 'clawdbot-config', target: CLAWDBOT_CONFIG_PATH, purpose: 'rendered gateway config (bind, trusted proxy, base path)', readOnly: true, bundleFile: 'clawdbot/openclaw.json' },
  ],
  // Any HTTP answer proves the gateway listens (the UI may demand the token).
  healthcheck: { test: nodeHttpCheck('http://127.0.0.1:3000/clawdbot/', { anyAnswer: true }), expects: 'the gateway answers HTTP on /clawdbot/' },
  dependsOn: ['litellm'],
  hardening: { readOnlyRootFs: false, user: '1000:1000' },
  exposure: 'routed',
  sources: [
    'https://docs.openclaw.ai/gateway/configuration',
    'https://github.com/openclaw/openclaw/blob/main/docker-compose.yml',
    'https://github.com/openclaw/openclaw/blob/main/docs/channels/signal.md',
    'https://docs.openclaw.ai/web/control-ui',
  ],
});
