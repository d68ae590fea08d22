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
    'SERVER_PORT',
    'STORAGE_DIR',
    'LLM_PROVIDER',
    'OLLAMA_BASE_PATH',
    'OLLAMA_MODEL_PREF',
    'OLLAMA_MODEL_TOKEN_LIMIT',
    'OLLAMA_RESPONSE_TIMEOUT',
    'EMBEDDING_ENGINE',
    'EMBEDDING_BASE_PATH',
    'EMBEDDING_MODEL_PREF',
    'EMBEDDING_MODEL_MAX_CHUNK_LENGTH',
    'VECTOR_DB',
    'DISABLE_TELEMETRY',
    'JWT_SECRET',
    'JWT_EXPIRY',
    'SIG_KEY',
    'SIG_SALT',
    'AUTH_TOKEN',
    'DISABLE_SWAGGER_DOCS',
    'ANYTHINGLLM_CHROMIUM_ARGS',
    'COLLECTOR_PORT',
    'NODE_ENV',
    'WEAVIATE_ENDPOINT',
    'WEAVIATE_API_KEY',
  ],
  sources: [
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/docker/Dockerfile',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/docker/docker-entrypoint.sh',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/utils/helpers/updateENV.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/utils/middleware/validatedRequest.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/utils/collectorApi/index.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/swagger/utils.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/.github/workflows/build-and-push-image-semver.yaml',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/utils/vectorDbProviders/weaviate/index.js',
  ],
};

// The HTTP API moat's knowledge step (src/deploy/knowledge) and the bot's
// knowledge tool call, as routed at v1.16.0: server/index.js mounts every
// router under /api; developer endpoints (server/endpoints/api/*) are
// `/v1/...` behind validApiKey (server/utils/middleware/validApiKey.js:
// `Authorization: Bearer <key>`, 403 {"error":"No valid api key found."} when
// missing or unknown). Keys are rows of api_keys made by POST
// /api/system/generate-api-key (server/endpoints/system.js; validatedRequest,
// i.e. a session JWT from POST /api/request-token {password}; 401 in
// multi-user mode) answering {apiKey: {secret, ...}}.
// - POST /api/v1/document/upload (multipart `file`, optional `metadata` JSON
//   with title/docAuthor/description/docSource, optional addToWorkspaces):
//   {success, error, documents: [{location: "custom-documents/<name>-<uuid>.json", ...}]},
//   500 {success:false, error} when the collector cannot parse it.
// - POST /api/v1/workspace/new {name, ...}: {workspace: {slug, ...}, message};
//   the slug is slugify(name) (models/workspace.js), a taken one gets a suffix.
// - GET /api/v1/workspace/{slug}: {workspace: [ {slug, documents: [{docpath, filename, ...}]} ]}
//   (an array from Workspace._findMany; empty when there is none).
// - POST /api/v1/workspace/{slug}/update-embeddings {adds: [location], deletes: [location]}:
//   {workspace} with its documents; a failed embedding is NOT an error status
//   (Document.addDocuments' failedToEmbed is dropped), so callers check the
//   answer's documents.
// - DELETE /api/v1/system/remove-documents {names: [location]}: purges the
//   files from storage (server/endpoints/api/system/index.js).
// - POST /api/v1/workspace/{slug}/vector-search {query, topN, scoreThreshold}:
//   {results: [{text, metadata: {title, ...}, score, distance}]}.
// - GET /api/v1/auth: {authenticated: true} with a valid key.
// - GET /api/v1/documents: {localFiles} (the whole tree).
export const ANYTHINGLLM_API = {
  version: '1.16.0',
  bearerAuth: true,
  paths: {
    auth: 'GET /api/v1/auth',
    upload: 'POST /api/v1/document/upload',
    documents: 'GET /api/v1/documents',
    newWorkspace: 'POST /api/v1/workspace/new',
    workspace: 'GET /api/v1/workspace/{slug}',
    updateEmbeddings: 'POST /api/v1/workspace/{slug}/update-embeddings',
    removeDocuments: 'DELETE /api/v1/system/remove-documents',
    vectorSearch: 'POST /api/v1/workspace/{slug}/vector-search',
    requestToken: 'POST /api/request-token',
    generateApiKey: 'POST /api/system/generate-api-key',
  },
  sources: [
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/index.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/endpoints/api/document/index.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/endpoints/api/workspace/index.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/endpoints/api/system/index.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/endpoints/api/auth/index.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/endpoints/system.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/utils/middleware/validApiKey.js',
    'https://github.com/Mintplex-Labs/anything-llm/blob/v1.16.0/server/models/apiKeys.js',
  ],
} as const;
