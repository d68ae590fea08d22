// A backup of a deployed platform, restored after `moat reset`, on a real
// engine (podman's Docker API, Debian's docker-compose): PostgreSQL and Redis
// run on stand-ins of their official images built from Debian's packages
// (test/support/debian-images.ts), deployed by `moat up` with the catalog's
// command, env and health checks. Rows (two databases, one owned by LiteLLM's
// role, binary data), Redis keys and a volume's files (owners, modes, binary)
// are written, backed up with `moat backup`, wiped by `moat reset`; a fresh
// `moat up` generates new secrets; `moat restore` refuses the new never-rotate
// keys without --replace-keys, then brings everything back, and the test
// compares it byte by byte. It prints how long backup and restore took.
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBackup, runRestore } from '../../../src/cli/commands/backup.js';
import { runReset } from '../../../src/cli/commands/operate.js';
import { runUp } from '../../../src/cli/commands/up.js';
import { composeEngine } from '../../../src/deploy/compose-engine.js';
import type { Engine } from '../../../src/deploy/engine.js';
import { readSecrets } from '../../../src/deploy/secrets-store.js';
import type { Platform } from '../../../src/model/types.js';
import { buildDebianImages } from '../../support/debian-images.js';
import { freePort } from '../../support/free-port.js';
import { BACKUP_PROJECT, backupPlatform } from './backup-platform.js';
import { usePodmanSuite } from './podman-suite.js';

class Sink {
  text = '';
  /** The same lines, each with the seconds since the sink was made: where a backup or restore spends its time. */
  timed = '';
  isTTY = false;
  private readonly born = Date.now();
  write(chunk: string | Uint8Array): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    this.text += text;
    const at = `+${((Date.now() - this.born) / 1000).toFixed(1)} s`;
    this.timed += text.replace(/^(?=.)/gm, `${at.padStart(8)}  `);
    return true;
  }
}
const stream = (s: Sink) => s as unknown as NodeJS.WritableStream;

const suite = usePodmanSuite('moat-e2e-bk-');
const PASSPHRASE_ENV = 'MOAT_E2E_BACKUP_PASSPHRASE';
const STORAGE = '/app/server/storage';
let platform: Platform | undefined;
const p = (): Platform => {
  if (!platform) throw new Error('the platform was not built (see the first test)');
  return platform;
};
const paths = () => ({ bundleDir: join(suite().work, 'deploy'), secretsFile: join(suite().work, '.moat', 'secrets.env') });
const cliPaths = () => ({ out: paths().bundleDir, secrets: paths().secretsFile });
const backups = () => join(suite().work, 'backups');
const engine = (): Engine =>
  composeEngine('compose-v1', { project: BACKUP_PROJECT, bundleDir: paths().bundleDir, composeFile: join(paths().bundleDir, 'compose.yaml') });

async function up(): Promise<void> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await runUp(p(), { ...paths(), services: [], stdout: stream(stdout), stderr: stream(stderr), pollMs: 500 });
  expect(code, `${stdout.text}\n${stderr.text}`).toBe(0);
}

/** Runs a shell script in a service (its default user), the input on stdin; fails the test on a non-zero exit. */
async function sh(service: string, script: string, stdin?: string): Promise<string> {
  const r = await engine().exec(service, ['sh', '-c', script], stdin);
  expect(r.exitCode, `${service}: ${script}\n${r.stderr}`).toBe(0);
  return r.stdout.trimEnd();
}
const psql = (database: string, sql: string, role = 'postgres') =>
  sh('dify-db', `exec psql -X -q -At -v ON_ERROR_STOP=1 -U ${role} -d ${database} -f -`, `${sql}\n`);
const redis = (args: string, stdin?: string) => sh('dify-redis', `REDISCLI_AUTH="$REDIS_PASSWORD" exec redis-cli ${args}`, stdin);

/** Logs in over TCP with a password (scram-sha-256, as Dify and LiteLLM do): proves the role's password is this one. */
const tcpLogin = (role: string, database: string, password: string) =>
  engine().exec(
    'dify-db',
    ['sh', '-c', `read -r PGPASSWORD && export PGPASSWORD && exec psql -X -At -h 127.0.0.1 -U ${role} -d ${database} -c 'select 1'`],
    `${password}\n`,
  );

/** AnythingLLM drops every capability (no CHOWN, no DAC_OVERRIDE): its volume is written and read by a privileged exec of the harness. */
async function storage(script: string): Promise<string> {
  const r = await suite().harness.podman(['exec', '--privileged', '--user', '0', `${BACKUP_PROJECT}_anythingllm_1`, 'sh', '-c', script], { reject: false });
  expect(r.exitCode, `anythingllm: ${script}\n${r.stderr}`).toBe(0);
  return r.stdout.trimEnd();
}

const BLOB_HEX = randomBytes(48 * 1024).toString('hex');
const REDIS_BLOB = randomBytes(4096).toString('base64');

async function writeData(): Promise<void> {
  await psql(
    'dify',
    [
      'CREATE TABLE accounts (id serial PRIMARY KEY, name text NOT NULL, avatar bytea, created timestamptz DEFAULT now());',
      `INSERT INTO accounts (name, avatar) VALUES ('ada', decode('00ff00fe0a0d5c27', 'hex')), ('grace', decode('${BLOB_HEX}', 'hex')), ('Zoë ✓', NULL);`,
      "CREATE INDEX accounts_name ON accounts (name); COMMENT ON TABLE accounts IS 'round trip';",
    ].join('\n'),
  );
  // LiteLLM's own role owns its tables (moat up created the role and its database).
  await psql(
    'litellm',
    [
      'CREATE TABLE "LiteLLM_VerificationToken" (token text PRIMARY KEY, spend double precision, metadata jsonb);',
      `INSERT INTO "LiteLLM_VerificationToken" VALUES ('sk-1', 0.25, '{"alias":"n8n"}'), ('sk-2', 12.5, '{"alias":"dify","nested":{"a":[1,2]}}');`,
    ].join('\n'),
    'litellm',
  );
  await redis('SET plain hello');
  await redis('-x SET blob', REDIS_BLOB);
  await redis('HSET session:1 user ada role admin');
  await redis('RPUSH queue a b c');
  await redis('SET later soon EX 86400');
  await storage(
    [
      `mkdir -p ${STORAGE}/documents/custom ${STORAGE}/.private ${STORAGE}/empty`,
      `head -c 200000 /dev/urandom > ${STORAGE}/documents/custom/blob.bin`,
      `echo '{"settings":true}' > ${STORAGE}/anythingllm.db`,
      `printf 'secret-ish' > ${STORAGE}/.private/.key`,
      `chown -R 1000:1000 ${STORAGE}/documents && chmod 0640 ${STORAGE}/documents/custom/blob.bin`,
      `chown 1234:5678 ${STORAGE}/.private/.key && chmod 0600 ${STORAGE}/.private/.key && chmod 0700 ${STORAGE}/.private`,
      `chmod 2750 ${STORAGE}/empty && chown 1000:1000 ${STORAGE}/empty`,
    ].join(' && '),
  );
}

/** Everything the round trip must give back, as text that holds every byte (binary as hex or base64). */
async function snapshot(): Promise<Record<string, string>> {
  const secrets = await readSecrets(paths().secretsFile);
  const envDir = join(paths().bundleDir, 'secrets');
  const envFiles: string[] = [];
  for (const name of (await readdir(envDir)).sort()) envFiles.push(`${name}\n${await readFile(join(envDir, name), 'utf8')}`);
  return {
    databases: await psql('postgres', 'SELECT datname, pg_get_userbyid(datdba) FROM pg_database WHERE NOT datistemplate ORDER BY datname;'),
    accounts: await psql('dify', "SELECT id, name, encode(avatar, 'hex'), created FROM accounts ORDER BY id;"),
    difySchema: await psql(
      'dify',
      "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public' ORDER BY 1; SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1; SELECT obj_description('accounts'::regclass); SELECT last_value FROM accounts_id_seq;",
    ),
    tokens: await psql('litellm', 'SELECT token, spend, metadata FROM "LiteLLM_VerificationToken" ORDER BY token;'),
    litellmSchema: await psql('litellm', "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public' ORDER BY 1;"),
    redisKeys: (await redis('--raw KEYS "*"')).split('\n').sort().join('\n'),
    redisValues: [
      await redis('--raw GET plain'),
      await sh('dify-redis', 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli --raw GET blob | base64'),
      await redis('--raw HGETALL session:1'),
      await redis('--raw LRANGE queue 0 -1'),
      await redis('--raw GET later'),
      String(Number(await redis('TTL later')) > 80_000),
    ].join('\n--\n'),
    files: await storage(`cd ${STORAGE} && find . | sort | while read -r f; do stat -c '%n %u:%g %a %F %s' "$f"; done`),
    fileBytes: await storage(`cd ${STORAGE} && find . -type f | sort | while read -r f; do echo "$f"; base64 "$f"; done`),
    secrets: [...(secrets ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('\n'),
    envFiles: envFiles.join('\n'),
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

describe('backup, reset, fresh up, restore on podman (engine)', () => {
  let before: Record<string, string> = {};
  let beforeStore = Buffer.alloc(0);
  let backupDir = '';

  it('deploys PostgreSQL, Redis and the stubs with `moat up` and writes rows, keys and files', async () => {
    const started = Date.now();
    await buildDebianImages(suite().harness);
    console.log(`debian images built in ${seconds(Date.now() - started)}`);
    platform = backupPlatform(await freePort());
    await up();
    await writeData();
    before = await snapshot();
    beforeStore = await readFile(paths().secretsFile);
    expect(before.databases).toBe('dify|postgres\nlitellm|litellm\npostgres|postgres');
    expect(before.litellmSchema).toBe('LiteLLM_VerificationToken|litellm');
    expect(before.accounts).toContain(BLOB_HEX);
    expect(before.files).toContain('./.private/.key 1234:5678 600 regular file 10');
    expect(before.files).toContain('./documents/custom/blob.bin 1000:1000 640 regular file 200000');
  }, 300_000);

  it('backs up every part with `moat backup`', async () => {
    process.env[PASSPHRASE_ENV] = 'the engine round trip passphrase';
    const err = new Sink();
    const started = Date.now();
    const code = await runBackup(p(), { ...cliPaths(), to: backups(), passphraseEnv: PASSPHRASE_ENV }, stream(err));
    const took = Date.now() - started;
    expect(code, err.text).toBe(0);
    const [dir] = await readdir(backups());
    backupDir = join(backups(), dir ?? '');
    const manifest = JSON.parse(await readFile(join(backupDir, 'manifest.json'), 'utf8')) as { parts: { name: string; size: number }[]; complete: boolean };
    expect(manifest.complete).toBe(true);
    expect(manifest.parts.map((part) => part.name).sort()).toEqual([
      'bundle',
      'postgres/dify-db/dify',
      'postgres/dify-db/litellm',
      'redis/dify-redis',
      'secrets',
      'volume/anythingllm/anythingllm-storage',
    ]);
    const bytes = manifest.parts.reduce((sum, part) => sum + part.size, 0);
    console.log(`moat backup: ${seconds(took)} wall time, ${manifest.parts.length} parts, ${bytes} bytes\n${err.timed}`);
    // The snapshot stopped AnythingLLM and Redis's RDB was taken live: all are back.
    expect(await snapshot()).toEqual(before);
  }, 300_000);

  it('`moat reset` removes everything; a fresh `moat up` has empty data and new secrets', async () => {
    expect(await runReset(p(), paths(), true, { out: stream(new Sink()) })).toBe(0);
    expect(await engine().resources()).toEqual({ networks: [], volumes: [] });
    await up();
    const fresh = await readSecrets(paths().secretsFile);
    expect(fresh?.get('DIFY_DB_PASSWORD')).toMatch(/^[0-9a-f]{48}$/);
    expect(beforeStore.toString('utf8')).not.toContain(`DIFY_DB_PASSWORD=${fresh?.get('DIFY_DB_PASSWORD')}`);
    expect(await psql('postgres', 'SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY datname;')).toBe('dify\nlitellm\npostgres');
    expect(await psql('dify', "SELECT count(*) FROM pg_tables WHERE schemaname = 'public';")).toBe('0');
    expect(await redis('DBSIZE')).toBe('0');
    expect(await storage(`ls -A ${STORAGE}`)).toBe('');
  }, 300_000);

  it('`moat restore` refuses the backup while the live never-rotate keys differ, and changes nothing', async () => {
    const live = await readFile(paths().secretsFile);
    await expect(runRestore(p(), backupDir, { ...cliPaths(), passphraseEnv: PASSPHRASE_ENV }, stream(new Sink()))).rejects.toMatchObject({
      findings: expect.arrayContaining([
        expect.objectContaining({ code: 'backup.key-mismatch', path: 'secrets.DIFY_DB_PASSWORD' }),
        expect.objectContaining({ code: 'backup.key-mismatch', path: 'secrets.ANYTHINGLLM_SIG_KEY' }),
      ]),
    });
    expect(Buffer.compare(await readFile(paths().secretsFile), live)).toBe(0);
    expect(await redis('DBSIZE')).toBe('0');
  }, 120_000);

  it('`moat restore --replace-keys`, then `moat up`, gives back the same rows, keys, files and secrets', async () => {
    const err = new Sink();
    const started = Date.now();
    const code = await runRestore(p(), backupDir, { ...cliPaths(), passphraseEnv: PASSPHRASE_ENV, replaceKeys: true }, stream(err));
    const took = Date.now() - started;
    expect(code, err.text).toBe(0);
    console.log(`moat restore --replace-keys: ${seconds(took)} wall time\n${err.timed}`);
    expect(Buffer.compare(await readFile(paths().secretsFile), beforeStore)).toBe(0);
    // The restored passwords are the ones PostgreSQL checks (roles are not in the dumps, and the fresh
    // cluster was made with the fresh ones): Dify's superuser and LiteLLM's role log in over TCP.
    const logins = async () => {
      const store = await readSecrets(paths().secretsFile);
      const dify = await tcpLogin('postgres', 'dify', store?.get('DIFY_DB_PASSWORD') ?? '');
      expect(dify.exitCode, dify.stderr).toBe(0);
      const litellm = await tcpLogin('litellm', 'litellm', store?.get('LITELLM_DB_PASSWORD') ?? '');
      expect(litellm.exitCode, litellm.stderr).toBe(0);
    };
    await logins();
    // The CLI says to run `moat up` after a restore that brought the secrets back; everything holds after it too.
    expect(err.text).toContain('next: `moat up`');
    await up();
    const after = await snapshot();
    for (const key of Object.keys(before)) expect(after[key], key).toBe(before[key]);
    expect(Buffer.compare(await readFile(paths().secretsFile), beforeStore)).toBe(0);
    await logins();
  }, 300_000);
});
