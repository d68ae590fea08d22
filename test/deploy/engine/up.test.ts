// `moat up` and friends on a real engine: podman's Docker API with Debian's
// docker-compose, images built locally from busybox-static. Containers talk to
// each other on their bridge; from the root namespace the test reaches only
// the gateway's publication on 127.0.0.1 (network rule).
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLogs, runReset, runSecrets, runStatus } from '../../../src/cli/commands/operate.js';
import { runUp } from '../../../src/cli/commands/up.js';
import { composeEngine } from '../../../src/deploy/compose-engine.js';
import type { Engine } from '../../../src/deploy/engine.js';
import { deployDown } from '../../../src/deploy/operate.js';
import { readSecrets } from '../../../src/deploy/secrets-store.js';
import type { Platform } from '../../../src/model/types.js';
import { freePort } from '../../support/free-port.js';
import { type PodmanHarness, startPodman } from '../../support/podman.js';
import { E2E_PROJECT, reducedPlatform } from './reduced-platform.js';

class Sink {
  text = '';
  isTTY = false;
  write(chunk: string | Uint8Array): boolean {
    this.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }
}

let harness: PodmanHarness | undefined;
let work = '';
let platform: Platform;
let gatewayPort = 0;
let savedDockerHost: string | undefined;
const paths = () => ({ bundleDir: join(work, 'deploy'), secretsFile: join(work, '.moat', 'secrets.env') });
const engineFor = (p: Platform): Engine =>
  composeEngine('compose-v1', { project: p.project, bundleDir: paths().bundleDir, composeFile: join(paths().bundleDir, 'compose.yaml') });

async function up(p: Platform) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await runUp(p, {
    ...paths(),
    services: [],
    stdout: stdout as unknown as NodeJS.WritableStream,
    stderr: stderr as unknown as NodeJS.WritableStream,
    pollMs: 500,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const container = (service: string) => `${E2E_PROJECT}_${service}_1`;

beforeAll(async () => {
  savedDockerHost = process.env.DOCKER_HOST;
  work = await mkdtemp(join(tmpdir(), 'moat-e2e-'));
  harness = await startPodman();
  await harness.buildStubImage();
  process.env.DOCKER_HOST = harness.dockerHost;
  gatewayPort = await freePort();
  platform = reducedPlatform({ gatewayPort });
}, 240_000);

afterAll(async () => {
  try {
    await harness?.stop();
  } finally {
    if (savedDockerHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = savedDockerHost;
    if (work) await rm(work, { recursive: true, force: true });
  }
}, 240_000);

describe('moat up on podman + docker-compose (engine)', () => {
  it('reaches all-healthy and prints each service with its state and URL', async () => {
    const result = await up(platform);
    expect(result.stderr).not.toContain('did not become ready');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    for (const service of ['nginx', 'ollama', 'litellm', 'n8n']) {
      expect(
        lines.find((l) => l.startsWith(`${service} `)),
        result.stdout,
      ).toMatch(/\bhealthy\b/);
    }
    expect(lines.find((l) => l.startsWith('n8n '))).toContain('https://ai-platform.example.ts.net:8443/n8n/');
    expect(lines.find((l) => l.startsWith('litellm '))).toMatch(/internal$/);
    expect(lines.find((l) => l.startsWith('ollama '))).toMatch(/internal$/);
    // Progress went to stderr as plain lines (not a TTY).
    expect(result.stderr).toMatch(/^litellm: healthy$/m);
  }, 240_000);

  it('gives every container its static address and publishes only the gateway, on 127.0.0.1', async () => {
    const containers = await engineFor(platform).containers();
    expect(containers.map((c) => c.service).sort()).toEqual(['litellm', 'n8n', 'nginx', 'ollama']);
    for (const c of containers) {
      const model = platform.services.find((s) => s.name === c.service);
      expect(c.addresses['moat-e2e-net'], c.service).toBe(model?.address);
      if (c.service === 'nginx') expect(c.published.map((p) => `${p.hostIp}:${p.hostPort}->${p.containerPort}`)).toEqual([`127.0.0.1:${gatewayPort}->8443`]);
      else expect(c.published, c.service).toEqual([]);
    }
    // podman's own view agrees.
    const inspected = JSON.parse((await harness!.podman(['inspect', container('n8n')])).stdout) as {
      NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
    }[];
    expect(inspected[0]?.NetworkSettings.Networks['moat-e2e-net']?.IPAddress).toBe('172.20.0.40');
    // The gateway answers on its loopback publication.
    const response = await fetch(`http://127.0.0.1:${gatewayPort}/`, { signal: AbortSignal.timeout(5000) });
    expect((await response.text()).trim()).toBe('nginx');
    // Backends are reached from inside the platform network, at their static addresses.
    const fromGateway = await harness!.podman(['exec', container('nginx'), 'wget', '-qO-', 'http://172.20.0.40:5678/']);
    expect(fromGateway.stdout.trim()).toBe('n8n');
  }, 120_000);

  it('hands each service only its own secrets, under the variable it reads, from a 0600 store', async () => {
    const { secretsFile, bundleDir } = paths();
    expect((await stat(secretsFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(bundleDir, 'secrets', 'n8n.env'))).mode & 0o777).toBe(0o600);
    const values = await readSecrets(secretsFile);
    const n8nEnv = await harness!.podman(['exec', container('n8n'), 'sh', '-c', 'echo "$N8N_ENCRYPTION_KEY|$LITELLM_MASTER_KEY"']);
    expect(n8nEnv.stdout.trim()).toBe(`${values?.get('N8N_ENCRYPTION_KEY')}|`);
    const litellmEnv = await harness!.podman(['exec', container('litellm'), 'sh', '-c', 'echo "$LITELLM_MASTER_KEY"']);
    expect(litellmEnv.stdout.trim()).toMatch(/^sk-[0-9a-f]{48}$/);
    // `moat secrets` lists names, never values.
    const listing = new Sink();
    await runSecrets(platform, paths(), false, listing as unknown as NodeJS.WritableStream);
    expect(listing.text).toContain('N8N_ENCRYPTION_KEY');
    for (const value of values?.values() ?? []) expect(listing.text).not.toContain(value);
  }, 60_000);

  it('a second up on the running platform changes nothing: exit 0, same containers, secrets byte-identical', async () => {
    const before = await readFile(paths().secretsFile);
    const ids = (await engineFor(platform).containers()).map((c) => c.id).sort();
    const again = await up(platform);
    expect(again.code, again.stderr).toBe(0);
    expect(Buffer.compare(await readFile(paths().secretsFile), before)).toBe(0);
    expect((await engineFor(platform).containers()).map((c) => c.id).sort()).toEqual(ids);
  }, 120_000);

  it('reports status as JSON with health and addresses, and shows logs', async () => {
    const out = new Sink();
    expect(await runStatus(platform, paths(), 'json', out as unknown as NodeJS.WritableStream)).toBe(0);
    const report = JSON.parse(out.text) as { services: { service: string; state: string; actualAddresses: Record<string, string> }[]; volumes: string[] };
    expect(report.services.find((s) => s.service === 'ollama')).toMatchObject({ state: 'healthy', actualAddresses: { 'moat-e2e-net': '172.20.0.10' } });
    expect(report.volumes).toEqual(['moat-e2e_n8n-data', 'moat-e2e_ollama-models']);
    const logs = new Sink();
    expect(await runLogs(platform, paths(), 'n8n', 50, logs as unknown as NodeJS.WritableStream)).toBe(0);
    expect(logs.text).toContain('stub n8n: serving on port 5678');
  }, 60_000);

  it('down keeps every volume, and a second up keeps the secrets file byte-identical', async () => {
    const { secretsFile } = paths();
    const before = await readFile(secretsFile);
    const engine = engineFor(platform);
    await harness!.podman(['exec', container('n8n'), 'sh', '-c', 'echo keep-me > /home/node/.n8n/marker']);
    await deployDown(engine);
    expect(await engine.containers()).toEqual([]);
    expect((await engine.resources()).volumes).toEqual(['moat-e2e_n8n-data', 'moat-e2e_ollama-models']);
    // A store that lost n8n's key while n8n's volume lives on: up refuses rather than generate a new key.
    await writeFile(secretsFile, before.toString('utf8').replace(/^N8N_ENCRYPTION_KEY=.*\n/m, ''));
    await expect(up(platform)).rejects.toMatchObject({ findings: [{ code: 'secrets.never-rotate-lost', path: 'secrets.N8N_ENCRYPTION_KEY' }] });
    expect(await engine.containers()).toEqual([]);
    await writeFile(secretsFile, before);
    const again = await up(platform);
    expect(again.code, again.stderr).toBe(0);
    expect(Buffer.compare(await readFile(secretsFile), before)).toBe(0);
    expect((await stat(secretsFile)).mode & 0o777).toBe(0o600);
    const marker = await harness!.podman(['exec', container('n8n'), 'cat', '/home/node/.n8n/marker']);
    expect(marker.stdout.trim()).toBe('keep-me');
  }, 240_000);

  it('reset asks for the project name, then removes only what moat created', async () => {
    await harness!.podman(['volume', 'create', 'moat-e2e-unrelated']);
    const refused = runReset(platform, paths(), false, { input: Readable.from(['wrong-name\n']), out: new Sink() as unknown as NodeJS.WritableStream });
    await expect(refused).rejects.toMatchObject({ findings: [{ code: 'reset.not-confirmed' }] });
    expect((await engineFor(platform).containers()).length).toBe(4);

    const out = new Sink();
    expect(await runReset(platform, paths(), false, { input: Readable.from([`${E2E_PROJECT}\n`]), out: out as unknown as NodeJS.WritableStream })).toBe(0);
    const engine = engineFor(platform);
    expect(await engine.containers()).toEqual([]);
    expect(await engine.resources()).toEqual({ networks: [], volumes: [] });
    await expect(stat(paths().secretsFile)).rejects.toMatchObject({ code: 'ENOENT' });
    const volumes = await harness!.podman(['volume', 'ls', '--format', '{{.Name}}']);
    expect(volumes.stdout.split('\n')).toContain('moat-e2e-unrelated');
  }, 120_000);

  it('a failing health check: last log lines, what was expected, exit non-zero, healthy services left running', async () => {
    const failing = reducedPlatform({ gatewayPort, failing: 'n8n' });
    const result = await up(failing);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('moat: n8n did not become ready: its health check failed');
    expect(result.stderr).toContain('expected: GET /healthz/readiness answers 200');
    expect(result.stderr).toContain('stub n8n: serving on port 5678');
    expect(result.stdout).toMatch(/^litellm +not started \(a dependency failed\)/m);
    const states = new Map((await engineFor(failing).containers()).map((c) => [c.service, `${c.state}/${c.health}`]));
    expect(states.get('nginx')).toBe('running/healthy');
    expect(states.get('ollama')).toBe('running/healthy');
    expect(states.has('litellm')).toBe(false);
    // --yes (scripts) skips the typed confirmation.
    expect(await runReset(failing, paths(), true, { out: new Sink() as unknown as NodeJS.WritableStream })).toBe(0);
    expect(await engineFor(failing).resources()).toEqual({ networks: [], volumes: [] });
  }, 240_000);

  it('a crash-looping service (restart: unless-stopped) fails at once with its last log lines, not after its 300 s budget', async () => {
    const crashing = reducedPlatform({ gatewayPort, crashing: 'n8n' });
    try {
      const result = await up(crashing);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/moat: n8n did not become ready: the container (keeps crashing|crashed and was restarted|exited)/);
      expect(result.stderr).toContain('stub n8n: fatal: cannot start');
    } finally {
      // reset (down --volumes) must succeed on a container that is mid-restart, and leave nothing.
      expect(await runReset(crashing, paths(), true, { out: new Sink() as unknown as NodeJS.WritableStream })).toBe(0);
    }
    expect(await engineFor(crashing).containers()).toEqual([]);
    expect(await engineFor(crashing).resources()).toEqual({ networks: [], volumes: [] });
  }, 120_000);
});
