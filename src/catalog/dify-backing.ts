// Dify's backing services: PostgreSQL, Redis, Weaviate, the code sandbox, the
// plugin daemon and the SSRF proxy (squid). See dify.ts for the app services
// and src/catalog/upstream/dify-*.ts for each image's pin and upstream facts.
import { curlCheck, defineService, pythonHttpCheck } from './define.js';
import { DIFY_SANDBOX_NETWORK } from './dify-network.js';
import { as, difySecrets as k } from './dify-secrets.js';
import { pinnedImage } from './upstream/dify-index.js';
import { DIFY_PLUGIN_DAEMON_FACTS } from './upstream/dify-plugin-daemon.js';
import { POSTGRES_FACTS } from './upstream/dify-postgres.js';
import { REDIS_FACTS } from './upstream/dify-redis.js';
import { DIFY_SANDBOX_FACTS } from './upstream/dify-sandbox.js';
import { SQUID_FACTS } from './upstream/dify-squid.js';
import { WEAVIATE_FACTS } from './upstream/dify-weaviate.js';

const sources = ['https://github.com/langgenius/dify/blob/1.17.1/docker/docker-compose.yaml'];

// Upstream's db command: the server settings of its compose file, with its
// defaults. statement_timeout and idle_in_transaction_session_timeout are 0
// (off) upstream since the 1.9.2 compose the review read (60000 there); 1.13.3
// sets POSTGRES_STATEMENT_TIMEOUT and ..._IDLE_IN_TRANSACTION_SESSION_TIMEOUT to 0
// (docker-compose.yaml @0055b98, db_postgres.command), so moat follows it: a
// 60 s statement limit would also cut long `flask upgrade-db` migrations.
// The first argument stays `postgres`, so the entrypoint still steps down.
const POSTGRES_SETTINGS = [
  'max_connections=100',
  'shared_buffers=128MB',
  'work_mem=4MB',
  'maintenance_work_mem=64MB',
  'effective_cache_size=4096MB',
  'statement_timeout=0',
  'idle_in_transaction_session_timeout=0',
];

export const difyDb = defineService({
  name: 'dify-db',
  title: 'PostgreSQL',
  description: 'Dify database',
  origin: 'reference',
  image: pinnedImage(POSTGRES_FACTS),
  address: '172.20.0.33',
  ports: [{ port: 5432, protocol: 'tcp', purpose: 'Dify database' }],
  command: ['postgres', ...POSTGRES_SETTINGS.flatMap((setting) => ['-c', setting])],
  env: { POSTGRES_USER: 'postgres', POSTGRES_DB: 'dify', PGDATA: '/var/lib/postgresql/data/pgdata' },
  secrets: [as(k.dbPassword, 'POSTGRES_PASSWORD')],
  volumes: [{ name: 'dify-db-data', target: '/var/lib/postgresql/data', purpose: 'database files' }],
  healthcheck: { test: ['CMD', 'pg_isready', '-h', '127.0.0.1', '-U', 'postgres', '-d', 'dify'], expects: 'pg_isready reports accepting connections' },
  hardening: { readOnlyRootFs: true, capAdd: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'], tmpfs: ['/var/run/postgresql', '/tmp'] },
  exposure: 'never-route',
  sources: [...sources, ...POSTGRES_FACTS.sources],
});

export const difyRedis = defineService({
  name: 'dify-redis',
  title: 'Redis',
  description: 'Dify cache and Celery broker',
  origin: 'reference',
  image: pinnedImage(REDIS_FACTS),
  address: '172.20.0.34',
  ports: [{ port: 6379, protocol: 'tcp', purpose: 'Dify cache' }],
  // The password comes from the container's environment (secrets/dify-redis.env),
  // which compose cannot interpolate, hence the shell. A shell first argument
  // skips the image entrypoint's step-down (it switches to `redis` only for
  // `redis-server`), so the container runs as the image's redis user from the
  // start: uid 999, gid 1000, which own /data in the image and so the new
  // volume. No SETUID/SETGID needed. test/catalog/real-redis.test.ts runs it.
  command: ['sh', '-c', 'exec redis-server --requirepass "$$REDIS_PASSWORD"'],
  secrets: [k.redisPassword],
  volumes: [{ name: 'dify-redis-data', target: '/data', purpose: 'cache persistence' }],
  // REDISCLI_AUTH keeps the password off redis-cli's argv (upstream passes -a).
  healthcheck: { test: ['CMD-SHELL', 'REDISCLI_AUTH="$$REDIS_PASSWORD" redis-cli ping | grep -q PONG'], expects: 'redis-cli ping answers PONG' },
  hardening: { readOnlyRootFs: true, user: '999:1000', tmpfs: ['/tmp'] },
  exposure: 'never-route',
  sources: [...sources, ...REDIS_FACTS.sources],
});

export const difyWeaviate = defineService({
  name: 'dify-weaviate',
  title: 'Weaviate',
  description: 'Vector database',
  origin: 'reference',
  image: pinnedImage(WEAVIATE_FACTS),
  address: '172.20.0.35',
  ports: [
    { port: 8080, protocol: 'tcp', purpose: 'Vector database (HTTP)' },
    {
      port: 50051,
      protocol: 'tcp',
      purpose: 'Vector database (gRPC, needed by the Weaviate v4 client)',
      referenceNote: 'not in the reference; Dify uses the Weaviate v4 client',
    },
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
  // The image's final stage is `FROM alpine`: busybox wget, no curl.
  healthcheck: {
    test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/v1/.well-known/ready'],
    expects: 'GET /v1/.well-known/ready answers 200',
  },
  hardening: { readOnlyRootFs: false },
  exposure: 'never-route',
  sources: [...sources, ...WEAVIATE_FACTS.sources, 'https://github.com/langgenius/dify/issues/27818'],
});

export const difySandbox = defineService({
  name: 'dify-sandbox',
  title: 'Dify sandbox',
  description: 'Code execution sandbox (reached by the API only)',
  origin: 'addition',
  image: pinnedImage(DIFY_SANDBOX_FACTS),
  address: '172.20.0.37',
  ports: [{ port: 8194, protocol: 'tcp', purpose: 'Code execution (API only, not routed)' }],
  // ENABLE_NETWORK must be true: the API asks for network on every run and the
  // sandbox answers -400 "network is disabled" otherwise (langgenius/dify#8900),
  // so Code, Template Transform and Jinja2 nodes would all fail. The isolation
  // comes from the network instead, as upstream: the sandbox is only on
  // DIFY_SANDBOX_NETWORK (internal, no route out), where the only way out is the
  // SSRF proxy, which refuses private, CGNAT and link-local destinations.
  // The image carries conf/config.yaml; these variables override it. Mounting an
  // empty /conf would hide it and make the sandbox panic (langgenius/dify#23365).
  env: {
    GIN_MODE: 'release',
    WORKER_TIMEOUT: '15',
    ENABLE_NETWORK: 'true',
    HTTP_PROXY: 'http://dify-ssrf-proxy:3128',
    HTTPS_PROXY: 'http://dify-ssrf-proxy:3128',
    SANDBOX_PORT: '8194',
  },
  secrets: [as(k.sandboxKey, 'API_KEY')],
  internalNetworks: [DIFY_SANDBOX_NETWORK],
  isolated: true,
  // Upstream's own health check uses curl, which the image ships.
  healthcheck: { test: curlCheck('http://127.0.0.1:8194/health'), expects: 'GET /health answers 200' },
  dependsOn: ['dify-ssrf-proxy'],
  // Runs code in a chroot as an unprivileged uid with seccomp: keeps Docker's
  // default capabilities; its entrypoint unpacks Node.js into /opt at start.
  hardening: { readOnlyRootFs: false, capDrop: [] },
  exposure: 'never-route',
  sources: [...sources, ...DIFY_SANDBOX_FACTS.sources, 'https://github.com/langgenius/dify/issues/8900'],
});

export const difyPluginDaemon = defineService({
  name: 'dify-plugin-daemon',
  title: 'Dify plugin daemon',
  description: 'Runs Dify plugins (model providers, tools)',
  origin: 'addition',
  image: pinnedImage(DIFY_PLUGIN_DAEMON_FACTS),
  address: '172.20.0.38',
  ports: [{ port: 5002, protocol: 'tcp', purpose: 'Plugin daemon API (API only)' }],
  // The daemon's own names (SERVER_PORT, SERVER_KEY, DIFY_INNER_API_*,
  // MAX_PLUGIN_PACKAGE_SIZE), not the API's. It creates its database
  // (dify_plugin) on first start, so it logs in as the database owner; plugins
  // inherit its environment (upstream does the same): see the catalog note.
  // Remote plugin debugging (upstream publishes 5003) is off, so
  // PLUGIN_REMOTE_INSTALL_HOST/PORT stay unset on the API (the console's
  // debugging hint shows localhost:5003; cosmetic).
  // Not given a role of its own (review finding 11, hardening): the daemon runs
  // `CREATE DATABASE dify_plugin` and its migrations at start (internal/db/pg),
  // so its role would need CREATEDB or a database made by an init script that
  // PostgreSQL runs only on an empty PGDATA (existing installs would not get
  // it), and plugins would still inherit its Redis password and API keys.
  // Upstream does the same; the catalog note on plugins says so.
  env: {
    DB_USERNAME: 'postgres',
    DB_HOST: 'dify-db',
    DB_PORT: '5432',
    DB_DATABASE: 'dify_plugin',
    REDIS_HOST: 'dify-redis',
    REDIS_PORT: '6379',
    SERVER_PORT: '5002',
    DIFY_INNER_API_URL: 'http://dify-api:5001',
    PLUGIN_REMOTE_INSTALLING_ENABLED: 'false',
    PLUGIN_WORKING_PATH: '/app/storage/cwd',
    PLUGIN_STORAGE_TYPE: 'local',
    PLUGIN_STORAGE_LOCAL_ROOT: '/app/storage',
    PLUGIN_INSTALLED_PATH: 'plugin',
    PLUGIN_PACKAGE_CACHE_PATH: 'plugin_packages',
    PLUGIN_MEDIA_CACHE_PATH: 'assets',
    FORCE_VERIFYING_SIGNATURE: 'true',
    PYTHON_ENV_INIT_TIMEOUT: '120',
    PLUGIN_MAX_EXECUTION_TIMEOUT: '600',
    MAX_PLUGIN_PACKAGE_SIZE: '52428800',
  },
  secrets: [k.dbPassword, k.redisPassword, as(k.pluginDaemonKey, 'SERVER_KEY'), as(k.pluginInnerKey, 'DIFY_INNER_API_KEY')],
  volumes: [{ name: 'dify-plugins', target: '/app/storage', purpose: 'installed plugins' }],
  // The -local image is ubuntu:24.04 with curl and python3.12; the daemon
  // serves GET /health/check without a key (internal/server/http_server.go).
  healthcheck: { test: pythonHttpCheck('http://127.0.0.1:5002/health/check'), expects: 'GET /health/check answers 200', startPeriodSeconds: 60 },
  dependsOn: ['dify-db', 'dify-redis'],
  hardening: { readOnlyRootFs: false },
  // Internal, not never-route: Dify's own nginx routes /e/ (plugin endpoints) to it, as upstream does.
  exposure: 'internal',
  sources: [...sources, ...DIFY_PLUGIN_DAEMON_FACTS.sources],
});

export const difySsrfProxy = defineService({
  name: 'dify-ssrf-proxy',
  title: 'Dify SSRF proxy',
  description: 'Squid egress proxy for sandboxed code and fetched URLs',
  origin: 'addition',
  // Canonical's image (upstream: :latest). Kept on the 24.04 track's _edge tag,
  // the one this session could confirm exists; pin by digest at deploy time.
  image: pinnedImage(SQUID_FACTS),
  address: '172.20.0.39',
  ports: [{ port: 3128, protocol: 'tcp', purpose: 'Egress proxy (squid)' }],
  // moat's squid.conf (dify-squid.ts) denies the platform network, private
  // ranges, CGNAT and link-local: upstream's template allows them.
  volumes: [
    { name: 'dify-ssrf-proxy-config', target: '/etc/squid/squid.conf', purpose: 'rendered egress policy', readOnly: true, bundleFile: 'dify/squid.conf' },
  ],
  internalNetworks: [DIFY_SANDBOX_NETWORK],
  // bash's /dev/tcp: the image is Ubuntu with bash, no curl or wget. Proves
  // squid listens, which it does only after parsing the config and opening its logs.
  healthcheck: { test: ['CMD', 'bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/3128'], expects: 'squid accepts connections on 3128', startPeriodSeconds: 10 },
  hardening: { readOnlyRootFs: false, capAdd: ['CHOWN', 'SETUID', 'SETGID', 'DAC_OVERRIDE'] },
  exposure: 'never-route',
  sources: [...sources, ...SQUID_FACTS.sources, 'https://github.com/langgenius/dify/blob/1.17.1/docker/ssrf_proxy/squid.conf.template'],
});
