// LiteLLM's role and database on a REAL PostgreSQL (Debian's 15, the major the
// catalog's postgres:15.13-alpine runs): a throwaway cluster in a temp dir,
// on a unix socket only (no TCP listener), run as the postgres user.
// The script goes through the same argv `moat up` runs inside dify-db
// (PSQL_ARGV), with the container's POSTGRES_* env imitated and PGHOST
// pointing at the test's socket.
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import type { Engine, ExecResult } from '../../src/deploy/engine.js';
import { ensureLitellmDatabase, litellmDatabaseUrl, litellmDbScript, PSQL_ARGV, platformDerivedEnv, scramVerifier } from '../../src/deploy/litellm-db.js';
import { serviceEnvContent } from '../../src/deploy/service-env.js';
import { requireService } from '../../src/model/lookup.js';
import { normalizePlatform } from '../../src/model/normalize.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const isRoot = process.getuid?.() === 0;
let dir = '';
let uid = 0;
let gid = 0;

async function asPostgres(file: string, args: readonly string[]) {
  return execa('runuser', ['-u', 'postgres', '--', file, ...args], { reject: false, all: true, timeout: 60_000 });
}

/** psql as a user, over the test's socket; returns exit code and output. */
async function psql(user: string, database: string, sql: string, password?: string) {
  return execa('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', dir, '-U', user, '-d', database, '-c', sql], {
    reject: false,
    all: true,
    env: { PGPASSWORD: password ?? '', PGCONNECT_TIMEOUT: '5' },
    extendEnv: false,
    timeout: 30_000,
  });
}

/** An engine whose exec runs argv here, with dify-db's env as the container would have it. */
function localEngine(calls: { argv: readonly string[]; stdin?: string }[]): Pick<Engine, 'exec'> {
  return {
    async exec(_service, argv, stdin): Promise<ExecResult> {
      calls.push({ argv, ...(stdin === undefined ? {} : { stdin }) });
      const [file, ...args] = argv;
      const r = await execa(file ?? 'false', args, {
        reject: false,
        input: stdin ?? '',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PGHOST: dir, POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: 'superuser-password-unused-with-trust' },
        extendEnv: false,
        timeout: 60_000,
      });
      return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
    },
  };
}

beforeAll(async () => {
  if (!isRoot) return;
  dir = await mkdtemp(join(tmpdir(), `moat-pg-${process.pid}-`));
  const id = await execa('id', ['-u', 'postgres']);
  const g = await execa('id', ['-g', 'postgres']);
  uid = Number(id.stdout);
  gid = Number(g.stdout);
  await chown(dir, uid, gid);
  await chmod(dir, 0o755);
  const init = await asPostgres(join(PG_BIN, 'initdb'), [
    '-D',
    join(dir, 'data'),
    '-U',
    'postgres',
    '--auth-local=trust',
    '--auth-host=reject',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  if (init.exitCode !== 0) throw new Error(`initdb failed: ${init.all}`);
  // The official image: local socket trusted for the superuser; the test adds password login for the others.
  await writeFile(join(dir, 'data', 'pg_hba.conf'), 'local all postgres trust\nlocal all all scram-sha-256\n');
  await chown(join(dir, 'data', 'pg_hba.conf'), uid, gid);
  const start = await asPostgres(join(PG_BIN, 'pg_ctl'), [
    '-D',
    join(dir, 'data'),
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-t',
    '60',
    '-o',
    `-k ${dir} -c listen_addresses= -c log_min_error_statement=error -c log_statement=none`,
    'start',
  ]);
  if (start.exitCode !== 0) throw new Error(`pg_ctl start failed: ${start.all}`);
  // Dify's database with something worth protecting.
  for (const sql of ['CREATE DATABASE dify', 'CREATE DATABASE dify_plugin']) expect((await psql('postgres', 'postgres', sql)).exitCode).toBe(0);
  expect((await psql('postgres', 'dify', "CREATE TABLE accounts (email text, password_hash text); INSERT INTO accounts VALUES ('a@b', 'x')")).exitCode).toBe(0);
}, 120_000);

afterAll(async () => {
  if (!dir) return;
  try {
    await asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

describe.skipIf(!isRoot)("LiteLLM's role and database on a real PostgreSQL 15", () => {
  const password = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718';

  it('the script, through the argv moat up runs in dify-db, creates role and database; the second run is a no-op that still succeeds', async () => {
    const calls: { argv: readonly string[]; stdin?: string }[] = [];
    const engine = localEngine(calls) as Engine;
    await ensureLitellmDatabase(engine, password);
    await ensureLitellmDatabase(engine, password);
    // The password is in neither argv, nor (as plain text) the input: a SCRAM verifier travels instead.
    for (const call of calls) {
      expect(call.argv.join(' ')).not.toContain(password);
      expect(call.stdin).not.toContain(password);
      expect(call.stdin).toMatch(/PASSWORD 'SCRAM-SHA-256\$4096:/);
    }
    expect(calls[0]?.argv).toEqual(PSQL_ARGV);
    expect((await psql('postgres', 'postgres', "SELECT count(*) FROM pg_roles WHERE rolname = 'litellm'")).stdout.trim()).toBe('1');
    expect((await psql('postgres', 'postgres', "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'litellm'")).stdout.trim()).toBe('litellm');
    const attrs = await psql(
      'postgres',
      'postgres',
      "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = 'litellm'",
    );
    expect(attrs.stdout.trim()).toBe('f|f|f|f|f|t');
  }, 60_000);

  it('the role logs in to its own database with the password and can create its tables there (as prisma does)', async () => {
    const r = await psql('litellm', 'litellm', 'CREATE TABLE "LiteLLM_VerificationToken" (token text primary key); SELECT current_user', password);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout.trim()).toBe('litellm');
    expect((await psql('litellm', 'litellm', 'SELECT 1', 'wrong-password')).all).toMatch(/password authentication failed for user "litellm"/);
  }, 30_000);

  it("the role cannot open dify's databases, nor read Dify's tables", async () => {
    for (const db of ['dify', 'dify_plugin', 'postgres']) {
      const r = await psql('litellm', db, 'SELECT 1', password);
      expect(r.exitCode, db).not.toBe(0);
      expect(r.all, db).toMatch(new RegExp(`permission denied for database "?${db}"?`));
    }
    // Even granted CONNECT back, the tables stay closed (owned by the superuser, no grants).
    expect((await psql('postgres', 'postgres', 'GRANT CONNECT ON DATABASE dify TO litellm')).exitCode).toBe(0);
    const read = await psql('litellm', 'dify', 'SELECT * FROM accounts', password);
    expect(read.all).toMatch(/permission denied for table accounts/);
    expect((await psql('postgres', 'postgres', 'REVOKE CONNECT ON DATABASE dify FROM litellm')).exitCode).toBe(0);
  }, 30_000);

  it('a rotated password takes effect on the next run: the old one stops working, the new one logs in', async () => {
    const engine = localEngine([]) as Engine;
    const rotated = 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a59687';
    await ensureLitellmDatabase(engine, rotated);
    expect((await psql('litellm', 'litellm', 'SELECT 1', rotated)).exitCode).toBe(0);
    expect((await psql('litellm', 'litellm', 'SELECT 1', password)).exitCode).not.toBe(0);
    // Tables made with the old password are still there (the database is kept).
    expect((await psql('litellm', 'litellm', 'SELECT count(*) FROM "LiteLLM_VerificationToken"', rotated)).stdout.trim()).toBe('0');
    await ensureLitellmDatabase(engine, password);
  }, 60_000);

  it('no plain password in the server log, even with a failing statement logged', async () => {
    // A failure: the script against a role name that collides with nothing, but a read-only transaction makes ALTER fail.
    const engine = localEngine([]) as Engine;
    const failing = {
      exec: (s: string, argv: readonly string[], stdin?: string) => engine.exec(s, argv, `SET default_transaction_read_only = on;\n${stdin ?? ''}`),
    } as Engine;
    const error = await ensureLitellmDatabase(failing, password).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/psql in dify-db .*exit code 3/s);
    expect((error as Error).message).not.toContain(password);
    const log = await readFile(join(dir, 'server.log'), 'utf8');
    expect(log).toMatch(/read-only transaction/);
    expect(log).not.toContain(password);
  }, 60_000);
});

describe("LiteLLM's DATABASE_URL", () => {
  const platform = normalizePlatform(referencePlatform());

  it('names dify-db by its static address, the role and database litellm, the password URL-encoded', () => {
    expect(litellmDatabaseUrl(platform, 'p@ss/w:rd')).toBe('postgresql://litellm:p%40ss%2Fw%3Ard@172.20.0.33:5432/litellm');
    expect(platformDerivedEnv(platform, 'n8n', { LITELLM_DB_PASSWORD: 'x' })).toEqual({});
  });

  it("is in litellm's env file (the secrets file), next to its own password; no other service gets it", async () => {
    const values = new Map(platform.services.flatMap((s) => s.secrets.map((x) => [x.name, `${x.generate.prefix}v-${x.name.toLowerCase()}`] as const)));
    const env = serviceEnvContent(requireService(platform, 'litellm'), values, platform);
    expect(env).toContain(`DATABASE_URL=postgresql://litellm:v-litellm_db_password@172.20.0.33:5432/litellm\n`);
    expect(serviceEnvContent(requireService(platform, 'dify-db'), values, platform)).not.toContain('DATABASE_URL');
  });

  it('the script quotes what it embeds, and the verifier is the SCRAM form PostgreSQL stores', () => {
    expect(litellmDbScript('x', "o'brien", 'db"x')).toContain(`ALTER ROLE "o'brien"`);
    expect(litellmDbScript('x', "o'brien", 'db"x')).toContain(`ALTER DATABASE "db""x" OWNER TO "o'brien"`);
    expect(litellmDbScript('x', "o'brien")).toContain(`WHERE rolname = 'o''brien'`);
    // `SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>` (that PostgreSQL accepts it is the real-server test above: the role logs in).
    expect(scramVerifier('pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'))).toMatch(
      /^SCRAM-SHA-256\$4096:W22ZaJ0SNY7soEsUEjb6gQ==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/,
    );
    expect(scramVerifier('pencil')).not.toBe(scramVerifier('pencil'));
  });
});
