// `moat upgrade` on a real engine (podman's Docker API with Debian's
// docker-compose 1.29): three local versions of one image, built from
// busybox-static like the reduced platform's stub (no registry). v1 and v3
// serve their health page; v2 scribbles over the data and never becomes
// healthy. Data written with v1 must survive the failed upgrade to v2 (rolled
// back to v1's image and v1's bytes) and the good upgrade to v3, which is
// recorded in a commented moat.yaml without touching the comments.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeBundle } from '../../../src/cli/write-bundle.js';
import { composeEngine } from '../../../src/deploy/compose-engine.js';
import type { Engine } from '../../../src/deploy/engine.js';
import { engineGet } from '../../../src/deploy/engine-api.js';
import { deployUp } from '../../../src/deploy/up.js';
import { type UpgradeOptions, upgradeServices } from '../../../src/deploy/upgrade.js';
import { planUpgrade } from '../../../src/deploy/upgrade-plan.js';
import { recordImage } from '../../../src/deploy/upgrade-record.js';
import type { Platform } from '../../../src/model/types.js';
import { renderBundle } from '../../../src/render/registry.js';
import { freePort } from '../../support/free-port.js';
import { usePodmanSuite } from './podman-suite.js';
import { E2E_PROJECT, reducedPlatform } from './reduced-platform.js';

const IMAGE = 'localhost/moat-upg';
const DATA = '/home/node/.n8n';
const MOAT_YAML = "# the operator's own notes\nproject: moat-e2e\nservices:\n  n8n:\n    # pinned after testing on staging\n    image: localhost/moat-upg:1\n";

const suite = usePodmanSuite('moat-upgrade-');
let platform: Platform;
const paths = () => ({
  bundleDir: join(suite().work, 'deploy'),
  secretsFile: join(suite().work, '.moat', 'secrets.env'),
  config: join(suite().work, 'moat.yaml'),
});
const engineFor = (p: Platform): Engine =>
  composeEngine('compose-v1', { project: p.project, bundleDir: paths().bundleDir, composeFile: join(paths().bundleDir, 'compose.yaml') });
const n8n = `${E2E_PROJECT}_n8n_1`;

/** n8n's stub: which version it is comes from the image (its env); no `$` in the command, which Compose would interpolate. */
const STUB = [
  'sh',
  '-c',
  "trap 'exit 0' TERM; mkdir -p /tmp/www; env | grep MOAT_STUB_VERSION > /tmp/www/index.html; " +
    `if env | grep -qx MOAT_STUB_VERSION=2; then echo v2-was-here > ${DATA}/marker; rm -f ${DATA}/kept; echo 'stub n8n v2: migrating, broken'; ` +
    'else echo ok > /tmp/www/healthz; fi; httpd -f -p 5678 -h /tmp/www & wait',
];

const backups: string[][] = [];
const options = (): UpgradeOptions => ({
  engine: engineFor(platform),
  endpoint: { socketPath: suite().harness.dockerHost.slice('unix://'.length) },
  render: async (p) => void (await writeBundle(paths().bundleDir, renderBundle(p, {}, ['compose']).files)),
  record: (service, image) => recordImage(paths().config, service, image),
  // A recording stand-in for the backup step (moat backup is another module's); the upgrade must call it first.
  backup: async ({ services }) => {
    backups.push([...services]);
    return { location: join(suite().work, 'backup') };
  },
  snapshotDir: (service) => join(suite().work, '.moat', 'snapshots', `${service}-${backups.length}`),
  pollMs: 500,
});

async function imageOf(service: string): Promise<string> {
  const c = (await engineFor(platform).containers()).find((x) => x.service === service);
  const inspected = await engineGet<{ Config?: { Image?: string } }>(
    { socketPath: suite().harness.dockerHost.slice('unix://'.length) },
    `/containers/${c?.id ?? 'none'}/json`,
  );
  return inspected.Config?.Image ?? '';
}

beforeAll(async () => {
  const { harness } = suite();
  for (const version of ['1', '2', '3']) {
    await harness.podman([
      'import',
      '--change',
      'CMD ["/bin/sh"]',
      '--change',
      'ENV PATH=/bin',
      '--change',
      `ENV MOAT_STUB_VERSION=${version}`,
      join(harness.dir, 'stub.tar'),
      `${IMAGE}:${version}`,
    ]);
  }
  const base = reducedPlatform({ gatewayPort: await freePort() });
  platform = { ...base, services: base.services.map((s) => (s.name === 'n8n' ? { ...s, image: `${IMAGE}:1`, command: STUB } : s)) };
  await writeFile(paths().config, MOAT_YAML);
  await writeBundle(paths().bundleDir, renderBundle(platform, {}, ['compose']).files);
  const up = await deployUp(platform, { engine: engineFor(platform), bundleDir: paths().bundleDir, secretsFile: paths().secretsFile, pollMs: 500 });
  if (!up.ok) throw new Error(`the platform did not come up: ${JSON.stringify(up.failures)}`);
  await harness.podman(['exec', n8n, 'sh', '-c', `echo keep-me > ${DATA}/marker && echo 1 > ${DATA}/kept && chown 1000:1000 ${DATA}/marker`]);
}, 300_000);

describe('moat upgrade on podman + docker-compose (engine)', () => {
  it('an upgrade whose new image fails its health check rolls back to the old image and the snapshotted data', async () => {
    const { steps, findings } = planUpgrade(platform, { service: 'n8n', to: `${IMAGE}:2` });
    expect(findings).toEqual([]);
    const result = await upgradeServices(platform, steps, options());
    expect(backups).toEqual([['n8n']]);
    const [outcome] = result.outcomes;
    expect(outcome).toMatchObject({ kind: 'rolled-back', restored: true, reason: expect.stringMatching(/health check failed|not healthy/) });
    if (outcome?.kind !== 'rolled-back') throw new Error('not rolled back');
    expect(outcome.logTail).toContain('stub n8n v2: migrating, broken');
    expect(await imageOf('n8n')).toBe(`${IMAGE}:1`);
    const state = (await engineFor(platform).containers()).find((c) => c.service === 'n8n');
    expect(`${state?.state}/${state?.health}`).toBe('running/healthy');
    // v2 overwrote marker and deleted kept; the rollback put v1's bytes (and owner) back.
    const data = await suite().harness.podman(['exec', n8n, 'sh', '-c', `cat ${DATA}/marker ${DATA}/kept; stat -c %u:%g ${DATA}/marker`]);
    expect(data.stdout.trim().split('\n')).toEqual(['keep-me', '1', '1000:1000']);
    // Nothing was recorded: moat.yaml is byte-identical.
    expect(await readFile(paths().config, 'utf8')).toBe(MOAT_YAML);
  }, 300_000);

  it('a successful upgrade runs the new image on the same data and records it in moat.yaml, comments kept', async () => {
    const { steps } = planUpgrade(platform, { service: 'n8n', to: '3' });
    const result = await upgradeServices(platform, steps, options());
    expect(result.outcomes.map((o) => o.kind)).toEqual(['upgraded']);
    expect(await imageOf('n8n')).toBe(`${IMAGE}:3`);
    const data = await suite().harness.podman(['exec', n8n, 'cat', `${DATA}/marker`]);
    expect(data.stdout.trim()).toBe('keep-me');
    expect(await readFile(paths().config, 'utf8')).toBe(MOAT_YAML.replace('moat-upg:1', 'moat-upg:3'));
    // The gateway and the other services were not touched.
    const states = (await engineFor(platform).containers()).map((c) => `${c.service}:${c.health}`);
    expect(states).toEqual(['litellm:healthy', 'n8n:healthy', 'nginx:healthy', 'ollama:healthy']);
  }, 300_000);
});
