// The engine adapter of backups on a REAL engine (podman's Docker-compatible
// API, the harness of test/deploy/engine): binary input and output through
// exec, a volume part taken by a throwaway container of the service's own
// image while the service is stopped, then restored into a wiped volume with
// contents, owners and modes as they were, and the service running again.
// Compose itself is not what this tests (test/deploy/engine/up.test.ts does):
// `up` here starts the stopped container with podman.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { createBackup, engineBackupTarget, restoreBackup } from '../../../src/deploy/backup/index.js';
import { composeEngine } from '../../../src/deploy/compose-engine.js';
import type { Engine } from '../../../src/deploy/engine.js';
import { writeSecrets } from '../../../src/deploy/secrets-store.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import type { Platform } from '../../../src/model/types.js';
import { type PodmanHarness, STUB_IMAGE, startPodman } from '../../support/podman.js';

const PROJECT = `moat-bk-${process.pid}`;
let harness: PodmanHarness | undefined;
let work = '';
let platform: Platform;
let engine: Engine;

beforeAll(async () => {
  harness = await startPodman();
  await harness.buildStubImage();
  const full = normalizePlatform(referencePlatform());
  const base = full.services.find((s) => s.name === 'anythingllm');
  if (!base) throw new Error('no anythingllm in the reference platform');
  const app = {
    ...base,
    name: 'app',
    image: STUB_IMAGE,
    volumes: [{ name: 'app-data', target: '/data', purpose: 'test data', readOnly: false }],
    dependsOn: [],
    secrets: [],
    startBudgetSeconds: 60,
  };
  const { healthcheck: _none, ...withoutHealth } = app;
  platform = { ...full, project: PROJECT, services: [withoutHealth] };
  await harness.podman(['volume', 'create', `${PROJECT}_app-data`]);
  await harness.podman([
    'run',
    '-d',
    '--network',
    'none',
    '--name',
    `${PROJECT}_app_1`,
    '-v',
    `${PROJECT}_app-data:/data`,
    '--label',
    `com.docker.compose.project=${PROJECT}`,
    '--label',
    'com.docker.compose.service=app',
    STUB_IMAGE,
    'sh',
    '-c',
    "trap 'exit 0' TERM; sleep 600 & wait",
  ]);
  const endpoint = { socketPath: harness.dockerHost.slice('unix://'.length) };
  const compose = composeEngine('compose-v1', { project: PROJECT, bundleDir: '/nonexistent', composeFile: '/nonexistent/compose.yaml' }, endpoint);
  const podman = harness;
  engine = { ...compose, up: async (services) => void (await Promise.all(services.map((s) => podman.podman(['start', `${PROJECT}_${s}_1`])))) };
  work = await mkdtemp(join(tmpdir(), 'moat-backup-engine-'));
}, 300_000);

afterAll(async () => {
  await harness?.stop();
  if (work) await rm(work, { recursive: true, force: true });
}, 240_000);

const collect = () => {
  const chunks: Buffer[] = [];
  return { sink: new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c), done()) }), bytes: () => Buffer.concat(chunks) };
};

describe('backup through a real engine (podman)', () => {
  it('carries binary input and output through exec, and snapshots and restores a volume with owners and modes', async () => {
    const endpoint = { socketPath: (harness as PodmanHarness).dockerHost.slice('unix://'.length) };
    const target = engineBackupTarget(engine, endpoint, platform, { pollMs: 200 });
    const blob = randomBytes(300_000);
    expect(
      (
        await target.exec(
          'app',
          [
            'sh',
            '-c',
            'cat > /data/blob && mkdir -p /data/sub && echo hi > /data/sub/.hidden && chown 1234:5678 /data/sub/.hidden && chmod 0640 /data/sub/.hidden',
          ],
          { stdin: blob },
        )
      ).exitCode,
    ).toBe(0);
    const out = collect();
    expect((await target.exec('app', ['cat', '/data/blob'], { stdout: out.sink })).exitCode).toBe(0);
    expect(out.bytes().equals(blob)).toBe(true);

    const secretsFile = join(work, '.moat', 'secrets.env');
    await writeSecrets(secretsFile, new Map([['SOME_KEY', 'abc']]));
    await mkdir(join(work, 'bundle'));
    await writeFile(join(work, 'bundle', 'compose.yaml'), 'name: test\n');
    const backup = await createBackup(target, {
      platform,
      to: join(work, 'backups'),
      bundleDir: join(work, 'bundle'),
      secretsFile,
      passphrase: 'engine test passphrase',
      moatVersion: 'test',
    });
    expect(backup.failures).toEqual([]);
    expect(backup.restartFailures).toEqual([]);
    expect(backup.manifest.parts.map((p) => p.name)).toContain('volume/app/app-data');
    expect(await target.running()).toEqual(['app']);

    await target.exec('app', ['sh', '-c', 'rm -rf /data/* /data/.[!.]* && echo stray > /data/stray']);
    const restored = await restoreBackup(target, { platform, backupDir: backup.dir, secretsFile, passphrase: 'engine test passphrase' });
    expect(restored.failures).toEqual([]);
    expect(restored.startFailures).toEqual([]);
    expect(restored.stopped).toEqual(['app']);
    const again = collect();
    await target.exec('app', ['cat', '/data/blob'], { stdout: again.sink });
    expect(again.bytes().equals(blob)).toBe(true);
    const listing = await target.exec('app', ['sh', '-c', 'ls -A /data; stat -c "%u:%g %a" /data/sub/.hidden']);
    expect(listing.stdout.toString()).toBe('blob\nsub\n1234:5678 640\n');
  }, 240_000);
});
