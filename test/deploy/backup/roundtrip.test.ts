// Backup and restore round trips on real servers (tools tier): PostgreSQL 15
// with two databases (one owned by its own role, as LiteLLM's is) and Redis 7,
// driven through the same commands the engine adapter runs in containers.
// Data is written, backed up, wiped, restored and compared row by row / key by key.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { createBackup, restoreBackup } from '../../../src/deploy/backup/index.js';
import { decryptSecrets } from '../../../src/deploy/backup/secrets-part.js';
import { ensureSecrets, readSecrets, writeSecrets } from '../../../src/deploy/secrets-store.js';
import { UserInputError } from '../../../src/model/findings.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import type { Platform } from '../../../src/model/types.js';
import { type Loopback, startLoopback } from './loopback.js';

const isRoot = process.getuid?.() === 0;
const PASSPHRASE = 'correct horse battery staple (test only)';

const full = normalizePlatform(referencePlatform());
// The reduced platform: the two database servers, AnythingLLM for a volume part (a directory here: no AnythingLLM runs),
// and LiteLLM as a client of dify-db (no process either: the test checks it is stopped and started around the database restore).
const platform: Platform = { ...full, services: full.services.filter((s) => ['dify-db', 'dify-redis', 'anythingllm', 'litellm'].includes(s.name)) };

let loop: Loopback;
let work = '';
let secretsFile = '';
let bundleDir = '';
let backupDir = '';
let redisPassword = '';

const rows = async (): Promise<string[]> => [
  await loop.psql('dify', 'SELECT id, email, note FROM accounts ORDER BY id'),
  await loop.psql('dify', "SELECT encode(blob, 'hex') FROM files ORDER BY id"),
  await loop.psql('litellm', 'SELECT token, spend FROM keys ORDER BY token'),
  await loop.psql('postgres', "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'litellm'"),
];
const keys = async (): Promise<string[]> => [
  await loop.redis('GET', 'session:1'),
  await loop.redis('HGETALL', 'app:2'),
  await loop.redis('LRANGE', 'queue', '0', '-1'),
  await loop.redis('DBSIZE'),
];

async function expectRefused(promise: Promise<unknown>, code: string): Promise<UserInputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserInputError);
  expect((error as UserInputError).findings.map((f) => f.code)).toContain(code);
  return error as UserInputError;
}

describe.skipIf(!isRoot)('backup and restore on real PostgreSQL and Redis', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'moat-backup-rt-'));
    secretsFile = join(work, '.moat', 'secrets.env');
    bundleDir = join(work, 'bundle');
    const { values } = await ensureSecrets(platform, secretsFile);
    redisPassword = values.get('DIFY_REDIS_PASSWORD') ?? [...values.entries()].find(([k]) => k.includes('REDIS'))?.[1] ?? 'x';
    await mkdir(join(bundleDir, 'secrets'), { recursive: true });
    await writeFile(join(bundleDir, 'compose.yaml'), 'name: moat\n');
    await writeFile(join(bundleDir, 'secrets', 'dify-db.env'), `POSTGRES_PASSWORD=${values.get('DIFY_DB_PASSWORD') ?? ''}\n`, { mode: 0o600 });
    loop = await startLoopback(redisPassword, { 'dify-redis': ['dify-redis-data'], anythingllm: ['anythingllm-storage'], litellm: [] });
    await loop.psql('postgres', 'CREATE DATABASE dify');
    await loop.psql('postgres', 'CREATE ROLE litellm LOGIN');
    await loop.psql('postgres', 'CREATE DATABASE litellm OWNER litellm');
    await loop.psql(
      'dify',
      "CREATE TABLE accounts (id int primary key, email text, note text); INSERT INTO accounts VALUES (1, 'a@example.org', 'grüße ''quoted'''), (2, 'b@example.org', NULL)",
    );
    await loop.psql(
      'dify',
      "CREATE TABLE files (id int, blob bytea); INSERT INTO files VALUES (1, '\\x00ff10'::bytea), (2, decode(repeat('ab', 5000), 'hex'))",
    );
    await loop.psql('litellm', "CREATE TABLE keys (token text, spend numeric); INSERT INTO keys VALUES ('sk-one', 1.25), ('sk-two', 0)");
    await loop.psql('litellm', 'ALTER TABLE keys OWNER TO litellm');
    await loop.redis('SET', 'session:1', 'value with spaces');
    await loop.redis('HSET', 'app:2', 'name', 'dify', 'tenant', 't1');
    await loop.redis('RPUSH', 'queue', 'a', 'b', 'c');
    await mkdir(join(loop.volumeDir('anythingllm-storage'), 'documents'), { recursive: true });
    await writeFile(join(loop.volumeDir('anythingllm-storage'), 'documents', 'doc.json'), '{"title":"x"}');
    await writeFile(join(loop.volumeDir('anythingllm-storage'), 'anythingllm.db'), Buffer.from([0, 1, 2, 255]));
    const result = await createBackup(loop.target, {
      platform,
      to: join(work, 'backups'),
      bundleDir,
      secretsFile,
      passphrase: PASSPHRASE,
      moatVersion: '0.1.0-test',
    });
    if (!result.complete) throw new Error(`backup incomplete: ${JSON.stringify(result.failures)}`);
    backupDir = result.dir;
  });

  afterAll(async () => {
    await loop?.cleanup();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('lists every part with size and checksum, both databases included', async () => {
    const manifest = JSON.parse(await readFile(join(backupDir, 'manifest.json'), 'utf8'));
    expect(manifest.complete).toBe(true);
    expect(manifest.parts.map((p: { name: string }) => p.name).sort()).toEqual([
      'bundle',
      'postgres/dify-db/dify',
      'postgres/dify-db/litellm',
      'redis/dify-redis',
      'secrets',
      'volume/anythingllm/anythingllm-storage',
    ]);
    for (const part of manifest.parts) expect(part.sha256).toMatch(/^[0-9a-f]{64}$/);
    // AnythingLLM was stopped for its snapshot (its SQLite file) and started again.
    expect(loop.calls.filter((c) => c.service === 'anythingllm').map((c) => c.op)).toEqual(['stop', 'start']);
  });

  it('restores PostgreSQL rows, Redis keys and volume files after they were wiped', async () => {
    const before = await rows();
    const beforeKeys = await keys();
    expect(beforeKeys[3]).toBe('3');
    await loop.psql('postgres', 'DROP DATABASE dify WITH (FORCE)');
    await loop.psql('postgres', 'DROP DATABASE litellm WITH (FORCE)');
    await loop.redis('FLUSHALL');
    await rm(join(loop.volumeDir('anythingllm-storage'), 'documents'), { recursive: true });
    expect(await loop.redis('DBSIZE')).toBe('0');
    loop.calls.length = 0;
    const result = await restoreBackup(loop.target, { platform, backupDir, secretsFile, passphrase: PASSPHRASE });
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);
    expect(await rows()).toEqual(before);
    expect(await keys()).toEqual(beforeKeys);
    expect(await readFile(join(loop.volumeDir('anythingllm-storage'), 'documents', 'doc.json'), 'utf8')).toBe('{"title":"x"}');
    // Only what is restored is stopped: Redis, AnythingLLM, and the database's client LiteLLM; PostgreSQL keeps
    // running (pg_restore needs it); all of them run again at the end.
    expect(
      loop.calls
        .filter((c) => c.op === 'stop')
        .map((c) => c.service)
        .sort(),
    ).toEqual(['anythingllm', 'dify-redis', 'litellm']);
    expect(result.stopped).toEqual(expect.arrayContaining(['litellm']));
    expect([...(await loop.target.running())].sort()).toEqual(['anythingllm', 'dify-db', 'dify-redis', 'litellm']);
  });

  it('keeps the secrets encrypted: the passphrase opens them, another does not, and no value appears in the backup in plain', async () => {
    const live = (await readSecrets(secretsFile)) ?? new Map();
    const encrypted = await readFile(join(backupDir, 'parts', 'secrets.env.age'));
    expect(encrypted.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    expect(await decryptSecrets(encrypted, PASSPHRASE)).toEqual(live);
    expect(await decryptSecrets(encrypted, 'wrong passphrase')).toBeUndefined();
    const files = (await readdir(backupDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    for (const entry of files) {
      const bytes = await readFile(join(entry.parentPath, entry.name));
      for (const value of live.values()) expect(bytes.includes(Buffer.from(value)), `${entry.name} holds a secret value`).toBe(false);
    }
  });

  it('refuses a backup whose part changed, naming the part, and restores nothing', async () => {
    const copy = join(work, 'tampered');
    await cp(backupDir, copy, { recursive: true });
    const file = join(copy, 'parts', 'redis--dify-redis.rdb');
    const bytes = await readFile(file);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    await writeFile(file, bytes);
    await loop.redis('SET', 'marker', 'after-backup');
    loop.calls.length = 0;
    const error = await expectRefused(
      restoreBackup(loop.target, { platform, backupDir: copy, secretsFile, passphrase: PASSPHRASE }),
      'backup.checksum-mismatch',
    );
    expect(error.findings[0]?.message).toContain('redis/dify-redis');
    expect(loop.calls).toEqual([]);
    expect(await loop.redis('GET', 'marker')).toBe('after-backup');
  });

  it('refuses a never-rotate key that differs from the live store, and restores with --replace-keys', async () => {
    const live = (await readSecrets(secretsFile)) ?? new Map<string, string>();
    const original = live.get('DIFY_DB_PASSWORD') ?? '';
    await writeSecrets(secretsFile, new Map([...live, ['DIFY_DB_PASSWORD', 'a-new-key-made-after-the-backup']]));
    loop.calls.length = 0;
    const error = await expectRefused(restoreBackup(loop.target, { platform, backupDir, secretsFile, passphrase: PASSPHRASE }), 'backup.key-mismatch');
    expect(error.findings.find((f) => f.code === 'backup.key-mismatch')?.path).toBe('secrets.DIFY_DB_PASSWORD');
    expect(loop.calls).toEqual([]);
    await expectRefused(restoreBackup(loop.target, { platform, backupDir, secretsFile, passphrase: 'not it' }), 'backup.wrong-passphrase');
    const result = await restoreBackup(loop.target, { platform, backupDir, secretsFile, passphrase: PASSPHRASE, replaceKeys: true, only: ['secrets'] });
    expect(result.keysReplaced).toEqual(['DIFY_DB_PASSWORD']);
    expect((await readSecrets(secretsFile))?.get('DIFY_DB_PASSWORD')).toBe(original);
  });
});
