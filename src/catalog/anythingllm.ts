import { defineService, nodeHttpCheck } from './define.js';
import { difySecrets } from './dify-secrets.js';

// AnythingLLM v1.16.0 (upstream/anythingllm.ts). No base-path support
// (maintainers: out of scope, Mintplex-Labs/anything-llm#2078), so its route
// rewrites absolute URLs. Env names as read at the tag: SERVER_PORT,
// STORAGE_DIR, LLM_PROVIDER=ollama + OLLAMA_BASE_PATH (+ OLLAMA_MODEL_PREF from
// the platform's models: host-env.ts), EMBEDDING_ENGINE/EMBEDDING_BASE_PATH,
// VECTOR_DB. SIG_KEY/SIG_SALT encrypt stored credentials (EncryptionManager):
// rotating them loses those, so they never rotate; JWT_SECRET signs sessions.
// Their sample values ('passphrase', 'salt', 'my-random-string-for-seeding')
// are known defaults.
// Password from the first start: with AUTH_TOKEN and JWT_SECRET both in the
// environment, single-user mode asks for the password on every request
// (server/utils/middleware/validatedRequest.js: it lets everything through only
// when one of them is missing). The password is moat's secret
// ANYTHINGLLM_AUTH_TOKEN; multi-user mode, once turned on in the UI, lives in
// the database on the storage volume and takes over.
// Settings made in the UI go to /app/server/.env (updateENV.js dumpENV writes
// path.join(__dirname, "../../.env"), a fixed path, and dotenv loads it from the
// working directory): it cannot be moved onto STORAGE_DIR at this version
// without replacing the entrypoint, so moat does not persist it. Everything
// moat sets stays in the environment, which dotenv never overrides, so a
// re-created container comes back with moat's settings and password; only keys
// typed into the UI for other providers are lost (set them in moat.yaml).
// Chromium (the collector's Puppeteer, for links and website scraping): upstream
// offers `cap_add: SYS_ADMIN` (Chromium's own namespace sandbox) or
// ANYTHINGLLM_CHROMIUM_ARGS="--no-sandbox,--disable-setuid-sandbox" (read by
// server/utils/collectorApi/index.js at 1.16.0; .env.example: "do not want to
// use the --cap-add=SYS_ADMIN docker argument"). moat takes the flags: SYS_ADMIN
// would let Docker's seccomp profile allow mount/unshare/clone of namespaces to
// a process that parses untrusted pages and documents; without it, a
// compromised renderer has what the collector has (uid 1000, no capabilities,
// no-new-privileges, this container), which is the sandbox now.
// Vector database: the platform's Weaviate (the reference names it "AnythingLLM
// vector database"), not the embedded LanceDB. VECTOR_DB=weaviate makes
// server/utils/vectorDbProviders/weaviate/index.js connect to WEAVIATE_ENDPOINT
// (a URL: scheme and host:port) with WEAVIATE_API_KEY when set, through
// weaviate-ts-client ^1.4.0, which speaks REST and GraphQL only (port 8080, no
// gRPC). The platform's Weaviate requires an API key
// (AUTHENTICATION_APIKEY_ENABLED, dify-backing.ts) and accepts one key, mapped to
// its one admin user: AnythingLLM uses that key (DIFY_WEAVIATE_API_KEY, the one
// Dify's API and worker use). Both keep their own classes in it: AnythingLLM
// one per workspace (camelCase of the slug, e.g. MoatKnowledge), Dify
// Vector_index_<uuid>_Node. A second key would need Weaviate's comma-separated
// key and user lists built from two secrets, which the catalog cannot express
// yet. The embeddings come from Ollama (EMBEDDING_ENGINE=ollama), so Weaviate
// only stores vectors (DEFAULT_VECTORIZER_MODULE=none). Documents embedded
// into LanceDB before this change stay in the storage volume, unused: embed
// them again (`moat knowledge sync` does for Drive files).
// DISABLE_SWAGGER_DOCS=true: read at 1.16.0 (server/swagger/utils.js; it first
// appears in v1.9.1, so 1.8.1 did not have it). Health: /api/ping with Node 18
// (global fetch); the image's own HEALTHCHECK probes the same path with curl.
// Sources: https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/docker/Dockerfile,
// https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/.env.example,
// https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/utils/middleware/validatedRequest.js,
// https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/utils/helpers/updateENV.js,
// https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/utils/vectorDbProviders/weaviate/index.js,
// https://github.com/Mintplex-Labs/anything-llm/issues/2078
export const anythingllm = defineService({
  name: 'anythingllm',
  title: 'AnythingLLM',
  description: 'Document chat (RAG) front end',
  origin: 'reference',
  image: 'mintplexlabs/anythingllm:1.16.0',
  address: '172.20.0.20',
  ports: [{ port: 3001, protocol: 'tcp', purpose: 'Web UI and API (routed as /anythingllm)' }],
  env: {
    SERVER_PORT: '3001',
    STORAGE_DIR: '/app/server/storage',
    LLM_PROVIDER: 'ollama',
    OLLAMA_BASE_PATH: 'http://ollama:11434',
    OLLAMA_MODEL_TOKEN_LIMIT: '4096',
    EMBEDDING_ENGINE: 'ollama',
    EMBEDDING_BASE_PATH: 'http://ollama:11434',
    EMBEDDING_MODEL_PREF: 'nomic-embed-text:latest',
    EMBEDDING_MODEL_MAX_CHUNK_LENGTH: '8192',
    VECTOR_DB: 'weaviate',
    WEAVIATE_ENDPOINT: 'http://dify-weaviate:8080',
    DISABLE_TELEMETRY: 'true',
    DISABLE_SWAGGER_DOCS: 'true',
    ANYTHINGLLM_CHROMIUM_ARGS: '--no-sandbox,--disable-setuid-sandbox',
  },
  secrets: [
    {
      name: 'ANYTHINGLLM_AUTH_TOKEN',
      env: 'AUTH_TOKEN',
      policy: 'rotatable',
      generate: { bytes: 24, encoding: 'base64url' },
      why: 'the instance password (single-user mode) from the first start; rotating it logs everyone out',
    },
    {
      name: 'ANYTHINGLLM_JWT_SECRET',
      env: 'JWT_SECRET',
      policy: 'rotatable',
      generate: { bytes: 32, encoding: 'hex' },
      knownDefaults: ['my-random-string-for-seeding'],
      why: 'signs sessions (and turns the password on, with AUTH_TOKEN); rotating logs everyone out',
    },
    {
      name: 'ANYTHINGLLM_SIG_KEY',
      env: 'SIG_KEY',
      policy: 'never-rotate',
      generate: { bytes: 32, encoding: 'hex' },
      knownDefaults: ['passphrase'],
      why: 'encrypts stored credentials; a new key makes them unreadable',
    },
    {
      name: 'ANYTHINGLLM_SIG_SALT',
      env: 'SIG_SALT',
      policy: 'never-rotate',
      generate: { bytes: 32, encoding: 'hex' },
      knownDefaults: ['salt'],
      why: 'salt of the credential encryption; a new salt makes stored credentials unreadable',
    },
    difySecrets.weaviateKey,
  ],
  volumes: [
    {
      name: 'anythingllm-storage',
      target: '/app/server/storage',
      purpose: 'documents, database (users, multi-user mode, settings, API keys); vectors live in Weaviate',
    },
  ],
  healthcheck: { test: nodeHttpCheck('http://127.0.0.1:3001/api/ping'), expects: 'GET /api/ping answers 200' },
  dependsOn: ['ollama', 'dify-weaviate'],
  hardening: { readOnlyRootFs: false },
  exposure: 'routed',
  sources: [
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/docker/Dockerfile',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/.env.example',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/utils/middleware/validatedRequest.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/utils/helpers/updateENV.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/utils/vectorDbProviders/weaviate/index.js',
  ],
});
