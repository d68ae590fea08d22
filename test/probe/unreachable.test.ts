// A probe that reaches nothing must fail (exit 3, "no route to ..."), never
// pass as "everything filtered". The CLI runs in a network namespace of its
// own (unshare -n): no interface leads anywhere, so no packet leaves it.
import { describe, expect, it } from 'vitest';
import type { ProbeReport } from '../../src/probe/index.js';
import { isolated } from './isolated.js';

describe('moat probe without a route to the target', () => {
  it('exits 3 with "no route to TARGET (ENETUNREACH ...)" when the network is down (lo down, internet vantage)', async () => {
    const { code, stdout, stderr } = await isolated([], ['probe', '127.77.9.1', '--as', 'internet', '--ports', '1-3000']);
    expect(stderr).toContain('no route to 127.77.9.1 (3000 ENETUNREACH');
    expect(stderr).toContain('hint: ');
    expect(stderr).not.toContain('bug in moat');
    expect(stdout).not.toContain('Observed exactly what the static proof expects');
    expect(code).toBe(3);
  }, 60_000);

  it('exits 3 on EHOSTUNREACH too (an unreachable route), from the admin vantage with its expected port swept', async () => {
    const { code, stderr } = await isolated(['route:unreachable:127.77.9.0/24'], ['probe', '127.77.9.1', '--as', 'admin', '--ports', '1-100']);
    expect(stderr).toContain('no route to 127.77.9.1 (100 EHOSTUNREACH');
    expect(code).toBe(3);
  }, 60_000);

  it('reports ports that got an ICMP unreachable apart from filtered ones, as a finding (exit 1), when others answered', async () => {
    // Loopback up: every port of 127.77.9.1 resets (closed), except 1-10, which
    // an nft rule in the namespace answers with ICMP admin-prohibited.
    const { code, stdout } = await isolated(['lo', 'reject:tcp:1-10'], ['probe', '127.77.9.1', '--as', 'internet', '--ports', '1-50', '--format', 'json']);
    const report = JSON.parse(stdout) as ProbeReport;
    expect(report.tcp).toMatchObject({ closed: 40, filtered: 0, unreachable: 10, errors: { EHOSTUNREACH: 10 } });
    expect(report.findings.map((f) => [f.code, f.path])).toEqual([['probe.unreachable', 'tcp']]);
    expect(code).toBe(1);
  }, 60_000);

  it('a UDP probe that gets a network error is unreachable, not open|filtered (53/udp, ICMP admin-prohibited)', async () => {
    const { code, stdout } = await isolated(
      ['lo', 'reject:udp:53'],
      ['probe', '127.77.9.1', '--as', 'internet', '--ports', '1', '--udp', '53', '--format', 'json'],
    );
    const report = JSON.parse(stdout) as ProbeReport;
    expect(report.udp).toEqual(expect.arrayContaining([expect.objectContaining({ port: 53, state: 'unreachable' })]));
    expect(report.findings.map((f) => [f.code, f.path])).toEqual([['probe.unreachable', 'udp/53']]);
    expect(code).toBe(1);
  }, 60_000);
});
