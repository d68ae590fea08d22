import { defineService, nodeHttpCheck } from './define.js';

// AnythingLLM has no base-path support (maintainers: out of scope,
// Mintplex-Labs/anything-llm#2078), so its route rewrites absolute URLs.
// Health: /api/ping. Storage in STORAGE_DIR. SIG_KEY/SIG_SALT encrypt stored
// credentials: rotating them loses those, so they never rotate.
// Sources: https://github.com/Mintplex-Labs/anything-llm/blob/master/docker/.env.example,
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
    EMBEDDING_ENGINE: 'ollama',
    EMBEDDING_BASE_PATH: 'http://ollama:11434',
    VECTOR_DB: 'lancedb',
    DISABLE_TELEMETRY: 'true',
  },
  secrets: [
    { name: 'ANYTHINGLLM_JWT_SECRET', env: 'JWT_SECRET', policy: 'rotatable', generate: { bytes: 32, encoding: 'hex' }, knownDefaults: ['my-random-string-for-seeding'], why: 'signs sessions; rotating logs everyone out' },
    { name: 'ANYTHINGLLM_SIG_KEY', env: 'SIG_KEY', policy: 'never-rotate', generate: { bytes: 32, encoding: 'hex' }, knownDefaults: ['passphrase'], why: 'encrypts stored credentials' },
    { name: 'ANYTHINGLLM_SIG_SALT', env: 'SIG_SALT', policy: 'never-rotate', generate: { bytes: 32, encoding: 'hex' }, knownDefaults: ['salt'], why: 'encrypts stored credentials' },
  ],
  volumes: [{ name: 'anythingllm-storage', target: '/app/server/storage', purpose: 'documents, vectors, settings' }],
  healthcheck: { test: nodeHttpCheck('http://127.0.0.1:3001/api/ping'), expects: 'GET /api/ping answers 200' },
  dependsOn: ['ollama'],
  hardening: { readOnlyRootFs: false, capAdd: ['SYS_ADMIN'] },
  exposure: 'routed',
  sources: ['https://github.com/Mintplex-Labs/anything-llm/blob/master/docker/.env.example'],
});
