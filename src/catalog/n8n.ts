import { defineService, nodeHttpCheck } from './define.js';

// n8n 2.41.3 (upstream/n8n.ts) under /n8n: N8N_PATH still makes the editor
// build prefixed URLs (commands/start.js replaces `/{{BASE_PATH}}/` in the
// editor's files with N8N_PATH) while the backend keeps its routes at `/`
// (/healthz, /rest/push, /webhook/...), so the proxy strips the prefix
// (upstream recommends a subdomain: n8n-io/n8n#9191, #19635). Behind a reverse
// proxy n8n needs the public webhook URL and N8N_PROXY_HOPS=1 (docs: "Configure
// webhook URLs with reverse proxy"). 2.x reads N8N_WEBHOOK_URL; WEBHOOK_URL is
// a deprecated fallback ("Use N8N_WEBHOOK_URL instead",
// deprecation.service.js). N8N_WEBHOOK_URL, N8N_HOST and N8N_EDITOR_BASE_URL
// depend on the Tailscale host name, and N8N_PATH on where the route is served
// (the path, or `/` on its own origin): host-env.ts.
// Push: N8N_PUSH_BACKEND=websocket (push/push.config.js). In production the
// push handshake compares the Origin host with X-Forwarded-Host (or Host),
// normalised with the default port of X-Forwarded-Proto dropped
// (push/origin-validator.js): the gateway must forward the host with :8443.
// Task runners: on by default in 2.x; N8N_RUNNERS_ENABLED is "no longer
// needed" (deprecation.service.js), so it is not set; the internal mode runs
// the JavaScript runner as a child process in this container.
// N8N_ENCRYPTION_KEY encrypts stored credentials and must never change.
// Health: /healthz/readiness (the backend path; N8N_PATH applies only to the
// editor's copy): during start-up n8n answers 200 on every path from a
// placeholder before its API is up, so /healthz passes too early (seen with
// the real app in test/apps); readiness waits for the database and routes.
// With node, which the image has; its busybox wget is not guaranteed in 2.x's
// hardened base images.
// Sources: https://registry.npmjs.org/n8n/-/n8n-2.41.3.tgz (dist/commands/start.js,
// dist/push/origin-validator.js, dist/deprecation/deprecation.service.js),
// https://docs.n8n.io/hosting/configuration/environment-variables/deployment/,
// https://github.com/n8n-io/n8n/issues/9191,
// https://docs.n8n.io/hosting/configuration/configuration-examples/webhook-url/,
// https://docs.n8n.io/hosting/logging-monitoring/monitoring/ (/healthz, /healthz/readiness)
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
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
    GENERIC_TIMEZONE: 'UTC',
  },
  secrets: [
    {
      name: 'N8N_ENCRYPTION_KEY',
      env: 'N8N_ENCRYPTION_KEY',
      policy: 'never-rotate',
      generate: { bytes: 32, encoding: 'hex' },
      why: 'encrypts stored credentials; a new key makes them unreadable',
    },
  ],
  volumes: [{ name: 'n8n-data', target: '/home/node/.n8n', purpose: 'workflows, credentials, SQLite database' }],
  healthcheck: { test: nodeHttpCheck('http://127.0.0.1:5678/healthz/readiness'), expects: 'GET /healthz/readiness answers 200 (the API and database are up)' },
  hardening: { readOnlyRootFs: false, user: '1000:1000' },
  exposure: 'routed',
  sources: [
    'https://registry.npmjs.org/n8n/-/n8n-2.41.3.tgz',
    'https://docs.n8n.io/hosting/configuration/environment-variables/deployment/',
    'https://github.com/n8n-io/n8n/issues/9191',
    'https://docs.n8n.io/hosting/configuration/configuration-examples/webhook-url/',
  ],
});
