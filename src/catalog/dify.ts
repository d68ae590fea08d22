import { curlCheck, defineService, nodeHttpCheck, pythonHttpCheck, wgetCheck } from './define.js';
import { as, difySecrets as k } from './dify-secrets.js';

// Dify 1.9.2, as its docker/docker-compose.yaml of that release pins it:
// langgenius/dify-api and dify-web 1.9.2, dify-sandbox 0.2.12,
// dify-plugin-daemon 0.3.3-local, postgres:15-alpine, redis:6-alpine,
// semitechnologies/weaviate:1.27.0, ubuntu/squid:latest, nginx:latest (the last
// two pinned here to real tags: upstream uses :latest).
// nginx routes /console/api, /api, /v1, /files, /mcp to the API (5001), /e/ to
// the plugin daemon (5002), /explore and / to the web app (3000). The API and
// the worker (same image, MODE=worker) need PostgreSQL, Redis (cache and Celery
// broker), the vector store, the code sandbox (8194), the plugin daemon and the
// SSRF proxy (squid, 3128) for outbound HTTP of workflows and sandboxed code.
// The web image serves from `/` (NEXT_PUBLIC_BASE_PATH is build-time:
// langgenius/dify#25352), so its gateway route rewrites absolute URLs.
// Dify 1.9.2 moved to the Weaviate v4 client (weaviate-client 4.17, PR #26964),
// which needs Weaviate >= 1.27 and its gRPC port 50051 (issue #27818).
// Values that depend on the host (FILES_URL, ENDPOINT_URL_TEMPLATE) are in
// host-env.ts; CELERY_BROKER_URL embeds the Redis password: derived-secrets.ts.
// Sources: https://github.com/langgenius/dify/blob/1.9.2/docker/docker-compose.yaml,
// https://github.com/langgenius/dify/blob/1.9.2/docker/.env.example,
// https://github.com/langgenius/dify/blob/1.9.2/docker/nginx/conf.d/default.conf.template
export const DIFY_VERSION = '1.9.2';
const sources = [
  'https://github.com/langgenius/dify/blob/1.9.2/docker/docker-compose.yaml',
  'https://github.com/langgenius/dify/blob/1.9.2/docker/.env.example',
];

// The shared `x-shared-env` block of upstream's compose file, reduced to what
// differs from the app's defaults or names another service.
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
  // Read by releases after 1.9.2 (langgenius/dify#27499); 1.9.2 derives gRPC from
  // WEAVIATE_ENDPOINT's host and port 50051. Harmless where unread.
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
};
const apiSecrets = [k.secretKey, k.dbPassword, k.redisPassword, k.weaviateKey, k.sandboxKey, k.pluginDaemonKey, k.pluginInnerKey];
const apiVolumes = [{ name: 'dify-storage', target: '/app/api/storage', purpose: 'uploaded files' }];

export const difyNginx = defineService({
  name: 'dify-nginx', title: 'Dify NGINX', description: "Dify's internal reverse proxy", origin: 'reference',
  image: 'nginx:1.28.0-alpine', address: '172.20.0.30',
  ports: [{ port: 80, protocol: 'tcp', purpose: "Dify's internal NGINX (routed as /dify)" }],
  volumes: [{ name: 'dify-nginx-config', target: '/etc/nginx/nginx.conf', purpose: 'rendered Dify internal routes', readOnly: true, bundleFile: 'dify/nginx.conf' }],
  healthcheck: { test: wgetCheck('http://127.0.0.1:80/healthz'), expects: "Dify's nginx answers 200 on /healthz", startPeriodSeconds: 5 },
  dependsOn: ['dify-api', 'dify-web', 'dify-plugin-daemon'],
  hardening: { readOnlyRootFs: true, capAdd: ['CHOWN', 'SETUID', 'SETGID', 'NET_BIND_SERVICE'], tmpfs: ['/var/cache/nginx', '/var/run', '/tmp'] },
  exposure: 'routed', sources: [...sources, 'https://github.com/langgenius/dify/blob/1.9.2/docker/nginx/conf.d/default.conf.template', 'https://hub.docker.com/_/nginx'],
});

export const difyApi = defineService({
  name: 'dify-api', title: 'Dify API', description: 'Dify backend API', origin: 'reference',
  image: `langgenius/dify-api:${DIFY_VERSION}`, address: '172.20.0.31',
  ports: [{ port: 5001, protocol: 'tcp', purpose: 'Backend API (behind Dify NGINX)' }],
  env: { MODE: 'api', ...apiEnv },
  secrets: apiSecrets, volumes: apiVolumes,
  // The image is python:3.12-slim based (upstream's later compose files probe
  // the same /health with curl, which the image also installs).
  healthcheck: { test: pythonHttpCheck('http://127.0.0.1:5001/health'), expects: 'GET /health answers 200', startPeriodSeconds: 60 },
  dependsOn: ['dify-db', 'dify-redis', 'dify-weaviate', 'dify-sandbox', 'dify-plugin-daemon', 'dify-ssrf-proxy'],
  hardening: { readOnlyRootFs: false },
  exposure: 'internal', startBudgetSeconds: 300, sources,
});

export const difyWorker = defineService({
  name: 'dify-worker', title: 'Dify worker', description: 'Celery worker: dataset indexing, async jobs', origin: 'reference',
  image: `langgenius/dify-api:${DIFY_VERSION}`, address: '172.20.0.32',
  ports: [],
  env: { MODE: 'worker', ...apiEnv },
  secrets: apiSecrets, volumes: apiVolumes,
  // Upstream ships no worker health check in 1.9.2 (later ones ping Celery, disabled by default).
  dependsOn: ['dify-db', 'dify-redis', 'dify-weaviate', 'dify-plugin-daemon'],
  hardening: { readOnlyRootFs: false },
  exposure: 'internal', sources,
});

export const difyDb = defineService({
  name: 'dify-db', title: 'PostgreSQL', description: 'Dify database', origin: 'reference',
  image: 'postgres:15.13-alpine', address: '172.20.0.33',
  ports: [{ port: 5432, protocol: 'tcp', purpose: 'Dify database' }],
  env: { POSTGRES_USER: 'postgres', POSTGRES_DB: 'dify', PGDATA: '/var/lib/postgresql/data/pgdata' },
  secrets: [as(k.dbPassword, 'POSTGRES_PASSWORD')],
  volumes: [{ name: 'dify-db-data', target: '/var/lib/postgresql/data', purpose: 'database files' }],
  healthcheck: { test: ['CMD', 'pg_isready', '-h', '127.0.0.1', '-U', 'postgres', '-d', 'dify'], expects: 'pg_isready reports accepting connections' },
  hardening: { readOnlyRootFs: true, capAdd: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'], tmpfs: ['/var/run/postgresql', '/tmp'] },
  exposure: 'never-route', sources: [...sources, 'https://hub.docker.com/_/postgres'],
});

export const difyRedis = defineService({
  name: 'dify-redis', title: 'Redis', description: 'Dify cache and Celery broker', origin: 'reference',
  image: 'redis:6.2.18-alpine', address: '172.20.0.34',
  ports: [{ port: 6379, protocol: 'tcp', purpose: 'Dify cache' }],
  // The password comes from the container's environment, never the command line of compose.
  command: ['sh', '-c', 'exec redis-server --requirepass "$$REDIS_PASSWORD"'],
  secrets: [k.redisPassword],
  volumes: [{ name: 'dify-redis-data', target: '/data', purpose: 'cache persistence' }],
  // REDISCLI_AUTH keeps the password off redis-cli's argv (upstream passes -a).
  healthcheck: { test: ['CMD-SHELL', 'REDISCLI_AUTH="$$REDIS_PASSWORD" redis-cli ping | grep -q PONG'], expects: 'redis-cli ping answers PONG' },
  hardening: { readOnlyRootFs: true, capAdd: ['SETGID', 'SETUID'], tmpfs: ['/tmp'] },
  exposure: 'never-route', sources: [...sources, 'https://hub.docker.com/_/redis'],
});

export const difyWeaviate = defineService({
  name: 'dify-weaviate', title: 'Weaviate', description: 'Vector database', origin: 'reference',
  image: 'semitechnologies/weaviate:1.27.0', address: '172.20.0.35',
  ports: [
    { port: 8080, protocol: 'tcp', purpose: 'Vector database (HTTP)' },
    { port: 50051, protocol: 'tcp', purpose: 'Vector database (gRPC, needed by the Weaviate v4 client)', referenceNote: 'not in the reference; Dify 1.9.2 uses the v4 client' },
  ],
  // Upstream's WEAVIATE_* compose variables map to these names (Weaviate env-vars reference).
  env: {
    PERSISTENCE_DATA_PATH: '/var/lib/weaviate',
    QUERY_DEFAULTS_LIMIT: '25',
    AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED: 'false',
    DEFAULT_VECTORIZER_MODULE: 'none',
    CLUSTER_HOSTNAME: 'node1',
    AUTHENTICATION_APIKEY_ENABLED: 'true',
    AUTHENTICATION_APIKEY_USERS: 'dify',
    AUTHORIZATION_ADMINLIST_ENABLED: 'true',
    AUTHORIZATION_ADMINLIST_USERS: 'dify',
    DISABLE_TELEMETRY: 'true',
  },
  secrets: [as(k.weaviateKey, 'AUTHENTICATION_APIKEY_ALLOWED_KEYS')],
  volumes: [{ name: 'dify-weaviate-data', target: '/var/lib/weaviate', purpose: 'vector index' }],
  // The image's final stage is `FROM alpine` (weaviate/weaviate Dockerfile): busybox wget, no curl.
  healthcheck: { test: wgetCheck('http://127.0.0.1:8080/v1/.well-known/ready'), expects: 'GET /v1/.well-known/ready answers 200' },
  hardening: { readOnlyRootFs: false },
  exposure: 'never-route', sources: [...sources, 'https://weaviate.io/developers/weaviate/config-refs/env-vars', 'https://github.com/weaviate/weaviate/blob/main/Dockerfile', 'https://github.com/langgenius/dify/issues/27818'],
});

export const difyWeb = defineService({
  name: 'dify-web', title: 'Dify web', description: 'Dify frontend (Next.js)', origin: 'addition',
  image: `langgenius/dify-web:${DIFY_VERSION}`, address: '172.20.0.36',
  ports: [{ port: 3000, protocol: 'tcp', purpose: 'Frontend interface (behind Dify NGINX)' }],
  // Empty API URLs make the browser use relative paths on the same origin.
  // HOSTNAME: Next.js standalone binds the container's host name otherwise.
  env: { CONSOLE_API_URL: '', APP_API_URL: '', HOSTNAME: '0.0.0.0', PORT: '3000', NEXT_TELEMETRY_DISABLED: '1', MARKETPLACE_API_URL: 'https://marketplace.dify.ai', MARKETPLACE_URL: 'https://marketplace.dify.ai' },
  // node:22-alpine based; /apps redirects to /signin when logged out.
  healthcheck: { test: nodeHttpCheck('http://127.0.0.1:3000/apps', { anyAnswer: true }), expects: 'the web app answers below 500' },
  hardening: { readOnlyRootFs: false },
  exposure: 'internal', sources,
});

export const difySandbox = defineService({
  name: 'dify-sandbox', title: 'Dify sandbox', description: 'Code execution sandbox (reached by the API only)', origin: 'addition',
  image: 'langgenius/dify-sandbox:0.2.12', address: '172.20.0.37',
  ports: [{ port: 8194, protocol: 'tcp', purpose: 'Code execution (API only, not routed)' }],
  // The image carries conf/config.yaml; these variables override it. Mounting an
  // empty /conf (as upstream's volumes/sandbox does with its own file) would hide
  // it and make the sandbox panic (langgenius/dify#23365), so nothing is mounted.
  // No network for sandboxed code: upstream isolates the sandbox on an internal
  // network with only the SSRF proxy; here it shares ai-platform, where raw
  // sockets (which ignore HTTP_PROXY) would reach Ollama, Redis and signal-api.
  env: { GIN_MODE: 'release', WORKER_TIMEOUT: '15', ENABLE_NETWORK: 'false', HTTP_PROXY: 'http://dify-ssrf-proxy:3128', HTTPS_PROXY: 'http://dify-ssrf-proxy:3128', SANDBOX_PORT: '8194' },
  secrets: [as(k.sandboxKey, 'API_KEY')],
  // Upstream's own health check uses curl, which the image ships.
  healthcheck: { test: curlCheck('http://127.0.0.1:8194/health'), expects: 'GET /health answers 200' },
  dependsOn: ['dify-ssrf-proxy'],
  // Runs code in a chroot as an unprivileged uid with seccomp: keeps Docker's default capabilities.
  hardening: { readOnlyRootFs: false, capDrop: [] },
  exposure: 'never-route', sources,
});

export const difyPluginDaemon = defineService({
  name: 'dify-plugin-daemon', title: 'Dify plugin daemon', description: 'Runs Dify plugins (model providers, tools)', origin: 'addition',
  image: 'langgenius/dify-plugin-daemon:0.3.3-local', address: '172.20.0.38',
  ports: [{ port: 5002, protocol: 'tcp', purpose: 'Plugin daemon API (API only)' }],
  // The daemon's own names (SERVER_PORT, SERVER_KEY, DIFY_INNER_API_*), not the
  // API's. It creates its database (dify_plugin) on first start. Remote plugin
  // debugging (upstream publishes 5003 on the host) is off: nothing listens there.
  env: {
    DB_USERNAME: 'postgres', DB_HOST: 'dify-db', DB_PORT: '5432', DB_DATABASE: 'dify_plugin',
    REDIS_HOST: 'dify-redis', REDIS_PORT: '6379', SERVER_PORT: '5002',
    DIFY_INNER_API_URL: 'http://dify-api:5001',
    PLUGIN_REMOTE_INSTALLING_ENABLED: 'false',
    PLUGIN_WORKING_PATH: '/app/storage/cwd', PLUGIN_STORAGE_TYPE: 'local', PLUGIN_STORAGE_LOCAL_ROOT: '/app/storage',
    PLUGIN_INSTALLED_PATH: 'plugin', PLUGIN_PACKAGE_CACHE_PATH: 'plugin_packages', PLUGIN_MEDIA_CACHE_PATH: 'assets',
    FORCE_VERIFYING_SIGNATURE: 'true', PYTHON_ENV_INIT_TIMEOUT: '120', PLUGIN_MAX_EXECUTION_TIMEOUT: '600',
  },
  secrets: [k.dbPassword, k.redisPassword, as(k.pluginDaemonKey, 'SERVER_KEY'), as(k.pluginInnerKey, 'DIFY_INNER_API_KEY')],
  volumes: [{ name: 'dify-plugins', target: '/app/storage', purpose: 'installed plugins' }],
  // The -local image is ubuntu:24.04 with python3.12 (no curl, no wget); the
  // daemon serves GET /health/check without a key (internal/server/http_server.go).
  healthcheck: { test: pythonHttpCheck('http://127.0.0.1:5002/health/check'), expects: 'GET /health/check answers 200', startPeriodSeconds: 60 },
  dependsOn: ['dify-db', 'dify-redis'],
  hardening: { readOnlyRootFs: false },
  // Internal, not never-route: Dify's own nginx routes /e/ (plugin endpoints,
  // webhooks a plugin exposes) to it, as upstream does; they check their own keys.
  exposure: 'internal',
  sources: [...sources, 'https://github.com/langgenius/dify-plugin-daemon/blob/main/docker/local.dockerfile', 'https://github.com/langgenius/dify-plugin-daemon/blob/main/internal/server/http_server.go'],
});

export const difySsrfProxy = defineService({
  name: 'dify-ssrf-proxy', title: 'Dify SSRF proxy', description: 'Squid egress proxy for sandboxed code and fetched URLs', origin: 'addition',
  // Canonical's image; upstream uses :latest. 6.6-24.04_edge is a published tag (Ubuntu 24.04's squid).
  image: 'ubuntu/squid:6.6-24.04_edge', address: '172.20.0.39',
  ports: [{ port: 3128, protocol: 'tcp', purpose: 'Egress proxy (squid)' }],
  // moat's squid.conf (dify-squid.ts) denies the platform network, private
  // ranges and the cloud metadata address: upstream's template allows them, so
  // a workflow or sandboxed code could reach Ollama or signal-api, which have no auth.
  volumes: [{ name: 'dify-ssrf-proxy-config', target: '/etc/squid/squid.conf', purpose: 'rendered egress policy', readOnly: true, bundleFile: 'dify/squid.conf' }],
  hardening: { readOnlyRootFs: false, capAdd: ['CHOWN', 'SETUID', 'SETGID', 'DAC_OVERRIDE'] },
  exposure: 'never-route', sources: [...sources, 'https://github.com/langgenius/dify/blob/1.9.2/docker/ssrf_proxy/squid.conf.template', 'https://hub.docker.com/r/ubuntu/squid'],
});
