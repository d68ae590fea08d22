// `moat probe` end to end on loopback (the lab runs it from every vantage):
// the exit code says whether the observation matches the static proof.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { ProbeReport } from '../../src/probe/index.js';

// The test's own loopback address; nothing else on this machine listens on it
// specifically (a listener on 0.0.0.0 would, so the swept ports are the test's).
const HOST = '127.77.2.1';
let server: net.Server;
let port = 0;
beforeAll(async () => {
  server = net.createServer((s) => s.destroy());
  port = await new Promise<number>((r) => server.listen(0, HOST, () => r((server.address() as net.AddressInfo).port)));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function probe(args: string[], target = HOST): Promise<{ code: number; out: string }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const code = await main(['node', 'moat', 'probe', target, ...args]);
  vi.restoreAllMocks();
  return { code, out };
}

describe('moat probe', () => {
  it('exits 1 and names the port when a port the proof says is closed is open (json)', async () => {
    const { code, out } = await probe(['--as', 'internet', '--ports', `${port}`, '--format', 'json']);
    const report = JSON.parse(out) as ProbeReport;
    expect(report.tcp.open).toEqual([port]);
    expect(report.findings.map((f) => [f.code, f.path])).toEqual([['probe.unexpected-open', `tcp/${port}`]]);
    expect(code).toBe(1);
  });
  it('exits 1 when an expected port does not answer, and says so in text', async () => {
    // From the admin vantage 22/tcp is expected; nothing listens on HOST:22.
    const { code, out } = await probe(['--as', 'admin', '--ports', '22']);
    expect(out).toContain('[probe.expected-closed]');
    expect(out).toContain('tcp/22');
    expect(code).toBe(1);
  });
  it('shows its outcome on the console of the bundle named by --out, and writes nothing into a directory without one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moat-probe-out-'));
    try {
      const bundle = join(dir, 'deploy');
      mkdirSync(join(bundle, 'console', 'state'), { recursive: true });
      expect((await probe(['--as', 'internet', '--ports', `${port}`, '--out', bundle])).code).toBe(1);
      const status = JSON.parse(readFileSync(join(bundle, 'console/state/status.json'), 'utf8')) as { lastProbe?: unknown };
      expect(status.lastProbe).toMatchObject({ result: 'findings', summary: '1 difference(s) from the proof, from the internet vantage point' });
      const plain = join(dir, 'plain');
      mkdirSync(plain);
      expect((await probe(['--as', 'internet', '--ports', `${port}`, '--out', plain])).code).toBe(1);
      expect(existsSync(join(plain, 'console'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('exits 0 when the observation matches', async () => {
    const { code, out } = await probe(['--as', 'internet', '--ports', `${port + 1 === 65536 ? port - 1 : port + 1}`]);
    expect(out).toContain('Observed exactly what the static proof expects');
    expect(code).toBe(0);
  });
  it('resolves a host name once and probes its address', async () => {
    // "localhost" is 127.0.0.1 (or ::1), where the test's listener (on HOST only) is not.
    const { code, out } = await probe(['--as', 'internet', '--ports', `${port}`, '--format', 'json'], 'localhost');
    const report = JSON.parse(out) as ProbeReport;
    expect(report.target).toBe('localhost');
    expect(report.tcp.host).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect(report.tcp.open).toEqual([]);
    expect(code).toBe(0);
  });
  it('exits 2 on a bad port list', async () => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await main(['node', 'moat', 'probe', HOST, '--as', 'internet', '--ports', '0-5']);
    expect(spy.mock.calls.map((c) => String(c[0])).join('')).toContain('probe.bad-ports');
    expect(code).toBe(2);
  });
});
