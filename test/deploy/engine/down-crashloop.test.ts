// `moat down` and `moat reset` against crash-looping containers on a real
// engine (podman's Docker API with Debian's docker-compose 1.29). A container
// whose command exits 1 under `restart: unless-stopped` is restarted by podman
// at once, again and again; `docker-compose down` then met it mid-restart and
// failed with "container state improper" (podman's ErrCtrStateInvalid), or
// missed it and failed removing the network. down must end with nothing of
// the project running and every volume kept; reset with nothing left at all.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBundle } from '../../../src/cli/write-bundle.js';
import { composeEngine } from '../../../src/deploy/compose-engine.js';
import type { Engine } from '../../../src/deploy/engine.js';
import { deployDown, deployReset } from '../../../src/deploy/operate.js';
import { prepareUp } from '../../../src/deploy/up.js';
import type { Platform } from '../../../src/model/types.js';
import { renderBundle } from '../../../src/render/registry.js';
import { freePort } from '../../support/free-port.js';
import { usePodmanSuite } from './podman-suite.js';
import { reducedPlatform } from './reduced-platform.js';

const suite = usePodmanSuite('moat-down-');
const CRASHERS = ['litellm', 'n8n', 'ollama'];

/** The reduced platform with three services that exit 1 at once: more containers mid-restart when down runs. */
async function crashLooping(): Promise<Platform> {
  const base = reducedPlatform({ gatewayPort: await freePort() });
  return {
    ...base,
    services: base.services.map((s) =>
      CRASHERS.includes(s.name) ? { ...s, dependsOn: [], command: ['sh', '-c', `echo "stub ${s.name}: fatal"; exit 1`] } : s,
    ),
  };
}

const paths = () => ({ bundleDir: join(suite().work, 'deploy'), secretsFile: join(suite().work, '.moat', 'secrets.env') });
const engineFor = (p: Platform): Engine =>
  composeEngine('compose-v1', { project: p.project, bundleDir: paths().bundleDir, composeFile: join(paths().bundleDir, 'compose.yaml') });

/** Starts every service (no health waits) and returns once each crasher has been restarted at least twice. */
async function startLooping(platform: Platform, engine: Engine): Promise<void> {
  await writeBundle(paths().bundleDir, renderBundle(platform, {}, ['compose']).files);
  await prepareUp(platform, paths());
  await engine.up(platform.services.map((s) => s.name));
  for (let i = 0; i < 120; i++) {
    const states = await engine.containers();
    const looping = CRASHERS.every((name) => (states.find((c) => c.service === name)?.restartCount ?? 0) >= 2);
    if (looping) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the crashers never restarted twice: the test cannot show what it is about');
}

describe('down and reset with crash-looping containers (engine)', () => {
  it('down removes every container (the crash-looping ones too) and the network, and keeps the volumes', async () => {
    const platform = await crashLooping();
    const engine = engineFor(platform);
    for (let round = 0; round < 3; round++) {
      await startLooping(platform, engine);
      await deployDown(engine);
      expect(await engine.containers(), `round ${round}`).toEqual([]);
      expect(await engine.resources(), `round ${round}`).toEqual({ networks: [], volumes: ['moat-e2e_n8n-data', 'moat-e2e_ollama-models'] });
    }
  }, 240_000);

  it('reset removes everything of the project, crash-looping containers included', async () => {
    const platform = await crashLooping();
    const engine = engineFor(platform);
    await startLooping(platform, engine);
    await deployReset(platform, engine, paths().bundleDir, paths().secretsFile);
    expect(await engine.containers()).toEqual([]);
    expect(await engine.resources()).toEqual({ networks: [], volumes: [] });
    const left = await suite().harness.podman(['ps', '-a', '--format', '{{.Names}}']);
    expect(left.stdout.trim()).toBe('');
  }, 240_000);
});
