import { chmod, link, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { ensureServiceEnvFiles } from '../../src/deploy/operate.js';
import { ensureSecrets, parseSecrets, readSecrets, rotateSecret } from '../../src/deploy/secrets-store.js';
import { serviceEnvContent, writeServiceEnvFiles } from '../../src/deploy/service-env.js';
import { UserInputError } from '../../src/model/findings.js';
import { allSecrets, requireService } from '../../src/model/lookup.js';
import { normalizePlatform } from '../../src/model/normalize.js';

const platform = normalizePlatform(referencePlatform());
let dir = '';
let file = '';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moat-secrets-'));
  file = join(dir, '.moat', 'secrets.env');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function findingsOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserInputError);
  return (error as UserInputError).findings;
}

describe('secrets store', () => {
  it('generates every secret once, with the required shape, into a 0600 file', async () => {
    const { values, generated } = await ensureSecrets(platform, file);
    expect(generated).toEqual(allSecrets(platform).map((s) => s.name));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(values.get('LITELLM_MASTER_KEY')).toMatch(/^sk-[0-9a-f]{48}$/);
    expect(values.get('N8N_ENCRYPTION_KEY')).toMatch(/^[0-9a-f]{64}$/);
    expect(values.get('DIFY_SECRET_KEY')).toMatch(/^[A-Za-z0-9_-]{56}$/);
    expect(new Set(values.values()).size).toBe(values.size);
  });

  it('leaves an existing file byte-identical on every later run, and closes an opened mode', async () => {
    await ensureSecrets(platform, file);
    const first = await readFile(file);
    await chmod(file, 0o644);
    const again = await ensureSecrets(platform, file);
    expect(again.generated).toEqual([]);
    expect(Buffer.compare(await readFile(file), first)).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('adds only missing secrets and keeps the others as they were', async () => {
    await ensureSecrets(platform, file);
    const before = await readSecrets(file);
    const text = (await readFile(file, 'utf8'))
      .split('\n')
      .filter((l) => !l.startsWith('RCLONE_RC_PASS='))
      .join('\n');
    await writeFile(file, text, { mode: 0o600 });
    const { generated } = await ensureSecrets(platform, file);
    expect(generated).toEqual(['RCLONE_RC_PASS']);
    const after = await readSecrets(file);
    for (const [name, value] of before ?? []) if (name !== 'RCLONE_RC_PASS') expect(after?.get(name)).toBe(value);
  });

  it('refuses to rotate a never-rotate secret (n8n encryption key, Dify SECRET_KEY, Dify Postgres password)', async () => {
    await ensureSecrets(platform, file);
    const before = await readFile(file);
    for (const name of ['N8N_ENCRYPTION_KEY', 'DIFY_SECRET_KEY', 'DIFY_DB_PASSWORD']) {
      const findings = await findingsOf(rotateSecret(platform, file, name));
      expect(findings.map((f) => [f.code, f.path])).toEqual([['secrets.never-rotate', `secrets.${name}`]]);
    }
    expect(Buffer.compare(await readFile(file), before)).toBe(0);
  });

  it('rotates a rotatable secret and nothing else', async () => {
    const { values: before } = await ensureSecrets(platform, file);
    await rotateSecret(platform, file, 'LITELLM_MASTER_KEY');
    const after = await readSecrets(file);
    expect(after?.get('LITELLM_MASTER_KEY')).not.toBe(before.get('LITELLM_MASTER_KEY'));
    expect(after?.get('LITELLM_MASTER_KEY')).toMatch(/^sk-[0-9a-f]{48}$/);
    for (const [name, value] of before) if (name !== 'LITELLM_MASTER_KEY') expect(after?.get(name)).toBe(value);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses to rotate without a store, creating nothing (the lost-key guard of up stays in charge)', async () => {
    const findings = await findingsOf(rotateSecret(platform, file, 'LITELLM_MASTER_KEY'));
    expect(findings.map((f) => [f.code, f.path])).toEqual([['secrets.store-incomplete', 'secrets']]);
    expect(findings[0]?.hint).toContain('moat up');
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses to rotate when the store lacks a secret (a lost never-rotate key is not regenerated)', async () => {
    await ensureSecrets(platform, file);
    const text = (await readFile(file, 'utf8')).replace(/^N8N_ENCRYPTION_KEY=.*\n/m, '');
    await writeFile(file, text, { mode: 0o600 });
    const findings = await findingsOf(rotateSecret(platform, file, 'LITELLM_MASTER_KEY'));
    expect(findings.map((f) => [f.code, f.path])).toEqual([['secrets.store-incomplete', 'secrets.N8N_ENCRYPTION_KEY']]);
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('rotation replaces a published default (what the known-default hint says to do)', async () => {
    await ensureSecrets(platform, file);
    await writeFile(file, (await readFile(file, 'utf8')).replace(/^LITELLM_MASTER_KEY=.*$/m, 'LITELLM_MASTER_KEY=sk-1234'));
    await rotateSecret(platform, file, 'LITELLM_MASTER_KEY');
    expect((await readSecrets(file))?.get('LITELLM_MASTER_KEY')).toMatch(/^sk-[0-9a-f]{48}$/);
  });

  it('git-ignores the store folder it creates, and never writes a .gitignore into a folder the user chose', async () => {
    await ensureSecrets(platform, file);
    expect(await readFile(join(dir, '.moat', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    const own = join(dir, 'mine');
    await mkdir(own);
    await ensureSecrets(platform, join(own, 'secrets.env'));
    await expect(stat(join(own, '.gitignore'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('adds the .gitignore to an existing .moat store without touching the store', async () => {
    await ensureSecrets(platform, file);
    await rm(join(dir, '.moat', '.gitignore'));
    const before = await readFile(file);
    await ensureSecrets(platform, file);
    expect(await readFile(join(dir, '.moat', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    expect(Buffer.compare(await readFile(file), before)).toBe(0);
  });

  it("keeps Dify's Redis password and Weaviate key rotatable (both read from env at every start)", async () => {
    const { values: before } = await ensureSecrets(platform, file);
    for (const name of ['DIFY_REDIS_PASSWORD', 'DIFY_WEAVIATE_API_KEY']) await rotateSecret(platform, file, name);
    const after = await readSecrets(file);
    expect(after?.get('DIFY_REDIS_PASSWORD')).not.toBe(before.get('DIFY_REDIS_PASSWORD'));
    expect(after?.get('DIFY_DB_PASSWORD')).toBe(before.get('DIFY_DB_PASSWORD'));
  });

  it('names the closest secret for a misspelt rotation', async () => {
    const findings = await findingsOf(rotateSecret(platform, file, 'LITELLM_MASTR_KEY'));
    expect(findings[0]?.code).toBe('secrets.unknown');
    expect(findings[0]?.hint).toContain('LITELLM_MASTER_KEY');
  });

  it('refuses known upstream defaults found in the store', async () => {
    await ensureSecrets(platform, file);
    const text = (await readFile(file, 'utf8'))
      .replace(/^LITELLM_MASTER_KEY=.*$/m, 'LITELLM_MASTER_KEY=sk-1234')
      .replace(/^DIFY_DB_PASSWORD=.*$/m, 'DIFY_DB_PASSWORD=difyai123456');
    await writeFile(file, text);
    const findings = await findingsOf(ensureSecrets(platform, file));
    expect(findings.map((f) => [f.code, f.path])).toEqual([
      ['secrets.known-default', 'secrets.DIFY_DB_PASSWORD'],
      ['secrets.known-default', 'secrets.LITELLM_MASTER_KEY'],
    ]);
  });

  it('parses dotenv lines, skipping comments, keeping = inside values', () => {
    expect([...parseSecrets('# c\n\nA=1\nB=x=y\n')]).toEqual([
      ['A', '1'],
      ['B', 'x=y'],
    ]);
  });
});

describe('per-service env files', () => {
  it("holds only that service's secrets under the variable it reads, mode 0600", async () => {
    const { values } = await ensureSecrets(platform, file);
    const bundle = join(dir, 'deploy');
    await writeServiceEnvFiles(platform, bundle, values);
    const api = await readFile(join(bundle, 'secrets', 'dify-api.env'), 'utf8');
    expect(api).toContain(`SECRET_KEY=${values.get('DIFY_SECRET_KEY')}\n`);
    expect(api).not.toContain('N8N_ENCRYPTION_KEY');
    expect((await stat(join(bundle, 'secrets', 'n8n.env'))).mode & 0o777).toBe(0o600);
    expect(serviceEnvContent(requireService(platform, 'n8n'), values)).toBe(`N8N_ENCRYPTION_KEY=${values.get('N8N_ENCRYPTION_KEY')}\n`);
  });

  it('closes a secrets folder moat plan made 0755, and never writes a new value into an open 0644 file', async () => {
    const { values } = await ensureSecrets(platform, file);
    const bundle = join(dir, 'deploy');
    const folder = join(bundle, 'secrets');
    await mkdir(folder, { recursive: true, mode: 0o755 });
    await chmod(folder, 0o755);
    const n8nEnv = join(folder, 'n8n.env');
    await writeFile(n8nEnv, 'N8N_ENCRYPTION_KEY=old\n', { mode: 0o644 });
    await chmod(n8nEnv, 0o644);
    // A second name for the same inode: an in-place write would show the new value through it.
    const exposed = join(dir, 'exposed.env');
    await link(n8nEnv, exposed);
    await writeServiceEnvFiles(platform, bundle, values);
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    expect((await stat(n8nEnv)).mode & 0o777).toBe(0o600);
    expect(await readFile(n8nEnv, 'utf8')).toBe(`N8N_ENCRYPTION_KEY=${values.get('N8N_ENCRYPTION_KEY')}\n`);
    expect(await readFile(exposed, 'utf8')).toBe('N8N_ENCRYPTION_KEY=old\n');
  });

  it('closes the folder also when only placeholder env files are written (store missing)', async () => {
    const bundle = join(dir, 'deploy');
    await mkdir(join(bundle, 'secrets'), { recursive: true });
    await chmod(join(bundle, 'secrets'), 0o755);
    await ensureServiceEnvFiles(platform, bundle, file);
    expect((await stat(join(bundle, 'secrets'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(bundle, 'secrets', 'n8n.env'))).mode & 0o777).toBe(0o600);
  });

  it("gives Dify's API and worker a Celery broker URL carrying the Redis password, and Redis none", async () => {
    const { values } = await ensureSecrets(platform, file);
    const redisPassword = encodeURIComponent(values.get('DIFY_REDIS_PASSWORD') ?? 'missing');
    for (const name of ['dify-api', 'dify-worker']) {
      expect(serviceEnvContent(requireService(platform, name), values)).toContain(`CELERY_BROKER_URL=redis://:${redisPassword}@dify-redis:6379/1\n`);
    }
    expect(serviceEnvContent(requireService(platform, 'dify-redis'), values)).not.toContain('CELERY_BROKER_URL');
  });
});
