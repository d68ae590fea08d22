// From each vantage point, a full 65535-port `moat probe` must observe exactly
// the exposure that the analyzer (`moat check`) computed for that zone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeReport } from '../../src/probe/index.js';
import { DECOY_PORT, type Lab, startLab, TARGET, VANTAGE_ROLE } from '../support/lab.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
}, 120_000);
afterAll(async () => {
  await lab?.close();
}, 60_000);

// A dropped SYN in the lab is lost for good: 400 ms is far above the lab's
// round trip, and 4000 connects in flight keep a sweep to a few seconds.
const SWEEP = ['--ports', 'all', '--timeout', '400', '--concurrency', '4000', '--format', 'json'];

async function probe(vantage: 'internet' | 'admin' | 'tailnet', extra: string[] = []): Promise<{ code: number; report: ProbeReport; stderr: string }> {
  const { code, stdout, stderr } = await lab.moat(lab.ns[VANTAGE_ROLE[vantage]], ['probe', TARGET[vantage], '--as', vantage, ...SWEEP, ...extra]);
  let report: ProbeReport;
  try {
    report = JSON.parse(stdout) as ProbeReport;
  } catch {
    throw new Error(`moat probe printed no JSON (exit ${code}):\n${stdout}\n${stderr}`);
  }
  return { code, report, stderr };
}

const tcpOpen = (lab: Lab, vantage: 'internet' | 'admin' | 'tailnet'): number[] =>
  lab
    .expected(vantage)
    .filter((e) => e.protocol === 'tcp')
    .map((e) => e.port);

describe('lab: exposure from each vantage point matches the static proof', () => {
  it('internet vantage, all 65535 TCP ports: none open; 41641/udp open|filtered', async () => {
    const { code, report } = await probe('internet');
    expect(report.sweptPorts).toBe(65535);
    expect(tcpOpen(lab, 'internet')).toEqual([]);
    expect(report.tcp.open).toEqual([]);
    // Default drop: every port times out, none is reset.
    expect(report.tcp.filtered).toBe(65535);
    expect(report.udp).toEqual([expect.objectContaining({ port: 41641, state: 'open|filtered' })]);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  }, 180_000);

  it('admin vantage, all 65535 TCP ports: 22/tcp only', async () => {
    const { code, report } = await probe('admin');
    expect(report.sweptPorts).toBe(65535);
    expect(tcpOpen(lab, 'admin')).toEqual([22]);
    expect(report.tcp.open).toEqual([22]);
    expect(report.tcp.filtered).toBe(65534);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  }, 180_000);

  it("tailnet vantage, all 65535 TCP ports: the gateway's 8443, 8444, 8445/tcp only, the gateway speaks TLS 1.2 and 1.3, every route answers (app stubs)", async () => {
    const { code, report } = await probe('tailnet', ['--stream-path', '/v1/stream']);
    expect(report.sweptPorts).toBe(65535);
    // The main origin and the own origins of AnythingLLM and Dify (no base-path support upstream).
    expect(tcpOpen(lab, 'tailnet')).toEqual([8443, 8444, 8445]);
    expect(report.tcp.open).toEqual([8443, 8444, 8445]);
    expect(report.tcp.filtered).toBe(65532);
    expect(report.tls?.accepted).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(report.tls?.certificate?.names).toContain(lab.servername);
    expect(report.routes.map((r) => [r.path, r.status])).toEqual(lab.platform.gateway.routes.map((r) => [r.path, 200]));
    for (const route of report.routes.filter((r) => r.websocket)) expect(route.websocket?.upgraded, route.path).toBe(true);
    for (const route of report.routes.filter((r) => r.stream)) expect(route.stream?.events, route.path).toBe(5);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  }, 180_000);

  it('a host socket the firewall no longer hides is reported with its port, and the exit is 1', async () => {
    // Open the decoy (a listener on all addresses) in the host firewall, as a careless rule would.
    const { inNs } = await import('../support/lab-net.js');
    inNs(lab.ns.host, 'nft', ['insert', 'rule', 'inet', 'moat', 'input', 'tcp', 'dport', String(DECOY_PORT), 'accept']);
    try {
      const { code, report } = await probe('internet', ['--ports', `1-1024,${DECOY_PORT}`]);
      expect(report.tcp.open).toEqual([DECOY_PORT]);
      expect(report.findings.map((f) => [f.code, f.path])).toEqual([['probe.unexpected-open', `tcp/${DECOY_PORT}`]]);
      expect(code).toBe(1);
    } finally {
      lab.applyFirewall();
    }
    const again = await probe('internet', ['--ports', String(DECOY_PORT)]);
    expect(again.report.tcp.open).toEqual([]);
  }, 180_000);

  it('the internet cannot reach the platform network directly; without DOCKER-USER the published gateway could be', async () => {
    const { inNs } = await import('../support/lab-net.js');
    const gateway = lab.platform.services.find((x) => x.name === lab.platform.gateway.service);
    const ollama = lab.platform.services.find((x) => x.name === 'ollama');
    // Every port the gateway publishes (8443, 8444, 8445), and a backend that publishes none.
    const published = (gateway?.publish ?? []).map((p) => p.containerPort);
    expect(published).toEqual([8443, 8444, 8445]);
    const direct = [
      ...published.map((port) => ({ op: 'tcp', host: gateway?.address ?? '', port, timeoutMs: 1000 })),
      { op: 'tcp', host: ollama?.address ?? '', port: ollama?.ports[0]?.port ?? 0, timeoutMs: 1000 },
    ];
    const allFiltered = direct.map(() => 'filtered');
    // A neighbour on the internet side routes 172.20.0.0/16 to the host (lab-net.ts).
    expect(await lab.client<string[]>(lab.ns.client, direct)).toEqual(allFiltered);
    // Docker's own FORWARD accept for a published port does not look at the
    // interface (moby#22054): only the DOCKER-USER rules keep the internet out.
    inNs(lab.ns.host, 'iptables', ['-w', '-F', 'DOCKER-USER']);
    inNs(lab.ns.host, 'iptables', ['-w', '-A', 'DOCKER-USER', '-j', 'RETURN']);
    try {
      expect(await lab.client<string[]>(lab.ns.client, direct)).toEqual([...published.map(() => 'open'), 'filtered']);
    } finally {
      lab.applyFirewall();
    }
    expect(await lab.client<string[]>(lab.ns.client, direct)).toEqual(allFiltered);
  }, 60_000);
});
