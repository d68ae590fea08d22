// The CLI side of deploy: exit codes and what is (never) printed. No engine here.
import { mkdtemp, mkdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readSecrets } from '../../src/deploy/secrets-store.js';

let dir = '';
let out = '';
let err = '';

async function run(...args: string[]): Promise<number> {
  out = '';
  err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    return await main(['node', 'moat', ...args]);
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moat-cli-deploy-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('moat up without an engine', () => {
  it('exits 3, names what to install, and writes nothing', async () => {
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await symlink(process.execPath, join(bin, 'node'));
    const savedPath = process.env.PATH;
    process.env.PATH = bin;
    try {
      expect(await run('up', '--out', join(dir, 'deploy'))).toBe(3);
    } finally {
      process.env.PATH = savedPath;
    }
    expect(err).toContain('neither `docker compose` (Compose v2) nor `docker-compose`');
    expect(err).toMatch(/install: .*docker-compose-plugin/);
    await expect(stat(join(dir, 'deploy'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(join(dir, '.moat'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('moat secrets', () => {
  it('lists names and policies but never a value without --show', async () => {
    const secrets = join(dir, 'secrets.env');
    expect(await run('secrets', 'rotate', 'LITELLM_MASTER_KEY', '--secrets', secrets, '--out', join(dir, 'deploy'))).toBe(0);
    const values = await readSecrets(secrets);
    expect(values?.size).toBeGreaterThan(10);
    expect(await run('secrets', '--secrets', secrets)).toBe(0);
    expect(out).toMatch(/^N8N_ENCRYPTION_KEY +never-rotate +yes +n8n:N8N_ENCRYPTION_KEY$/m);
    expect(out).toMatch(/^LITELLM_MASTER_KEY +rotatable +yes +/m);
    for (const value of values?.values() ?? []) expect(out + err).not.toContain(value);
    expect(await run('secrets', '--show', '--secrets', secrets)).toBe(0);
    expect(out).toContain(values?.get('N8N_ENCRYPTION_KEY'));
  });

  it('refuses to rotate a never-rotate secret with exit 2 and leaves the file alone', async () => {
    const secrets = join(dir, 'secrets.env');
    await run('secrets', 'rotate', 'LITELLM_MASTER_KEY', '--secrets', secrets, '--out', join(dir, 'deploy'));
    const before = await readFile(secrets);
    expect(await run('secrets', 'rotate', 'N8N_ENCRYPTION_KEY', '--secrets', secrets, '--out', join(dir, 'deploy'))).toBe(2);
    expect(err).toContain('[secrets.never-rotate]');
    expect(err).toContain('N8N_ENCRYPTION_KEY is marked never-rotate');
    expect(Buffer.compare(await readFile(secrets), before)).toBe(0);
  });
});
