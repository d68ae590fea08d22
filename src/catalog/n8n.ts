import { defineService, wgetCheck } from './define.js';

// n8n under /n8n: N8N_PATH makes the editor build prefixed URLs, and the proxy
// strips the prefix (upstream recommends a subdomain: n8n-io/n8n#9191, #19635).
// Behind a reverse proxy n8n needs the public webhook URL and N8N_PROXY_HOPS=1
// (docs: "Configure webhook URLs with reverse proxy"). Pinned 1.x reads
// WEBHOOK_URL; n8n 2.35 renamed it N8N_WEBHOOK_URL (WEBHOOK_URL deprecated).
// WEBHOOK_URL, N8N_HOST and N8N_EDITOR_BASE_URL depend on the Tailscale host
// name: host-env.ts. The editor pushes over WebSocket (N8N_PUSH_BACKEND, default
// `websocket`; `sse` where WebSocket cannot pass). N8N_ENCRYPTION_KEY encrypts
// stored credentials and must never change. Image: node Alpine based, busybox
// wget (upstream's compose examples probe /healthz with wget).
// Sources: https://docs.n8n.io/hosting/configuration/environment-variables/deployment/,
// https://github.com/n8n-io/n8n/issues/9191 (N8N_PATH needs the proxy's rewrite; untested upstream),
// https://docs.n8n.io/hosting/configuration/configuration-examples/webhook-url/,
// https://docs.n8n.io/hosting/logging-monitoring/monitoring/ (/healthz)
export const n8n = defineService({
  name: 'n8n',
  title: 'n8n',
  description: 'Workflow automation',
  origin: 'reference',
  image: 'n8nio/n8n:2.41.3',
  address: '172.20.0.40',
  ports: [{ port: 5678, protocol: 'tcp', purpose: 'Editor, API and webhooks (routed as /n8n)' }],
  env: {
    N8N_PORT: '5678',
    N8N_LISTEN_ADDRESS: '0.0.0.0',
    N8N_PROTOCOL: 'https',
    N8N_PROXY_HOPS: '1',
    N8N_PUSH_BACKEND: 'websocket',
    N8N_SECURE_COOKIE: 'true',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_RUNNERS_ENABLED: 'true',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
    GENERIC_TIMEZONE: 'UTC',
  },
  secrets: [
    { name: 'N8N_ENCRYPTION_KEY', env: 'N8N_ENCRYPTION_KEY', policy: 'never-rotate', generate: { bytes: 32, encoding: 'hex' }, why: 'encrypts stored credentials; a new key makes them unreadable' },
  ],
  volumes: [{ name: 'n8n-data', target: '/home/node/.n8n', purpose: 'workflows, credentials, SQLite database' }],
  healthcheck: { test: wgetCheck('http://127.0.0.1:5678/healthz'), expects: 'GET /healthz answers 200' },
  hardening: { readOnlyRootFs: false, user: '1000:1000' },
  exposure: 'routed',
  sources: [
    'https://docs.n8n.io/hosting/configuration/environment-variables/deployment/',
    'https://github.com/n8n-io/n8n/issues/9191',
    'https://docs.n8n.io/hosting/configuration/configuration-examples/webhook-url/',
  ],
});
