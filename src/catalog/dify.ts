import { defineService, pythonHttpCheck, wgetCheck } from './define.js';
import { as, difySecrets as k } from './dify-secrets.js';

// Dify, as in its docker/docker-compose.yaml (1.9.x): nginx in front of api (5001)
// and web (3000); worker shares the API image; the API needs PostgreSQL, Redis,
// a vector store (Weaviate), the code sandbox (8194), the plugin daemon (5002)
// and the SSRF proxy (squid, 3128) for outbound calls from the sandbox.
// The web image serves from `/` (NEXT_PUBLIC_BASE_PATH is build-time:
// langgenius/dify#25352), so its gateway route rewrites absolute URLs.
// Dify 1.9.2 uses the Weaviate v4 client, which also needs gRPC on 50051.
// Sources: https://github.com/langgenius/dify/blob/main/docker/docker-compose.yaml,
// https://github.com/langgenius/dify/blob/main/docker/.env.example
const DIFY_VERSION = '1.9.2';
const sources = ['https://github.com/langgenius/dify/blob/main/docker/docker-compose.yaml', 'https://github.com/langgenius/dify/blob/main/docker/.env.example'];

const apiEnv = {
  DB_USERNAME: 'postgres',
  DB_HOST: 'dify-db',
  DB_PORT: '5432',
  DB_DATABASE: 'dify',
  REDIS_HOST: 'dify-redis',
  REDIS_PORT: '6379',
  REDIS_USE_SSL: 'false',
  CELERY_BROKER_URL_FROM_REDIS: 'true',
  VECTOR_STORE: 'weaviate',
  WEAVIATE_ENDPOINT: 'http://dify-weaviate:8080',
  WEAVIATE_GRPC_ENDPOINT: 'dify-weaviate:50051',
  CODE_EXECUTION_ENDPOINT: 'http://dify-sandbox:8194',
  PLUGIN_DAEMON_URL: 'http://dify-plugin-daemon:5002',
  SSRF_PROXY_HTTP_URL: 'http://dify-ssrf-proxy:3128',
  SSRF_PROXY_HTTPS_URL: 'http://dify-ssrf-proxy:3128',
  STORAGE_TYPE: 'opendal',
  OPENDAL_SCHEME: 'fs',
  OPENDAL_FS_ROOT: 'storage',
  MIGRATION_ENABLED: 'true',
  LOG_LEVEL: 'INFO',
};
const apiSecrets = [k.secretKey, k.dbPassword, k.redisPassword, k.weaviateKey, k.sandboxKey, k.pluginDaemonKey, k.pluginInnerKey];
const apiVolumes = [{ name: 'dify-storage', target: '/app/api/storage', purpose: 'uploaded files' }];

export const difyNginx = defineService({
  name: 'dify-nginx', title: 'Dify NGINX', description: "Dify's internal reverse proxy", origin: 'reference',
  image: 'nginx:1.27.5-alpine', address: '172.20.0.30',
  ports: [{ port: 80, protocol: 'tcp', purpose: "Dify's internal NGINX (routed as /dify)" }],
  volumes: [{ name: 'dify-nginx-config', target: '/etc/nginx/nginx.conf', purpose: "rendered Dify internal routes", readOnly: true, bundleFile: 'dify/nginx.conf' }],
  healthcheck: { test: wgetCheck('http://127.0.0.1:80/healthz'), expects: "Dify's nginx answers 200 on /healthz", startPeriodSeconds: 5 },
  dependsOn: ['dify-api', 'dify-web'],
  hardening: { readOnlyRootFs: true, capAdd: ['CHOWN', 'SETUID', 'SETGID', 'NET_BIND_SERVICE'], tmpfs: ['/var/cache/nginx', '/var/run', '/tmp'] },
  exposure: 'routed', sources,
});

export const difyApi = defineService({
  name: 'dify-api', title: 'Dify API', description: 'Dify backend API', origin: 'reference',
  image: `langgenius/dify-api:${DIFY_VERSION}`, address: '172.20.0.31',
  ports: [{ port: 5001, protocol: 'tcp', purpose: 'Backend API (behind Dify NGINX)' }],
  env: { MODE: 'api', ...apiEnv },
  secrets: apiSecrets, volumes: apiVolumes,
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
  dependsOn: ['dify-db', 'dify-redis'],
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
  },
  secrets: [as(k.weaviateKey, 'AUTHENTICATION_APIKEY_ALLOWED_KEYS')],
  volumes: [{ name: 'dify-weaviate-data', target: '/var/lib/weaviate', purpose: 'vector index' }],
  healthcheck: { test: wgetCheck('http://127.0.0.1:8080/v1/.well-known/ready'), expects: 'GET /v1/.well-known/ready answers 200' },
  hardening: { readOnlyRootFs: false },
  exposure: 'never-route', sources: [...sources, 'https://weaviate.io/developers/weaviate/config-refs/env-vars'],
});

export const difyWeb = defineService({
  name: 'dify-web', title: 'Dify web', description: 'Dify frontend (Next.js)', origin: 'addition',
  image: `langgenius/dify-web:${DIFY_VERSION}`, address: '172.20.0.36',
  ports: [{ port: 3000, protocol: 'tcp', purpose: 'Frontend interface (behind Dify NGINX)' }],
  // Empty API URLs make the browser use relative paths on the same origin.
  env: { CONSOLE_API_URL: '', APP_API_URL: '', HOSTNAME: '0.0.0.0', PORT: '3000', NEXT_TELEMETRY_DISABLED: '1' },
  healthcheck: { test: ['CMD', 'node', '-e', "fetch('http://127.0.0.1:3000/apps').then((r)=>process.exit(r.status<500?0:1),()=>process.exit(1))"], expects: 'the web app answers below 500' },
  hardening: { readOnlyRootFs: false },
  exposure: 'internal', sources,
});

export const difySandbox = defineService({
  name: 'dify-sandbox', title: 'Dify sandbox', description: 'Code execution sandbox (reached by the API only)', origin: 'addition',
  image: 'langgenius/dify-sandbox:0.2.12', address: '172.20.0.37',
  ports: [{ port: 8194, protocol: 'tcp', purpose: 'Code execution (API only, not routed)' }],
  env: { GIN_MODE: 'release', WORKER_TIMEOUT: '15', ENABLE_NETWORK: 'true', HTTP_PROXY: 'http://dify-ssrf-proxy:3128', HTTPS_PROXY: 'http://dify-ssrf-proxy:3128', SANDBOX_PORT: '8194' },
  secrets: [as(k.sandboxKey, 'API_KEY')],
  healthcheck: { test: ['CMD', 'curl', '-fsS', 'http://127.0.0.1:8194/health'], expects: 'GET /health answers 200' },
  dependsOn: ['dify-ssrf-proxy'],
  // The sandbox needs its own syscall filtering privileges; no read-only root.
  hardening: { readOnlyRootFs: false, capDrop: [] },
  exposure: 'never-route', sources,
});

export const difyPluginDaemon = defineService({
  name: 'dify-plugin-daemon', title: 'Dify plugin daemon', description: 'Runs Dify plugins (model providers, tools)', origin: 'addition',
  image: 'langgenius/dify-plugin-daemon:0.3.0-local', address: '172.20.0.38',
  ports: [{ port: 5002, protocol: 'tcp', purpose: 'Plugin daemon API (API only)' }],
  env: {
    DB_USERNAME: 'postgres', DB_HOST: 'dify-db', DB_PORT: '5432', DB_DATABASE: 'dify_plugin',
    REDIS_HOST: 'dify-redis', REDIS_PORT: '6379', SERVER_PORT: '5002',
    DIFY_INNER_API_URL: 'http://dify-api:5001', PLUGIN_REMOTE_INSTALLING_ENABLED: 'false',
  },
  secrets: [k.dbPassword, k.redisPassword, as(k.pluginDaemonKey, 'SERVER_KEY'), as(k.pluginInnerKey, 'DIFY_INNER_API_KEY')],
  volumes: [{ name: 'dify-plugins', target: '/app/storage', purpose: 'installed plugins' }],
  dependsOn: ['dify-db', 'dify-redis'],
  hardening: { readOnlyRootFs: false },
  exposure: 'never-route', sources,
});

export const difySsrfProxy = defineService({
  name: 'dify-ssrf-proxy', title: 'Dify SSRF proxy', description: 'Squid egress proxy for sandboxed code and fetched URLs', origin: 'addition',
  image: 'ubuntu/squid:6.6-24.04_edge', address: '172.20.0.39',
  ports: [{ port: 3128, protocol: 'tcp', purpose: 'Egress proxy (squid)' }],
  hardening: { readOnlyRootFs: false, capAdd: ['CHOWN', 'SETUID', 'SETGID', 'DAC_OVERRIDE'] },
  exposure: 'never-route', sources,
});
