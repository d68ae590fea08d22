import type { UpstreamFacts } from './types.js';

// LiteLLM main-v1.71.1-stable (facts only: src/catalog/litellm.ts belongs to
// the `firstup` helper; a new pin there must come with new facts here, the
// test fails otherwise). Image: Dockerfile `ENTRYPOINT
// ["docker/prod_entrypoint.sh"]` (which execs `litellm "$@"`), `CMD ["--port",
// "4000"]`, WORKDIR /app, root, a Python image with python3 (upstream's compose
// health check runs python3 urllib). The master key is read as
// os.environ/LITELLM_MASTER_KEY from the config and as LITELLM_MASTER_KEY;
// virtual keys need DATABASE_URL (Postgres); LITELLM_SALT_KEY encrypts stored
// provider keys.
export const LITELLM_FACTS: UpstreamFacts = {
  image: 'ghcr.io/berriai/litellm',
  version: 'main-v1.71.1-stable',
  released: '2025-05-26', // on PyPI by then (FreeBSD ports misc/py-litellm 1.71.1, 2025-05-26); the -stable image follows the release
  entrypoint: ['docker/prod_entrypoint.sh'],
  cmd: ['--port', '4000'],
  user: 'root',
  writablePaths: ['/app', '/tmp'],
  binaries: ['sh', 'python3', 'litellm', 'prisma'],
  envRead: ['LITELLM_MASTER_KEY', 'LITELLM_SALT_KEY', 'DATABASE_URL', 'STORE_MODEL_IN_DB', 'LITELLM_LOG', 'PORT'],
  sources: [
    'https://github.com/BerriAI/litellm/blob/v1.71.1-stable/Dockerfile',
    'https://github.com/BerriAI/litellm/blob/v1.71.1-stable/docker/prod_entrypoint.sh',
    'https://github.com/BerriAI/litellm/blob/main/docker-compose.yml',
    'https://docs.litellm.ai/docs/proxy/prod',
    'https://docs.litellm.ai/release_notes/v1.71.1-stable',
  ],
};
