import type { UpstreamFacts } from './dify-types.js';

// postgres:15.18-alpine, the official image (Dify's compose uses
// postgres:15-alpine). 15.18 is the newest 15.x release this session could
// evidence (PostgreSQL's May 2026 minor release, timescale/timescaledb-docker-ha#664
// lists 18.4/17.10/16.14/15.18); PostgreSQL ships minor releases quarterly, so
// check for a later 15.x before deploying.
// The entrypoint prepends `postgres` to an option-only command and steps down
// with gosu to `postgres` only when the first argument is `postgres` and it runs
// as root; it chowns PGDATA and /var/run/postgresql first.
export const POSTGRES_FACTS: UpstreamFacts = {
  image: 'postgres',
  version: '15.18-alpine',
  released: '2026-05-14',
  entrypoint: ['docker-entrypoint.sh'],
  cmd: ['postgres'],
  user: 'root',
  stepsDownWhenFirstArg: ['postgres'],
  writablePaths: ['/var/lib/postgresql/data', '/var/run/postgresql'],
  binaries: ['sh', 'bash', 'postgres', 'psql', 'pg_isready', 'gosu'],
  envRead: ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB', 'PGDATA', 'POSTGRES_INITDB_ARGS', 'POSTGRES_INITDB_WALDIR', 'POSTGRES_HOST_AUTH_METHOD'],
  // So a cluster made anew keeps the password it was initialised with: restore sets the roles' passwords (src/deploy/backup/pg-roles.ts).
  envOnlyOnEmptyData: { marker: '$PGDATA/PG_VERSION', env: ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB'] },
  sources: [
    'https://github.com/docker-library/postgres/blob/6edb0a8c4def40c371514b34aef9037ec82d9110/15/alpine3.23/docker-entrypoint.sh (l.58-59 chown, l.332-338 gosu step-down for `postgres`, l.246-247 PG_VERSION marks an existing database, l.341-357 initdb and docker_setup_db only on an empty data directory)',
    'https://github.com/docker-library/postgres/blob/6edb0a8c4def40c371514b34aef9037ec82d9110/15/alpine3.23/Dockerfile (l.196 PGDATA, l.203 ENTRYPOINT, l.230 CMD)',
    'https://github.com/timescale/timescaledb-docker-ha/pull/664 (15.18, May 2026)',
  ],
};
