// The commands a backup runs inside the services, as argv for BackupTarget.exec.
// Credentials come from the container's own environment (expanded by its
// shell), never from moat's argv; names passed as `$1` are checked against a
// strict pattern first (manifest.ts), so they are never SQL or shell syntax.
// Sources (PostgreSQL 15, the image's major): pg_dump -Fc "custom archive,
// suitable for input into pg_restore"; pg_restore reads standard input when
// no file is named; `DROP DATABASE ... WITH (FORCE)` (13+) ends the
// connections first (https://www.postgresql.org/docs/15/app-pgdump.html,
// app-pgrestore.html, sql-dropdatabase.html). Redis 7: `redis-cli --rdb -`
// takes a consistent RDB over the replication protocol and writes it to stdout
// (redis-cli --help). n8n: `export:workflow|export:credentials --all --backup
// --output DIR` (one file per item, credentials stay encrypted) and
// `import:* --separate --input DIR` (https://docs.n8n.io/hosting/cli-commands/).

const PG = 'PGPASSWORD="$POSTGRES_PASSWORD"; export PGPASSWORD; U="${POSTGRES_USER:-postgres}";';

/** Every database but the templates and `postgres` itself (the maintenance database a restore connects to). */
export const PG_LIST_DATABASES: readonly string[] = [
  'sh',
  '-c',
  `${PG} exec psql -X -At -v ON_ERROR_STOP=1 -U "$U" -d postgres -c "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres' ORDER BY datname"`,
];

export function pgDump(database: string): readonly string[] {
  return ['sh', '-c', `${PG} exec pg_dump -Fc -U "$U" -d "$1"`, 'sh', database];
}

/** The dump arrives on stdin; the database is dropped (its sessions ended) and created again from the archive, owner and grants included. */
export function pgRestore(database: string): readonly string[] {
  return [
    'sh',
    '-c',
    `${PG} psql -X -q -v ON_ERROR_STOP=1 -U "$U" -d postgres -c "DROP DATABASE IF EXISTS \\"$1\\" WITH (FORCE)" && exec pg_restore --create --exit-on-error -U "$U" -d postgres`,
    'sh',
    database,
  ];
}

/** REDISCLI_AUTH keeps the password off redis-cli's argv (as the catalog's health check does). */
export const REDIS_RDB: readonly string[] = ['sh', '-c', 'REDISCLI_AUTH="$REDIS_PASSWORD" exec redis-cli --rdb - 2>/dev/null'];

/** Redis loads `dump.rdb` from its working directory (the image's /data) at start. */
export const REDIS_RDB_FILE = 'dump.rdb';

// n8n answers "No workflows found" (an error) on an empty instance: that is an empty export, not a failure.
const n8nExport = (command: string, dir: string, none: string): string =>
  `n8n export:${command} --all --backup --output="$d/${dir}/" >"$d/out" 2>&1 || grep -q "${none}" "$d/out" || { cat "$d/out" >&2; exit 1; }`;

export const N8N_EXPORT: readonly string[] = [
  'sh',
  '-c',
  `d=$(mktemp -d) && trap 'rm -rf "$d"' EXIT && mkdir -p "$d/workflows" "$d/credentials" && ${n8nExport('workflow', 'workflows', 'No workflows found')} && ${n8nExport('credentials', 'credentials', 'No credentials found')} && rm -f "$d/out" && tar -C "$d" -cf - workflows credentials`,
];

export const N8N_IMPORT: readonly string[] = [
  'sh',
  '-c',
  `d=$(mktemp -d) && trap 'rm -rf "$d"' EXIT && tar -C "$d" -xf - && n8n import:workflow --separate --input="$d/workflows" >&2 && n8n import:credentials --separate --input="$d/credentials" >&2`,
];
