// LiteLLM's database for virtual keys, on the platform's PostgreSQL (dify-db)
// in a database and role of its own, so each app can get a key of its own
// that can be revoked alone, and the master key stays with moat.
// - LiteLLM reads DATABASE_URL (postgresql://user:password@host:port/db) and
//   creates its tables itself at start (prisma). Source:
//   https://docs.litellm.ai/docs/proxy/virtual_keys ("Requirements": DATABASE_URL).
// - `moat up` creates the role and database after dify-db is healthy and before
//   LiteLLM starts, by psql inside the dify-db container, the script on stdin.
//   The official image trusts local socket connections (initdb's default for
//   `local`; https://hub.docker.com/_/postgres, "POSTGRES_HOST_AUTH_METHOD"),
//   and PGPASSWORD from the container's own POSTGRES_PASSWORD covers a stricter
//   pg_hba.conf. The password goes as a SCRAM-SHA-256 verifier (PostgreSQL
//   stores a pre-hashed value as given: docs "CREATE ROLE ... PASSWORD", and
//   RFC 5802/7677 for the computation), so the plain value never reaches the
//   server, its logs (log_min_error_statement logs a failed statement) or psql.
// - LITELLM_DB_PASSWORD is rotatable: the script runs on every `up` and its
//   ALTER ROLE sets the current value, before the LiteLLM container is
//   recreated with the new DATABASE_URL.
// - PUBLIC loses CONNECT on every other database of the cluster (Dify's own
//   roles are the superuser, which CONNECT does not bind), so the litellm role
//   cannot even open dify's database.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { serviceByName } from '../model/lookup.js';
import type { Platform } from '../model/types.js';
import type { Engine } from './engine.js';
import { EngineCommandError } from './engine.js';
import { withoutValues } from './redact.js';

export const LITELLM_SERVICE = 'litellm';
export const LITELLM_DB_SERVICE = 'dify-db';
export const LITELLM_DB_SECRET = 'LITELLM_DB_PASSWORD';
export const LITELLM_DB_ROLE = 'litellm';
export const LITELLM_DB_NAME = 'litellm';
const PG_PORT = 5432;

/** SCRAM-SHA-256 verifier as PostgreSQL stores it: `SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>` (base64). */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  // SASLprep leaves printable ASCII as it is; moat's secrets are hex or base64url.
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
/** A PostgreSQL string literal: quoted, each quote doubled (standard_conforming_strings is on since 9.1). */
export const sqlLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** The idempotent psql script: role (login, nothing else), database owned by it, other databases closed to PUBLIC. */
export function litellmDbScript(password: string, role = LITELLM_DB_ROLE, database = LITELLM_DB_NAME): string {
  return [
    '\\set ON_ERROR_STOP on',
    `SELECT format('CREATE ROLE %I', ${sqlLiteral(role)}) WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${sqlLiteral(role)})\\gexec`,
    `ALTER ROLE ${ident(role)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD ${sqlLiteral(scramVerifier(password))};`,
    `SELECT format('CREATE DATABASE %I OWNER %I', ${sqlLiteral(database)}, ${sqlLiteral(role)}) WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = ${sqlLiteral(database)})\\gexec`,
    `ALTER DATABASE ${ident(database)} OWNER TO ${ident(role)};`,
    `REVOKE ALL ON DATABASE ${ident(database)} FROM PUBLIC;`,
    `SELECT format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', datname) FROM pg_database WHERE datname <> ${sqlLiteral(database)} AND NOT datistemplate\\gexec`,
    '',
  ].join('\n');
}

/** Does this platform give LiteLLM a database? Both services present and LiteLLM holding the password secret. */
export function usesLitellmDb(platform: Platform): boolean {
  const litellm = serviceByName(platform, LITELLM_SERVICE);
  return serviceByName(platform, LITELLM_DB_SERVICE) !== undefined && litellm?.secrets.some((s) => s.name === LITELLM_DB_SECRET) === true;
}

/** DATABASE_URL for LiteLLM: dify-db at its static address (no DNS at connect time), the password URL-encoded. */
export function litellmDatabaseUrl(platform: Platform, password: string): string {
  const db = serviceByName(platform, LITELLM_DB_SERVICE);
  const host = db?.address ?? LITELLM_DB_SERVICE;
  const port = db?.ports[0]?.port ?? PG_PORT;
  return `postgresql://${LITELLM_DB_ROLE}:${encodeURIComponent(password)}@${host}:${port}/${LITELLM_DB_NAME}`;
}

/**
 * Env values built from a secret that need the platform (an address), for the
 * service's secrets file: LiteLLM's DATABASE_URL. `own` holds the service's own
 * secret values by secret name.
 */
export function platformDerivedEnv(platform: Platform, service: string, own: Readonly<Record<string, string>>): Record<string, string> {
  const password = own[LITELLM_DB_SECRET];
  if (service !== LITELLM_SERVICE || password === undefined || !serviceByName(platform, LITELLM_DB_SERVICE)) return {};
  return { DATABASE_URL: litellmDatabaseUrl(platform, password) };
}

/** psql in the database container; the script arrives on stdin. `$POSTGRES_*` are expanded inside the container, from its own env. */
export const PSQL_ARGV: readonly string[] = [
  'sh',
  '-c',
  'PGPASSWORD="$POSTGRES_PASSWORD" exec psql -X -q -v ON_ERROR_STOP=1 -U "${POSTGRES_USER:-postgres}" -d postgres -f -',
];

/**
 * psql's words with the password and every SCRAM verifier taken out: psql quotes
 * the failing statement (`LINE 1: ALTER ROLE ... PASSWORD 'SCRAM-SHA-256$...'`),
 * and a verifier is enough to try passwords offline.
 */
export function redactPsql(text: string, password: string): string {
  return withoutValues(text, [password]).replace(/SCRAM-SHA-256\$[^'\s]*/g, '<redacted>');
}

/** Creates or updates LiteLLM's role and database; throws EngineCommandError with psql's words (the password redacted) on failure. */
export async function ensureLitellmDatabase(engine: Engine, password: string): Promise<void> {
  const result = await engine.exec(LITELLM_DB_SERVICE, PSQL_ARGV, litellmDbScript(password));
  if (result.exitCode !== 0) {
    const said = redactPsql(`${result.stderr}\n${result.stdout}`, password).trim();
    throw new EngineCommandError(`psql in ${LITELLM_DB_SERVICE} (LiteLLM's role and database)`, `exit code ${result.exitCode}: ${said || '(no output)'}`);
  }
}
