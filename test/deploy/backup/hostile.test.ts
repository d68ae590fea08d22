// Hostile and damaged backups: each is refused with a located finding, and the
// restore touches nothing (the target records every call; none may happen).
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../../src/catalog/reference.js';
import type { BackupTarget } from '../../../src/deploy/backup/index.js';
import { restoreBackup } from '../../../src/deploy/backup/index.js';
import type { Part } from '../../../src/deploy/backup/manifest.js';
import { MANIFEST_KIND, partFile } from '../../../src/deploy/backup/manifest.js';
import { checkTar, singleFileTar } from '../../../src/deploy/backup/tar.js';
import { UserInputError } from '../../../src/model/findings.js';
import { normalizePlatform } from '../../../src/model/normalize.js';

const platform = normalizePlatform(referencePlatform());
let dir = '';
let calls: string[] = [];

const recording: BackupTarget = {
  exec: async (service) => (calls.push(`exec ${service}`), { exitCode: 0, stdout: Buffer.alloc(0), stderr: '' }),
  running: async () => (calls.push('running'), []),
  stop: async (s) => void calls.push(`stop ${s.join(',')}`),
  start: async (s) => (calls.push(`start ${s.join(',')}`), []),
  exportVolume: async (v) => void calls.push(`export ${v}`),
  importVolume: async (v) => void calls.push(`import ${v}`),
};

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A backup with one volume part (n8n's) whose archive is `tar`; `edit` changes its manifest entry. */
async function writeBackup(tar: Buffer, edit: (part: Part) => Partial<Part> = () => ({}), extraParts: Part[] = []): Promise<void> {
  const file = partFile('volume', 'n8n', 'n8n-data');
  await mkdir(join(dir, 'parts'), { recursive: true });
  await writeFile(join(dir, file), tar);
  const part: Part = {
    name: 'volume/n8n/n8n-data',
    kind: 'volume',
    service: 'n8n',
    item: 'n8n-data',
    file,
    size: tar.length,
    sha256: sha(tar),
    restore: 'x',
    onRequest: false,
  };
  const manifest = {
    kind: MANIFEST_KIND,
    version: 1,
    moatVersion: '0.1.0',
    project: platform.project,
    createdAt: '2026-12-02T13:00:00.000Z',
    complete: true,
    parts: [{ ...part, ...edit(part) }, ...extraParts],
    missing: [],
    skipped: [],
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
}

async function refusal(): Promise<{ code: string; path: string; message: string }[]> {
  const error = await restoreBackup(recording, { platform, backupDir: dir, secretsFile: join(dir, 'none.env'), passphrase: 'p' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserInputError);
  expect(calls.filter((c) => c !== 'running')).toEqual([]);
  return (error as UserInputError).findings.map((f) => ({ code: f.code, path: f.path, message: f.message }));
}

const goodTar = (): Buffer => singleFileTar('database.sqlite', Buffer.from('rows'), { uid: 1000, gid: 1000 }, new Date(0));

/** A tar made by GNU tar itself from a directory with `setup`. */
async function gnuTar(setup: (src: string) => Promise<void>, args: string[] = ['.']): Promise<Buffer> {
  const src = await mkdtemp(join(tmpdir(), 'moat-tar-src-'));
  try {
    await setup(src);
    return (await execa('tar', ['-C', src, '-cf', '-', ...args], { encoding: 'buffer' })).stdout as unknown as Buffer;
  } finally {
    await rm(src, { recursive: true, force: true });
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moat-hostile-'));
  calls = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hostile backups are refused with a located message', () => {
  it('a directory without a manifest is not a backup', async () => {
    expect((await refusal())[0]?.code).toBe('backup.not-a-backup');
  });

  it('a manifest with an unknown field or a wrong type', async () => {
    await writeBackup(goodTar(), () => ({ size: -1 }));
    const found = await refusal();
    expect(found[0]).toMatchObject({ code: 'backup.bad-manifest', path: 'manifest.json: parts[0].size' });
  });

  it.each([
    ['a ../ path', '../../etc/passwd'],
    ['an absolute path', '/etc/shadow'],
    ["another part's file", 'parts/secrets.env.age'],
  ])('a part file with %s', async (_what, file) => {
    await writeBackup(goodTar(), () => ({ file }));
    expect(await refusal()).toContainEqual(expect.objectContaining({ code: 'backup.unsafe-path', path: 'manifest.json: parts[0].file' }));
  });

  it('a part for a service the platform does not have', async () => {
    await writeBackup(goodTar(), () => ({ service: 'evil', name: 'volume/evil/n8n-data', file: partFile('volume', 'evil', 'n8n-data') }));
    const found = await refusal();
    expect(found).toContainEqual(expect.objectContaining({ code: 'backup.unknown-part', path: 'manifest.json: parts[0].service' }));
  });

  it('a size that differs from the file, and a truncated file', async () => {
    await writeBackup(goodTar(), (p) => ({ size: p.size + 1 }));
    expect((await refusal())[0]).toMatchObject({ code: 'backup.size-mismatch', path: 'manifest.json: parts[0].size' });
    await writeBackup(goodTar());
    await truncate(join(dir, partFile('volume', 'n8n', 'n8n-data')), 700);
    const found = await refusal();
    expect(found[0]?.code).toBe('backup.size-mismatch');
    expect(found[0]?.message).toContain('truncated');
  });

  it('a part file replaced by a symbolic link (even to a file with the right bytes)', async () => {
    const tar = goodTar();
    await writeBackup(tar);
    const file = join(dir, partFile('volume', 'n8n', 'n8n-data'));
    await writeFile(join(dir, 'elsewhere.tar'), tar);
    await rm(file);
    await symlink(join(dir, 'elsewhere.tar'), file);
    expect((await refusal())[0]).toMatchObject({ code: 'backup.unsafe-path' });
  });

  it('a volume archive holding a symbolic link', async () => {
    const tar = await gnuTar(async (src) => symlink('/etc', join(src, 'link')));
    await writeBackup(tar);
    const found = await refusal();
    expect(found[0]).toMatchObject({ code: 'backup.hostile-archive', path: `${partFile('volume', 'n8n', 'n8n-data')}: ./link` });
  });

  it('a volume archive with a ../ entry, long (GNU) or short', async () => {
    const short = await gnuTar(
      async (src) => {
        await mkdir(join(src, 'a'));
        await writeFile(join(src, 'evil'), 'x');
      },
      ['--transform=s,^evil$,../evil,', 'evil'],
    );
    await writeBackup(short);
    expect((await refusal())[0]).toMatchObject({ code: 'backup.hostile-archive', path: `${partFile('volume', 'n8n', 'n8n-data')}: ../evil` });
    const long = `../${'x'.repeat(150)}`;
    const longTar = await gnuTar(async (src) => writeFile(join(src, 'f'), 'x'), [`--transform=s,^f$,${long},`, 'f']);
    expect((await checkTar(await tempFile(longTar))).map((p) => p.entry)).toEqual([long]);
  });

  it('a checksum that differs is refused before the archive is even read', async () => {
    await writeBackup(goodTar(), () => ({ sha256: '0'.repeat(64) }));
    expect((await refusal())[0]).toMatchObject({ code: 'backup.checksum-mismatch', path: 'manifest.json: parts[0].sha256' });
  });
});

async function tempFile(bytes: Buffer): Promise<string> {
  const file = join(dir, 'check.tar');
  await writeFile(file, bytes);
  return file;
}

describe('checkTar', () => {
  it("accepts files and directories GNU tar writes, and moat's own one-file tar", async () => {
    const tar = await gnuTar(async (src) => {
      await mkdir(join(src, 'sub', 'deeper'), { recursive: true });
      await writeFile(join(src, 'sub', 'deeper', `${'n'.repeat(120)}.json`), '{}');
    });
    expect(await checkTar(await tempFile(tar))).toEqual([]);
    expect(await checkTar(await tempFile(goodTar()))).toEqual([]);
  });

  it('refuses an archive cut short, and one with a forged header checksum', async () => {
    const tar = goodTar();
    expect((await checkTar(await tempFile(tar.subarray(0, 512))))[0]?.message).toContain('truncated');
    const forged = Buffer.from(tar);
    forged[0] = 'X'.charCodeAt(0);
    expect((await checkTar(await tempFile(forged)))[0]?.message).toContain('checksum');
  });
});
