import { defineService, nodeHttpCheck, pythonHttpCheck, wgetCheck } from './define.js';
import { DIFY_SANDBOX_NETWORK } from './dify-network.js';
import { difySecrets as k } from './dify-secrets.js';
import { DIFY_API_FACTS, DIFY_WEB_FACTS } from './upstream/dify-api.js';
import { pinnedImage } from './upstream/dify-index.js';
import { NGINX_FACTS } from './upstream/nginx.js';

// Dify 1.17.1 (2026-09-10, langgenius/dify#42129): dify-api and dify-web 1.17.1,
// dify-sandbox 0.2.15, dify-plugin-daemon 0.6.10-local as that release pins
// them; postgres, redis, weaviate, squid and nginx pinned to real tags where
// upstream uses floating ones. Each image's pin, release date, and the facts
// this entry relies on (entrypoint, user, writable paths, binaries, env names)
// are in src/catalog/upstream/dify-*.ts with their sources; older pins (1.9.2,
// 1.13.3) are inside CVE-2026-41949/-41950 and the DifyTap set (fixed in 1.15.0).
// nginx routes /console/api, /api, /v1, /files, /mcp to the API (5001), /e/ to
// the plugin daemon (5002), /explore and / to the web app (3000). The API, the
// worker and beat (same image, MODE=api|worker|beat) need PostgreSQL, Redis
// (cache and Celery broker), the vector store, the code sandbox (8194), the
// plugin daemon and the SSRF proxy (squid, 3128) for outbound HTTP.
// Dify has its own origin on the gateway (served at `/`, no prefix, no
// rewriting); its public URL comes from routeUrl() (dify-host-env.ts).
// Dify >= 1.9.2 uses the Weaviate v4 client, which needs Weaviate >= 1.27 and
// its gRPC port 50051 (langgenius/dify#27818).
// CELERY_BROKER_URL embeds the Redis password: derived-secrets.ts.
// Sources: https://github.com/langgenius/dify/blob/1.17.1/docker/docker-compose.yaml,
// https://github.com/langgenius/dify/blob/0055b983dc32deacc31351c13a555055ffc9b844/docker/docker-compose.yaml (1.13.3, read here),
// https://github.com/langgenius/dify/blob/1.17.1/docker/nginx/conf.d/default.conf.template
export const DIFY_VERSION = DIFY_API_FACTS.version;
const sources = [
  'https://github.com/langgenius/dify/blob/1.17.1/docker/docker-compose.yaml',
  'https://github.com/langgenius/dify/blob/1.17.1/docker/.env.example',
];

export { DIFY_SANDBOX_NETWORK } from './dify-network.js';

// The shared `x-shared-env` block of upstream's compose file, reduced to what
// differs from the app's defaults or names another service. The public URLs
// (CONSOLE_API_URL, SERVICE_API_URL, APP_WEB_URL, FILES_URL, ENDPOINT_URL_TEMPLATE)
// depend on the host: dify-host-env.ts.
const apiEnv = {
  DB_USERNAME: 'postgres',
  DB_HOST: 'dify-db',
  DB_PORT: '5432',
  DB_DATABASE: 'dify',
  REDIS_HOST: 'dify-redis',
  REDIS_PORT: '6379',
  REDIS_USE_SSL: 'false',
  REDIS_DB: '0',
  CELERY_BACKEND: 'redis',
  VECTOR_STORE: 'weaviate',
  WEAVIATE_ENDPOINT: 'http://dify-weaviate:8080',
  // Listed in upstream's shared env since langgenius/dify#27499 (after 1.9.2).
  WEAVIATE_GRPC_ENDPOINT: 'grpc://dify-weaviate:50051',
  CODE_EXECUTION_ENDPOINT: 'http://dify-sandbox:8194',
  PLUGIN_DAEMON_URL: 'http://dify-plugin-daemon:5002',
  // Internal URL the plugin daemon and the sandbox use to fetch files from the API.
  INTERNAL_FILES_URL: 'http://dify-api:5001',
  SSRF_PROXY_HTTP_URL: 'http://dify-ssrf-proxy:3128',
  SSRF_PROXY_HTTPS_URL: 'http://dify-ssrf-proxy:3128',
  STORAGE_TYPE: 'opendal',
  OPENDAL_SCHEME: 'fs',
  OPENDAL_FS_ROOT: 'storage',
  MIGRATION_ENABLED: 'true',
  DEPLOY_ENV: 'PRODUCTION',
  LOG_LEVEL: 'INFO',
  // Behind two proxies (gateway, Dify's nginx) that set X-Forwarded-*.
  RESPECT_XFORWARD_HEADERS_ENABLED: 'true',
  // Plugins are installed from the marketplace by an admin; no remote debugging.
  MARKETPLACE_ENABLED: 'true',
  // Upstream's 50 MB (compose x-shared-env and the api/worker services); the
  // app's own default is 15 MB, too small for some marketplace plugins
  // (langgenius/dify#30074). The daemon has its own name for it (dify-backing.ts).
  PLUGIN_MAX_PACKAGE_SIZE: '52428800',
  // Upstream sets true: the unstructured library phones home otherwise.
  SCARF_NO_ANALYTICS: 'true',
  // Upstream sets false; the app default (true) would have beat delete workflow
  // run logs older than 30 days every night.
  WORKFLOW_LOG_CLEANUP_ENABLED: 'false',
};
// INIT_PASSWORD: without it the first visitor of /install becomes the admin.
const apiSecrets = [k.secretKey, k.dbPassword, k.redisPassword, k.weaviateKey, k.sandboxKey, k.pluginDaemonKey, k.pluginInnerKey, k.initPassword];
const apiVolumes = [{ name: 'dify-storage', target: '/app/api/storage', purpose: 'uploaded files and the per-workspace RSA keys of stored credentials' }];
// On ai-platform (the database, Redis, Weaviate, the daemon) and on the sandbox network.
const apiNetworks = [DIFY_SANDBOX_NETWORK];

export const difyNginx = defineService({
  name: 'dify-nginx',
  title: 'Dify NGINX',
  description: "Dify's internal reverse proxy",
  origin: 'reference',
  image: pinnedImage(NGINX_FACTS),
  address: '172.20.0.30',
  ports: [{ port: 80, protocol: 'tcp', purpose: "Dify's internal NGINX (served at / of Dify's own origin)" }],
  volumes: [
    { name: 'dify-nginx-config', target: '/etc/nginx/nginx.conf', purpose: 'rendered Dify internal routes', readOnly: true, bundleFile: 'dify/nginx.conf' },
  ],
  healthcheck: { test: wgetCheck('http://127.0.0.1:80/healthz'), expects: "Dify's nginx answers 200 on /healthz", startPeriodSeconds: 5 },
  dependsOn: ['dify-api', 'dify-web', 'dify-plugin-daemon'],
  hardening: { readOnlyRootFs: true, capAdd: ['CHOWN', 'SETUID', 'SETGID', 'NET_BIND_SERVICE'], tmpfs: ['/var/cache/nginx', '/var/run', '/tmp'] },
  exposure: 'routed',
  sources: [...sources, ...NGINX_FACTS.sources],
});

export const difyApi = defineService({
  name: 'dify-api',
  title: 'Dify API',
  description: 'Dify backend API',
  origin: 'reference',
  image: pinnedImage(DIFY_API_FACTS),
  address: '172.20.0.31',
  ports: [{ port: 5001, protocol: 'tcp', purpose: 'Backend API (behind Dify NGINX)' }],
  // GUNICORN_TIMEOUT: upstream's .env.example recommends 360 "to support a
  // longer sse connection time"; the entrypoint's default is 200.
  env: { MODE: 'api', ...apiEnv, GUNICORN_TIMEOUT: '360' },
  secrets: apiSecrets,
  volumes: apiVolumes,
  internalNetworks: apiNetworks,
  // python3 is in the image (upstream probes the same /health with curl, also there).
  // The first start runs `flask upgrade-db` over the whole migration history
  // before gunicorn loads: the window (240 s + 5 x 10 s) stays inside the start budget.
  healthcheck: { test: pythonHttpCheck('http://127.0.0.1:5001/health'), expects: 'GET /health answers 200', startPeriodSeconds: 240 },
  dependsOn: ['dify-db', 'dify-redis', 'dify-weaviate', 'dify-sandbox', 'dify-plugin-daemon', 'dify-ssrf-proxy'],
  hardening: { readOnlyRootFs: false },
  exposure: 'internal',
  startBudgetSeconds: 300,
  sources: [...sources, ...DIFY_API_FACTS.sources],
});

export const difyWorker = defineService({
  name: 'dify-worker',
  title: 'Dify worker',
  description: 'Celery worker: dataset indexing, async jobs',
  origin: 'reference',
  image: pinnedImage(DIFY_API_FACTS),
  address: '172.20.0.32',
  ports: [],
  env: { MODE: 'worker', ...apiEnv },
  secrets: apiSecrets,
  volumes: apiVolumes,
  internalNetworks: apiNetworks,
  // Upstream's worker check (`celery inspect ping`) is disabled by default (COMPOSE_WORKER_HEALTHCHECK_DISABLED=true).
  dependsOn: ['dify-db', 'dify-redis', 'dify-weaviate', 'dify-plugin-daemon', 'dify-ssrf-proxy'],
  hardening: { readOnlyRootFs: false },
  exposure: 'internal',
  sources: [...sources, ...DIFY_API_FACTS.sources],
});

// Celery beat: schedules the periodic tasks (plugin upgrade checks every 15
// minutes, the workflow schedule poller, the optional cleanups). Upstream's
// worker_beat has no volume (beat writes nothing to storage).
export const difyWorkerBeat = defineService({
  name: 'dify-worker-beat',
  title: 'Dify beat',
  description: 'Celery beat: periodic tasks (plugin upgrades, scheduled workflows)',
  origin: 'addition',
  image: pinnedImage(DIFY_API_FACTS),
  address: '172.20.0.41',
  ports: [],
  env: { MODE: 'beat', ...apiEnv },
  secrets: apiSecrets,
  internalNetworks: apiNetworks,
  dependsOn: ['dify-db', 'dify-redis'],
  hardening: { readOnlyRootFs: false },
  exposure: 'internal',
  sources: [...sources, ...DIFY_API_FACTS.sources],
});

export const difyWeb = defineService({
  name: 'dify-web',
  title: 'Dify web',
  description: 'Dify frontend (Next.js)',
  origin: 'addition',
  image: pinnedImage(DIFY_WEB_FACTS),
  address: '172.20.0.36',
  ports: [{ port: 3000, protocol: 'tcp', purpose: 'Frontend interface (behind Dify NGINX)' }],
  // Empty API URLs make the browser use relative paths on Dify's own origin
  // (the entrypoint builds NEXT_PUBLIC_API_PREFIX from them), and keep the CSRF
  // cookie name the API uses (see CONSOLE_WEB_URL in dify-host-env.ts).
  // HOSTNAME: Next.js standalone binds the container's host name otherwise.
  env: {
    CONSOLE_API_URL: '',
    APP_API_URL: '',
    HOSTNAME: '0.0.0.0',
    PORT: '3000',
    NEXT_TELEMETRY_DISABLED: '1',
    MARKETPLACE_API_URL: 'https://marketplace.dify.ai',
    MARKETPLACE_URL: 'https://marketplace.dify.ai',
  },
  // node:22-alpine based; /apps redirects to /signin when logged out.
  healthcheck: { test: nodeHttpCheck('http://127.0.0.1:3000/apps', { anyAnswer: true }), expects: 'the web app answers below 500' },
  hardening: { readOnlyRootFs: false },
  exposure: 'internal',
  sources: [...sources, ...DIFY_WEB_FACTS.sources],
});

export { difyDb, difyPluginDaemon, difyRedis, difySandbox, difySsrfProxy, difyWeaviate } from './dify-backing.js';
