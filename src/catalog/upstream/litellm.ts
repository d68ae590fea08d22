import type { UpstreamFacts } from './types.js';

// LiteLLM main-v1.83.10-stable, a -stable image of April 2026 that downstream
// projects verified and moved to (Budibase/budibase#18633, 2026-04-28: from
// main-v1.81.14-stable); 1.84.x images changed their entrypoint options
// (BerriAI/litellm#28018) and are not pinned yet. The -stable tags before 1.76
// had images missing for some releases (BerriAI/litellm#14314), so the tag is
// one seen pulled. A new pin must come with new facts here (the test fails
// otherwise). The facts below were read at v1.71.1 and re-checked against the
// newest source in the index (the entrypoint, python3 health check and
// DATABASE_URL/LITELLM_MASTER_KEY names are unchanged). Image: Dockerfile `ENTRYPOINT
// ["docker/prod_entrypoint.sh"]` (which execs `litellm "$@"`), `CMD ["--port",
// "4000"]`, WORKDIR /app, root, a Python image with python3 (upstream's compose
// health check runs python3 urllib). The master key is read as
// os.environ/LITELLM_MASTER_KEY from the config and as LITELLM_MASTER_KEY;
// virtual keys need DATABASE_URL (Postgres); LITELLM_SALT_KEY encrypts stored
// provider keys.
export const LITELLM_FACTS: UpstreamFacts = {
  image: 'ghcr.io/berriai/litellm',
  version: 'main-v1.83.10-stable',
  released: '2026-04-24', // the 1.83.10 release (Budibase/budibase#18633 moved to it on 2026-04-28)
  entrypoint: ['docker/prod_entrypoint.sh'],
  cmd: ['--port', '4000'],
  user: 'root',
  writablePaths: ['/app', '/tmp'],
  binaries: ['sh', 'python3', 'litellm', 'prisma'],
  envRead: ['LITELLM_MASTER_KEY', 'LITELLM_SALT_KEY', 'DATABASE_URL', 'STORE_MODEL_IN_DB', 'LITELLM_LOG', 'PORT'],
  sources: [
    'https://github.com/Budibase/budibase/pull/18633',
    'https://github.com/BerriAI/litellm/issues/28018',
    'https://github.com/BerriAI/litellm/blob/v1.71.1-stable/Dockerfile',
    'https://github.com/BerriAI/litellm/blob/v1.71.1-stable/docker/prod_entrypoint.sh',
    'https://github.com/BerriAI/litellm/blob/main/docker-compose.yml',
    'https://docs.litellm.ai/docs/proxy/prod',
    'https://docs.litellm.ai/release_notes/v1.71.1-stable',
  ],
};
