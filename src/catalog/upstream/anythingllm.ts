import type { UpstreamFacts } from './types.js';

// AnythingLLM v1.16.0 (tag 2026-08-13; the newest release in the stored
// snapshot). Image: docker/Dockerfile (ubuntu:noble, Node 18 from NodeSource,
// curl, netcat-openbsd, uv/uvx; user `anythingllm` uid 1000 with home /app;
// `USER anythingllm`; `ENTRYPOINT ["/bin/bash",
// "/usr/local/bin/docker-entrypoint.sh"]`, which runs prisma migrations, then
// the server and the collector, and ignores arguments). The published tag is
// the release's semver (.github/workflows/build-and-push-image-semver.yaml:
// `type=semver,pattern={{version}}`).
// Writable: STORAGE_DIR (/app/server/storage, copied from the repo and
// chowned), /app/server/.env (dumpENV in server/utils/helpers/updateENV.js
// writes path.join(__dirname, "../../.env"), a fixed path; server/index.js
// loads it with dotenv from the working directory, which never overrides the
// process environment), the collector's hotdir and outputs.
// Env names: `process.env.X` in server/ and collector/ at the tag;
// DISABLE_SWAGGER_DOCS (server/swagger/utils.js) and ANYTHINGLLM_CHROMIUM_ARGS
// (server/utils/collectorApi/index.js → the collector's Puppeteer launch args)
// exist at this version.
export const ANYTHINGLLM_FACTS: UpstreamFacts = {
  image: 'mintplexlabs/anythingllm',
  version: '1.16.0',
  released: '2026-08-13',
  entrypoint: ['/bin/bash', '/usr/local/bin/docker-entrypoint.sh'],
  user: 'anythingllm (uid 1000)',
  writablePaths: ['/app/server/storage', '/app/server/.env', '/app/collector/hotdir', '/app/collector/outputs'],
  binaries: ['sh', 'bash', 'node', 'npx', 'yarn', 'curl', 'nc', 'uvx'],
  envRead: [
    'SERVER_PORT', 'STORAGE_DIR', 'LLM_PROVIDER', 'OLLAMA_BASE_PATH', 'OLLAMA_MODEL_PREF', 'OLLAMA_MODEL_TOKEN_LIMIT',
    'OLLAMA_RESPONSE_TIMEOUT', 'EMBEDDING_ENGINE', 'EMBEDDING_BASE_PATH', 'EMBEDDING_MODEL_PREF',
    'EMBEDDING_MODEL_MAX_CHUNK_LENGTH', 'VECTOR_DB', 'DISABLE_TELEMETRY', 'JWT_SECRET', 'JWT_EXPIRY', 'SIG_KEY',
    'SIG_SALT', 'AUTH_TOKEN', 'DISABLE_SWAGGER_DOCS', 'ANYTHINGLLM_CHROMIUM_ARGS', 'COLLECTOR_PORT', 'NODE_ENV',
  ],
  sources: [
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/docker/Dockerfile',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/docker/docker-entrypoint.sh',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/utils/helpers/updateENV.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/utils/middleware/validatedRequest.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/utils/collectorApi/index.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/swagger/utils.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/.github/workflows/build-and-push-image-semver.yaml',
  ],
};
