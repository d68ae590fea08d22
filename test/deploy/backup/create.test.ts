// The backup's shape without servers: which parts a platform has, what a
// failing part leaves behind (named, the rest kept, the backup marked
// incomplete), progress per part, and retention that deletes only older moat
// backups of the project.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../../src/catalog/reference.js';
import type { BackupTarget } from '../../../src/deploy/backup/index.js';
import { createBackup } from '../../../src/deploy/backup/index.js';
import { backupDirName, MANIFEST_KIND, partFile } from '../../../src/deploy/backup/manifest.js';
import { backupPlan } from '../../../src/deploy/backup/plan.js';
import { applyRetention } from '../../../src/deploy/backup/retention.js';
import { createProgress } from '../../../src/deploy/progress.js';
import { ensureSecrets } from '../../../src/deploy/secrets-store.js';
import { normalizePlatform } from '../../../src/model/normalize.js';

const platform = normalizePlatform(referencePlatform());
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moat-backup-unit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('backupPlan', () => {
  it('dumps the databases, snapshots every other data volume, and says what it leaves out', () => {
    const plan = backupPlan(platform);
    const names = plan.parts.map((p) => p.name);
    expect(plan.postgres).toEqual(['dify-db']);
    expect(names).toContain('redis/dify-redis');
    expect(names).toContain('n8n-export/n8n');
    for (const volume of ['n8n-data', 'anythingllm-storage', 'dify-storage', 'dify-weaviate-data', 'signal-data', 'gdrive-config', 'gdrive-data']) {
      expect(
        names.some((n) => n.startsWith('volume/') && n.endsWith(`/${volume}`)),
        volume,
      ).toBe(true);
    }
    // Raw files of running databases are not a backup; rendered files come with the bundle.
    expect(names.filter((n) => /dify-db-data|dify-redis-data|config$/.test(n) && !n.includes('gdrive'))).toEqual([]);
    expect(plan.skipped.map((s) => s.name)).toEqual(['volume/ollama/ollama-models']);
    // Weaviate is stopped for its snapshot; Dify's file storage is copied live (no API downtime).
    expect(plan.parts.find((p) => p.item === 'dify-weaviate-data')?.quiesce).toEqual(['dify-weaviate']);
    expect(plan.parts.find((p) => p.item === 'dify-storage')?.quiesce).toEqual([]);
  });

  it('derives file names that stay inside parts/', () => {
    expect(partFile('postgres', 'dify-db', 'litellm')).toBe('parts/postgres--dify-db--litellm.dump');
    expect(partFile('secrets')).toBe('parts/secrets.env.age');
    expect(backupDirName('moat', new Date('2026-12-02T13:05:09.123Z'))).toBe('moat-backup-moat-20261202T130509Z');
  });
});

describe('a backup whose parts fail', () => {
  it('names each failed part, keeps the others, and marks the backup incomplete', async () => {
    const secretsFile = join(dir, '.moat', 'secrets.env');
    await ensureSecrets(platform, secretsFile);
    const bundleDir = join(dir, 'bundle');
    await mkdir(bundleDir);
    await writeFile(join(bundleDir, 'compose.yaml'), 'name: moat\n');
    const failing: BackupTarget = {
      exec: async (service) => ({ exitCode: 2, stdout: Buffer.alloc(0), stderr: `${service}: connection refused` }),
      running: async () => [],
      stop: async () => undefined,
      start: async () => [],
      exportVolume: async (volume) => {
        throw new Error(`volume ${volume} is gone`);
      },
      importVolume: async () => undefined,
    };
    const lines: string[] = [];
    const progress = createProgress([], { write: (t: string) => lines.push(t) });
    const result = await createBackup(failing, { platform, to: join(dir, 'out'), bundleDir, secretsFile, passphrase: 'p', moatVersion: '0.1.0', progress });
    expect(result.complete).toBe(false);
    const manifest = JSON.parse(await readFile(join(result.dir, 'manifest.json'), 'utf8'));
    expect(manifest.complete).toBe(false);
    expect(manifest.parts.map((p: { name: string }) => p.name)).toEqual(['secrets', 'bundle']);
    const missing = manifest.missing.map((m: { name: string }) => m.name);
    expect(missing).toContain('redis/dify-redis');
    expect(missing).toContain('postgres/dify-db');
    expect(manifest.missing.find((m: { name: string }) => m.name === 'volume/n8n/n8n-data')?.reason).toBe('volume n8n-data is gone');
    expect(lines).toContain('secrets: starting\n');
    expect(lines.some((l) => l.startsWith('redis/dify-redis: failed (exit code 2 in dify-redis: dify-redis: connection refused)'))).toBe(true);
    // A failed part leaves no half-written file behind.
    expect((await readdir(join(result.dir, 'parts'))).sort()).toEqual(['bundle.tar', 'secrets.env.age']);
  });
});

describe('retention (--keep)', () => {
  const fake = async (name: string, manifest: Record<string, unknown> | string): Promise<string> => {
    const d = join(dir, name);
    await mkdir(d);
    await writeFile(join(d, 'manifest.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
    return d;
  };
  const moat = (createdAt: string, complete = true, project = platform.project) => ({
    kind: MANIFEST_KIND,
    version: 1,
    moatVersion: '0.1.0',
    project,
    createdAt,
    complete,
    parts: [],
    missing: [],
    skipped: [],
  });

  it('keeps the N newest complete backups of the project and deletes only older moat backups', async () => {
    await fake('b1', moat('2026-12-01T01:00:00.000Z'));
    await fake('b2', moat('2026-12-01T02:00:00.000Z', false));
    await fake('b3', moat('2026-12-01T03:00:00.000Z'));
    await fake('b4', moat('2026-12-01T04:00:00.000Z'));
    await fake('b5', moat('2026-12-01T05:00:00.000Z', false));
    await fake('other-project', moat('2026-11-01T00:00:00.000Z', true, 'someone-else'));
    await fake('not-moat', { kind: 'something', createdAt: '2020-01-01T00:00:00.000Z' });
    await fake('broken', '{not json');
    await mkdir(join(dir, 'photos'));
    const deleted = await applyRetention(dir, platform.project, 2);
    expect(deleted.map((d) => d.slice(dir.length + 1)).sort()).toEqual(['b1', 'b2']);
    expect((await readdir(dir)).sort()).toEqual(['b3', 'b4', 'b5', 'broken', 'not-moat', 'other-project', 'photos']);
  });

  it('deletes nothing while fewer than N complete backups exist', async () => {
    await fake('b1', moat('2026-12-01T01:00:00.000Z', false));
    await fake('b2', moat('2026-12-01T02:00:00.000Z'));
    expect(await applyRetention(dir, platform.project, 2)).toEqual([]);
  });
});
