// n8n's part of a backup against the real n8n CLI at the catalog's version
// (npm n8n from the app cache, Node 24; apps tier): the exact argv moat runs in
// the n8n container exports an empty instance without failing, exports a
// workflow and a credential (the credential still encrypted), and imports them
// into a fresh instance that has the same encryption key.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { N8N_EXPORT, N8N_IMPORT } from '../../../src/deploy/backup/commands.js';
import { checkTar } from '../../../src/deploy/backup/tar.js';
import { installedApp, nodeBinary } from '../../support/real-apps.js';

const KEY = 'moat-test-n8n-encryption-key-0123456789abcdef';
const SECRET_VALUE = 'moat-credential-plaintext-value';
let dir = '';

/** Runs argv as the container's shell would, with `n8n` on PATH and the instance's folder. */
async function inInstance(home: string, argv: readonly string[], input?: Buffer) {
  const r = await execa(argv[0] ?? 'false', argv.slice(1), {
    reject: false,
    encoding: 'buffer',
    extendEnv: false,
    env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, HOME: home, N8N_USER_FOLDER: home, N8N_ENCRYPTION_KEY: KEY, N8N_DIAGNOSTICS_ENABLED: 'false' },
    timeout: 240_000,
    ...(input ? { input } : {}),
  });
  return { exitCode: r.exitCode, stdout: Buffer.from(r.stdout), stderr: Buffer.from(r.stderr).toString('utf8') };
}

async function files(tar: Buffer, name: string): Promise<Record<string, string>> {
  const out = join(dir, name);
  await mkdir(out);
  await writeFile(`${out}.tar`, tar);
  expect(await checkTar(`${out}.tar`)).toEqual([]);
  await execa('tar', ['-C', out, '-xf', `${out}.tar`]);
  const listed = (await execa('find', [out, '-type', 'f'])).stdout.split('\n').filter(Boolean).sort();
  return Object.fromEntries(await Promise.all(listed.map(async (f) => [f.slice(out.length + 1), await readFile(f, 'utf8')] as const)));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moat-n8n-export-'));
  await mkdir(join(dir, 'bin'));
  await writeFile(join(dir, 'bin', 'n8n'), `#!/bin/sh\nexec ${nodeBinary()} ${join(installedApp('n8n'), 'node_modules/n8n/bin/n8n')} "$@"\n`, { mode: 0o755 });
}, 600_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('n8n export and import (real n8n CLI)', () => {
  it('exports an empty instance, then round-trips a workflow and an encrypted credential into a fresh instance', async () => {
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    await mkdir(first);
    await mkdir(second);
    const empty = await inInstance(first, N8N_EXPORT);
    expect(empty.stderr).toBe('');
    expect(empty.exitCode).toBe(0);
    expect(Object.keys(await files(empty.stdout, 'empty'))).toEqual([]);

    const seed = join(dir, 'seed');
    await mkdir(join(seed, 'workflows'), { recursive: true });
    await mkdir(join(seed, 'credentials'));
    await writeFile(
      join(seed, 'workflows', 'w.json'),
      JSON.stringify({
        id: 'moatWf0000000001',
        name: 'moat backup test',
        nodes: [
          {
            parameters: {},
            id: 'a1b2c3d4-0000-4000-8000-000000000001',
            name: 'Manual',
            type: 'n8n-nodes-base.manualTrigger',
            typeVersion: 1,
            position: [0, 0],
          },
        ],
        connections: {},
        active: false,
        settings: {},
        pinData: {},
      }),
    );
    await writeFile(
      join(seed, 'credentials', 'c.json'),
      JSON.stringify({ id: 'moatCred00000001', name: 'moat test cred', type: 'httpHeaderAuth', data: { name: 'X-Key', value: SECRET_VALUE } }),
    );
    const seedTar = Buffer.from((await execa('tar', ['-C', seed, '-cf', '-', 'workflows', 'credentials'], { encoding: 'buffer' })).stdout);
    expect((await inInstance(first, N8N_IMPORT, seedTar)).exitCode).toBe(0);

    const exported = await inInstance(first, N8N_EXPORT);
    expect(exported.exitCode).toBe(0);
    const backup = await files(exported.stdout, 'backup');
    expect(Object.keys(backup)).toEqual(['credentials/moatCred00000001.json', 'workflows/moatWf0000000001.json']);
    expect(JSON.stringify(backup)).not.toContain(SECRET_VALUE);

    expect((await inInstance(second, N8N_IMPORT, exported.stdout)).exitCode).toBe(0);
    const again = await files((await inInstance(second, N8N_EXPORT)).stdout, 'again');
    expect(JSON.parse(again['workflows/moatWf0000000001.json'] ?? '{}')).toMatchObject({ name: 'moat backup test', nodes: [{ name: 'Manual' }] });
    expect(JSON.parse(again['credentials/moatCred00000001.json'] ?? '{}').name).toBe('moat test cred');
  }, 600_000);
});
