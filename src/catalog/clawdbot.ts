import { defineService, nodeHttpCheck } from './define.js';

// Clawdbot (OpenClaw): a WebSocket gateway with a control UI. Behind a proxy it
// must trust the proxy's address and never bind 0.0.0.0 on the host; here it
// listens only on the platform network and is reached through the gateway.
// Sources: https://docs.openclaw.ai/gateway/configuration (gateway.trustedProxies, auth token)
export const clawdbot = defineService({
  name: 'clawdbot',
  title: 'Clawdbot',
  description: 'Chat bot gateway and control UI (Signal channel)',
  origin: 'reference',
  image: 'ghcr.io/openclaw/openclaw:2026.1.30',
  address: '172.20.0.21',
  ports: [{ port: 3000, protocol: 'tcp', purpose: 'Gateway WebSocket and control UI (routed as /clawdbot)' }],
  env: {
    OPENCLAW_GATEWAY_PORT: '3000',
    OPENCLAW_GATEWAY_BIND: 'lan',
    OPENCLAW_TRUSTED_PROXIES: '172.20.0.2',
    OPENCLAW_CONTROL_UI_BASE_PATH: '/clawdbot',
    SIGNAL_API_URL: 'http://signal-api:8080',
    OPENAI_BASE_URL: 'http://litellm:4000/v1',
  },
  secrets: [
    { name: 'CLAWDBOT_GATEWAY_TOKEN', env: 'OPENCLAW_GATEWAY_TOKEN', policy: 'rotatable', generate: { bytes: 32, encoding: 'hex' }, why: 'authenticates control UI and clients to the bot gateway' },
  ],
  volumes: [{ name: 'clawdbot-state', target: '/home/node/.openclaw', purpose: 'bot state and sessions' }],
  healthcheck: { test: nodeHttpCheck('http://127.0.0.1:3000/'), expects: 'the control UI answers 200 on /' },
  dependsOn: ['signal-api', 'litellm'],
  hardening: { readOnlyRootFs: false, user: '1000:1000' },
  exposure: 'routed',
  sources: ['https://docs.openclaw.ai/gateway/configuration'],
});
