import { defineService, pythonHttpCheck } from './define.js';

// LiteLLM proxy: started with --config (rendered config.yaml, which reads the
// master key as os.environ/LITELLM_MASTER_KEY), master key as a secret (must
// start with `sk-`; the docs' sample `sk-1234` is refused). Liveness:
// /health/liveliness (sic) needs no key; upstream's compose file probes it with
// python3 urllib (the image is Python, curl is not guaranteed). Platform-only,
// so no SERVER_ROOT_PATH: it is served from `/` and never routed.
// Stable releases are tagged main-v<version>-stable (12-hour load tested);
// The pin and its sources: upstream/litellm.ts.
// Virtual keys (one per app, revocable alone; the master key stays with moat)
// need a PostgreSQL: DATABASE_URL, in secrets/litellm.env since it carries the
// password (src/deploy/litellm-db.ts builds it), points at the platform's
// PostgreSQL (dify-db) in a database and role `litellm` of their own, which
// `moat up` creates after dify-db is healthy. LiteLLM creates its tables at
// start (prisma), so the first start takes longer: a longer start period.
// LITELLM_DB_PASSWORD rotates: every `moat up` sets the role's password anew.
// The master key stays rotatable with a database: LiteLLM stores virtual keys
// hashed, and encrypts with the master key (or LITELLM_SALT_KEY) only model
// credentials kept in the database (STORE_MODEL_IN_DB), which moat does not
// use: the models come from config.yaml. Source: docs.litellm.ai/docs/proxy/prod
// ("LITELLM_SALT_KEY ... do not change").
// Sources: https://docs.litellm.ai/docs/proxy/virtual_keys (DATABASE_URL),
// https://docs.litellm.ai/docs/proxy/deploy, https://docs.litellm.ai/docs/proxy/health,
// https://github.com/BerriAI/litellm/blob/main/docker-compose.yml
export const litellm = defineService({
  name: 'litellm',
  title: 'LiteLLM',
  description: 'OpenAI-compatible proxy gateway and routing in front of Ollama',
  origin: 'reference',
  image: 'ghcr.io/berriai/litellm:main-v1.83.10-stable',
  address: '172.20.0.11',
  ports: [{ port: 4000, protocol: 'tcp', purpose: 'Proxy gateway & routing (OpenAI-compatible API)' }],
  command: ['--config', '/app/config.yaml', '--port', '4000', '--num_workers', '1'],
  secrets: [
    {
      name: 'LITELLM_MASTER_KEY',
      env: 'LITELLM_MASTER_KEY',
      policy: 'rotatable',
      generate: { bytes: 24, encoding: 'hex', prefix: 'sk-' },
      knownDefaults: ['sk-1234'],
      why: 'admin key of the proxy API',
    },
    {
      name: 'LITELLM_DB_PASSWORD',
      env: 'LITELLM_DB_PASSWORD',
      policy: 'rotatable',
      generate: { bytes: 24, encoding: 'hex' },
      why: "password of LiteLLM's own PostgreSQL role (virtual keys); `moat up` sets it on the role each run, so a rotation takes effect with the next up",
    },
  ],
  volumes: [{ name: 'litellm-config', target: '/app/config.yaml', purpose: 'rendered model routing', readOnly: true, bundleFile: 'litellm/config.yaml' }],
  healthcheck: { test: pythonHttpCheck('http://127.0.0.1:4000/health/liveliness'), expects: 'GET /health/liveliness answers 200', startPeriodSeconds: 120 },
  dependsOn: ['ollama', 'dify-db'],
  startBudgetSeconds: 240,
  hardening: { readOnlyRootFs: false },
  exposure: 'internal',
  sources: [
    'https://docs.litellm.ai/docs/proxy/deploy',
    'https://docs.litellm.ai/docs/proxy/health',
    'https://github.com/BerriAI/litellm/blob/main/docker-compose.yml',
    'https://docs.litellm.ai/release_notes/v1.71.1-stable',
    'https://docs.litellm.ai/docs/proxy/virtual_keys',
  ],
});
