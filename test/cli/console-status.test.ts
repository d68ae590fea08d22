// What moat writes for the console (console/state/ of the bundle): the
// snapshot and the picture, atomically and readable by the console's uid, the
// last backup, probe and audit carried from one write to the next, each
// service's state as `moat status` saw it, the gateway certificate's expiry
// read from the host folder the gateway mounts, and nothing at all for a
// platform without a console or a bundle that has none.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { outcome, recordConsoleState, recordRun } from '../../src/cli/console-status.js';
import { ConsoleSnapshot, readSnapshot } from '../../src/console/snapshot.js';
import { consoleStateDir } from '../../src/deploy/console-state.js';
import type { StatusReport } from '../../src/deploy/operate.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import type { Platform } from '../../src/model/types.js';

const work = mkdtempSync(join(tmpdir(), 'moat-console-state-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The built-in platform, its gateway's TLS folder moved to a temp "host" folder holding a test certificate. */
function platformWithCertificate(): Platform {
  const tls = join(work, 'host-tls');
  mkdirSync(tls, { recursive: true });
  copyFileSync(new URL('../console/gateway-test.crt', import.meta.url), join(tls, 'gateway.crt'));
  const p = normalizePlatform(referencePlatform());
  return {
    ...p,
    services: p.services.map((s) =>
      s.name === p.gateway.service ? { ...s, volumes: s.volumes.map((v) => (v.bundleFile?.startsWith('/') ? { ...v, bundleFile: tls } : v)) } : s,
    ),
  };
}

const status = (platform: Platform, states: Record<string, [string, string]>): StatusReport => ({
  project: platform.project,
  engine: 'stub',
  networks: [],
  volumes: [],
  services: platform.services.map((s) => {
    const [state, health] = states[s.name] ?? ['not created', 'none'];
    return { service: s.name, state, health, address: s.address, actualAddresses: {}, published: [], url: '' };
  }),
});

async function snapshotIn(bundle: string): Promise<ConsoleSnapshot> {
  const read = await readSnapshot(join(consoleStateDir(bundle), 'status.json'));
  if (!read.ok) throw new Error(read.problem);
  return read.snapshot;
}

describe("the console's status, as moat writes it", () => {
  const platform = platformWithCertificate();
  const bundle = join(work, 'deploy');

  it('writes a snapshot the console accepts, with each app, the matrix, the certificate and the states status saw', async () => {
    const errors: string[] = [];
    const err = { write: (s: string) => errors.push(s) } as unknown as NodeJS.WritableStream;
    await recordConsoleState(
      platform,
      bundle,
      { status: status(platform, { n8n: ['healthy', 'healthy'], ollama: ['exited (1)', 'none'], litellm: ['running', 'none'] }) },
      err,
    );
    expect(errors).toEqual([]);
    const snapshot = await snapshotIn(bundle);
    expect(ConsoleSnapshot.safeParse(snapshot).success).toBe(true);
    expect(snapshot.apps.map((a) => a.name).sort()).toEqual(platform.services.map((s) => s.name).sort());
    const health = Object.fromEntries(snapshot.apps.map((a) => [a.name, a.health]));
    expect([health['n8n'], health['ollama'], health['litellm'], health['anythingllm']]).toEqual(['healthy', 'stopped', 'unknown', 'stopped']);
    expect(snapshot.apps.find((a) => a.name === 'console')?.url).toBe('https://ai-platform.example.ts.net:8443/');
    expect(snapshot.matrix.some((r) => r.zone === 'tailnet' && r.service === 'console' && r.verdict === 'open')).toBe(true);
    expect(snapshot.certificate?.name).toBe('ai-platform.example.ts.net');
    expect(snapshot.certificate?.notAfter.startsWith('2036-')).toBe(true);
    const dir = consoleStateDir(bundle);
    expect(readdirSync(dir).sort()).toEqual(['status.json', 'topology.svg']);
    for (const f of ['status.json', 'topology.svg']) expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o644);
    expect(readFileSync(join(dir, 'topology.svg'), 'utf8')).toContain('data-service="console"');
  }, 60_000);

  it('keeps the last backup when a probe is recorded, and the states when no status is given', async () => {
    await recordConsoleState(platform, bundle, { run: { kind: 'backup', outcome: outcome('ok', '14 parts, 1234 bytes', new Date('2026-12-03T03:30:00Z')) } });
    await recordRun(platform, bundle, 'probe', 'findings', '1 difference(s) from the proof, from the tailnet vantage point');
    const snapshot = await snapshotIn(bundle);
    expect(snapshot.lastBackup).toEqual({ at: '2026-12-03T03:30:00.000Z', result: 'ok', summary: '14 parts, 1234 bytes' });
    expect(snapshot.lastProbe?.result).toBe('findings');
    expect(snapshot.lastAudit).toBeUndefined();
    expect(snapshot.apps.find((a) => a.name === 'n8n')?.health).toBe('healthy');
  }, 60_000);

  it('keeps the picture while the matrix is the same, and draws it again when the matrix changes', async () => {
    const picture = join(consoleStateDir(bundle), 'topology.svg');
    writeFileSync(picture, '<svg xmlns="http://www.w3.org/2000/svg"><!-- kept --></svg>');
    await recordConsoleState(platform, bundle, {});
    expect(readFileSync(picture, 'utf8')).toContain('<!-- kept -->');
    const moved = { ...platform, services: platform.services.map((s) => (s.name === 'n8n' ? { ...s, ports: [{ ...s.ports[0]!, port: 5679 }] } : s)) };
    await recordConsoleState(moved, bundle, {});
    expect(readFileSync(picture, 'utf8')).not.toContain('<!-- kept -->');
    expect(readFileSync(picture, 'utf8')).toContain('data-service="n8n"');
    await recordConsoleState(platform, bundle, {});
  }, 60_000);

  it('records a probe or an audit only in a bundle that has a console', async () => {
    const elsewhere = join(work, 'not-a-bundle');
    await recordRun(platform, elsewhere, 'audit', 'ok', 'no finding at or above high');
    expect(existsSync(elsewhere)).toBe(false);
  });

  it('writes nothing for a platform without a console', async () => {
    const without = { ...platform, services: platform.services.filter((s) => s.name !== 'console') };
    const other = join(work, 'no-console');
    await recordConsoleState(without, other, { status: status(without, {}) });
    expect(existsSync(other)).toBe(false);
  });

  it('says on stderr, and does not throw, when the state cannot be written', async () => {
    const errors: string[] = [];
    const err = { write: (s: string) => errors.push(s) } as unknown as NodeJS.WritableStream;
    // A file where the bundle directory should be: mkdir fails.
    const blocked = join(work, 'blocked');
    copyFileSync(new URL('../console/gateway-test.crt', import.meta.url), blocked);
    await recordConsoleState(platform, blocked, {}, err);
    expect(errors.join('')).toMatch(/the console's status was not updated \(.+\); the next `moat status` tries again/);
  }, 60_000);
});
