import { defineService, nodeHttpCheck } from './define.js';

// AnythingLLM has no base-path support (maintainers: out of scope,
// Mintplex-Labs/anything-llm#2078), so its route rewrites absolute URLs.
// Variable names as in docker/.env.example: SERVER_PORT, STORAGE_DIR,
// LLM_PROVIDER=ollama + OLLAMA_BASE_PATH (+ OLLAMA_MODEL_PREF, from the
// platform's models: host-env.ts), EMBEDDING_ENGINE/EMBEDDING_BASE_PATH,
// VECTOR_DB. SIG_KEY/SIG_SALT encrypt stored credentials: rotating them loses
// those, so they never rotate; JWT_SECRET signs sessions. Their sample values
// ('passphrase', 'salt', 'my-random-string-for-seeding') are known defaults.
// Health: /api/ping (the image's own HEALTHCHECK script probes it); the image
// runs Node, so the check needs no curl. SYS_ADMIN: upstream's docker run adds
// it for the bundled Chromium's sandbox (or ANYTHINGLLM_CHROMIUM_ARGS=--no-sandbox).
// Sources: https://github.com/Mintplex-Labs/anything-llm/blob/master/docker/.env.example,
// https://github.com/Mintplex-Labs/anything-llm/blob/master/docker/HOW_TO_USE_DOCKER.md,
// https://github.com/Mintplex-Labs/anything-llm/issues/2078
export const anythingllm = defineService({
  name: 'anythingllm',
  title: 'AnythingLLM',
  description: 'Document chat (RAG) front end',
  origin: 'reference',
  image: 'mintplexlabs/anythingllm:1.8.1',
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
    VECTOR_DB: 'lancedb',
    DISABLE_TELEMETRY: 'true',
    DISABLE_SWAGGER_DOCS: 'true',
  },
  secrets: [
    { name: 'ANYTHINGLLM_JWT_SECRET', env: 'JWT_SECRET', policy: 'rotatable', generate: { bytes: 32, encoding: 'hex' }, knownDefaults: ['my-random-string-for-seeding'], why: 'signs sessions; rotating logs everyone out' },
    { name: 'ANYTHINGLLM_SIG_KEY', env: 'SIG_KEY', policy: 'never-rotate', generate: { bytes: 32, encoding: 'hex' }, knownDefaults: ['passphrase'], why: 'encrypts stored credentials; a new key makes them unreadable' },
    { name: 'ANYTHINGLLM_SIG_SALT', env: 'SIG_SALT', policy: 'never-rotate', generate: { bytes: 32, encoding: 'hex' }, knownDefaults: ['salt'], why: 'salt of the credential encryption; a new salt makes stored credentials unreadable' },
  ],
  volumes: [{ name: 'anythingllm-storage', target: '/app/server/storage', purpose: 'documents, vectors, settings' }],
  healthcheck: { test: nodeHttpCheck('http://127.0.0.1:3001/api/ping'), expects: 'GET /api/ping answers 200' },
  dependsOn: ['ollama'],
  hardening: { readOnlyRootFs: false, capAdd: ['SYS_ADMIN'] },
  exposure: 'routed',
  sources: [
    'https://github.com/Mintplex-Labs/anything-llm/blob/master/docker/.env.example',
    'https://github.com/Mintplex-Labs/anything-llm/blob/master/docker/HOW_TO_USE_DOCKER.md',
  ],
});
