// The rendered nftables.json, applied by the real nft (1.0.6) inside a fresh
// network namespace with `nft -j -f`, read back with `nft -j list ruleset`; the
// rendered batch and the live dump go through the same ingester and evaluator
// and must agree on every packet of a grid, with explicit verdicts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CidrSet } from '../../../src/analyze/cidr-set.js';
import { cidrSet, EMPTY, setEquals, WORLD } from '../../../src/analyze/cidr-set.js';
import { evaluateHook, type Packet } from '../../../src/analyze/firewall-eval.js';
import type { FirewallLayer } from '../../../src/analyze/state.js';
import { nftablesIngester } from '../../../src/ingest/nftables.js';
import type { Platform } from '../../../src/model/types.js';
import { renderNftables } from '../../../src/render/nftables.js';
import { createNetns, fileOf, type Netns, reference, requireTool, tempFiles, withHost } from './support.js';

const PATH = 'firewall/nftables.json';
const ADMIN = '203.0.113.10/32';

interface NftRule {
  readonly family: string;
  readonly table: string;
  readonly chain: string;
  readonly comment?: string;
  readonly expr: readonly Record<string, unknown>[];
}

/** moat's chains and rules out of `nft -j list ruleset`. */
function rulesOf(json: string): { chains: Record<string, unknown>[]; rules: NftRule[] } {
  const items = (JSON.parse(json) as { nftables: Record<string, unknown>[] }).nftables;
  const moat = (x: Record<string, unknown>) => x['family'] === 'inet' && x['table'] === 'moat';
  return {
    chains: items.flatMap((i) => (i['chain'] ? [i['chain'] as Record<string, unknown>] : [])).filter(moat),
    rules: items.flatMap((i) => (i['rule'] ? [i['rule'] as NftRule] : [])).filter((r) => moat(r as unknown as Record<string, unknown>)),
  };
}
const text = (rule: NftRule): string => JSON.stringify(rule.expr);

function layerOf(file: string, json: string): FirewallLayer {
  const r = nftablesIngester.ingest({ file, text: json }, {});
  expect(r.problems).toEqual([]);
  return { present: true, chains: r.fragment.firewall?.chains ?? [], dockerUserImplied: false };
}

/** The gateway published on several tailnet ports (one per app origin). */
function multiPort(): Platform {
  const p = reference();
  const services = p.services.map((s) =>
    s.name === p.gateway.service
      ? {
          ...s,
          publish: [
            ...s.publish,
            ...[8444, 8445].map((port) => ({ hostAddress: p.host.tailscale.address, hostPort: port, containerPort: port, protocol: 'tcp' as const })),
          ],
        }
      : s,
  );
  return { ...p, services };
}

const notTailnet: CidrSet = cidrSet(['100.64.0.0/10', '127.0.0.0/8', 'fd7a:115c:a1e0::/48', '::1/128']);
const packet = (iif: string | undefined, protocol: 'tcp' | 'udp', dport: number): Packet => ({
  iif,
  knownOtherInterfaces: ['tailscale0', 'br-*'],
  protocol,
  dport,
  daddr: { kind: 'any-except', except: notTailnet },
  ctState: ['new'],
});
const GRID: readonly { name: string; packet: Packet }[] = [
  { name: 'ssh on eth0', packet: packet('eth0', 'tcp', 22) },
  { name: 'ssh on the unknown public interface', packet: packet(undefined, 'tcp', 22) },
  { name: 'ssh from a platform bridge', packet: packet('br-*', 'tcp', 22) },
  { name: 'wireguard on eth0', packet: packet('eth0', 'udp', 41641) },
  { name: 'wireguard on tailscale0', packet: packet('tailscale0', 'udp', 41641) },
  ...[8443, 8444, 8445].flatMap((port) => [
    { name: `${port} on tailscale0`, packet: packet('tailscale0', 'tcp', port) },
    { name: `${port} on eth0`, packet: packet('eth0', 'tcp', port) },
    { name: `${port} from the unknown public interface`, packet: packet(undefined, 'tcp', port) },
  ]),
  { name: '8446 on tailscale0', packet: packet('tailscale0', 'tcp', 8446) },
  { name: 'http on eth0', packet: packet('eth0', 'tcp', 80) },
  { name: 'dns on eth0', packet: packet('eth0', 'udp', 53) },
];
const through = (layer: FirewallLayer, p: Packet): CidrSet => evaluateHook(layer, 'input', p, WORLD).accepted;

describe('nftables.json on a real nft (netns)', () => {
  let ns: Netns;
  const platform = multiPort();
  const batch = fileOf(renderNftables(platform, {}), PATH);
  const files = tempFiles({ 'nftables.json': batch });

  beforeAll(() => {
    requireTool('nft', 'nftables');
    ns = createNetns('fw-nft');
  });
  afterAll(() => {
    ns?.remove();
    files.cleanup();
  });

  it('passes nft -j -c -f', () => {
    ns.exec('nft', ['-j', '-c', '-f', files.path('nftables.json')]);
  });

  it('applies twice (atomic replacement, idempotent) and never flushes other tables', () => {
    ns.exec('nft', ['add', 'table', 'inet', 'moat-other']);
    ns.exec('nft', ['-j', '-f', files.path('nftables.json')]);
    const first = ns.exec('nft', ['list', 'ruleset']);
    ns.exec('nft', ['-j', '-f', files.path('nftables.json')]);
    const second = ns.exec('nft', ['list', 'ruleset']);
    expect(second.replace(/packets \d+ bytes \d+/g, '')).toBe(first.replace(/packets \d+ bytes \d+/g, ''));
    expect(second).toContain('table inet moat-other');
    expect(second.match(/table inet moat \{/g)).toHaveLength(1);
  });

  it('has an input chain with policy drop and the expected rules, and no forward chain', () => {
    const { chains, rules } = rulesOf(ns.exec('nft', ['-j', 'list', 'ruleset']));
    const input = chains.find((c) => c['name'] === 'input');
    expect(input).toMatchObject({ family: 'inet', table: 'moat', type: 'filter', hook: 'input', policy: 'drop' });
    expect(chains.some((c) => c['hook'] === 'forward')).toBe(false);
    const byComment = new Map(rules.map((r) => [r.comment, r]));
    const ssh = byComment.get('ssh from the admin CIDR');
    expect(ssh && text(ssh)).toContain('"right":22');
    expect(ssh && text(ssh)).toContain('@admin_v4');
    const wg = byComment.get('tailscale wireguard');
    expect(wg && text(wg)).toContain('"right":41641');
    expect(wg && text(wg)).toContain('"right":"eth0"');
    const gw = byComment.get('gateway, tailnet only');
    expect(gw && text(gw)).toContain('{"set":[8443,8444,8445]}');
    expect(gw && text(gw)).toContain('"right":"tailscale0"');
    expect(byComment.get('ipv6 neighbour discovery')).toBeDefined();
    expect(text(byComment.get('icmp, rate-limited')!)).toContain('limit');
    // Every rule says why; the last one drops and counts; nothing logs.
    expect(rules.every((r) => typeof r.comment === 'string' && r.comment.length > 0)).toBe(true);
    const last = rules[rules.length - 1]!;
    expect(text(last)).toContain('"drop"');
    expect(text(last)).toContain('counter');
    expect(rules.some((r) => text(r).includes('"log"'))).toBe(false);
  });

  it('reads the same from the rendered batch and the live ruleset, on every packet of the grid', () => {
    const rendered = layerOf(PATH, batch);
    const live = layerOf('nft -j list ruleset', ns.exec('nft', ['-j', 'list', 'ruleset']));
    for (const g of GRID) {
      const a = through(rendered, g.packet);
      const b = through(live, g.packet);
      expect(setEquals(a, b), `${g.name}: rendered ${JSON.stringify(a)} live ${JSON.stringify(b)}`).toBe(true);
    }
  });

  it('admits only the admin to ssh, wireguard from the internet, the gateway ports from tailscale0 only', () => {
    const layer = layerOf(PATH, batch);
    const verdict = (name: string) => through(layer, GRID.find((g) => g.name === name)!.packet);
    const same = (name: string, want: CidrSet) => expect(setEquals(verdict(name), want), `${name}: ${JSON.stringify(verdict(name))}`).toBe(true);
    same('ssh on eth0', cidrSet([ADMIN]));
    same('ssh on the unknown public interface', cidrSet([ADMIN]));
    same('ssh from a platform bridge', cidrSet([ADMIN]));
    same('wireguard on eth0', WORLD);
    same('wireguard on tailscale0', EMPTY);
    for (const port of [8443, 8444, 8445]) {
      same(`${port} on tailscale0`, WORLD);
      same(`${port} on eth0`, EMPTY);
      same(`${port} from the unknown public interface`, EMPTY);
    }
    same('8446 on tailscale0', EMPTY);
    same('http on eth0', EMPTY);
    same('dns on eth0', EMPTY);
  });

  it('maps each rule line to the model path it comes from', () => {
    const file = renderNftables(platform, {}).files[0] as { sourceMap?: readonly { line: number; path: string }[]; content: string };
    const lines = file.content.split('\n');
    const lineOf = (path: string) => file.sourceMap?.filter((s) => s.path === path).map((s) => lines[s.line - 1] ?? '') ?? [];
    expect(lineOf('host.adminCidr').some((l) => l.includes('"ssh from the admin CIDR"'))).toBe(true);
    expect(lineOf('services.nginx.publish[1]')[0]).toContain('"gateway, tailnet only"');
    expect(lineOf('host.tailscale.udpPort')[0]).toContain('41641');
    const ingested = nftablesIngester.ingest({ file: PATH, text: batch }, {}).fragment.firewall!.chains[0]!.rules;
    const ssh = ingested.find((r) => r.comment === 'ssh from the admin CIDR')!;
    expect(file.sourceMap).toContainEqual({ line: ssh.origin.line, path: 'host.adminCidr' });
  });

  it('puts an IPv6 admin CIDR in an IPv6 set, and nft takes it', () => {
    const v6 = fileOf(renderNftables(withHost({ adminCidr: '2001:db8::10/128' }), {}), PATH);
    expect(v6).toContain('"name":"admin_v6","type":"ipv6_addr"');
    const layer = layerOf(PATH, v6);
    expect(setEquals(through(layer, packet('eth0', 'tcp', 22)), cidrSet(['2001:db8::10/128']))).toBe(true);
    const t = tempFiles({ 'v6.json': v6 });
    try {
      ns.exec('nft', ['-j', '-c', '-f', t.path('v6.json')]);
    } finally {
      t.cleanup();
    }
  });

  it('says so in the ssh rule when the admin CIDR is the world', () => {
    const world = fileOf(renderNftables(withHost({ adminCidr: '0.0.0.0/0' }), {}), PATH);
    expect(world).toMatch(/WARNING, 0\.0\.0\.0\/0 is the whole internet/);
  });

  it.each(['eth0 -j ACCEPT', 'eth0\n-A INPUT -j ACCEPT', 'eth*', '"eth0"', 'x'.repeat(16), ''])('refuses the interface name %j', (name) => {
    expect(() => renderNftables(withHost({ publicInterface: name }), {})).toThrow(/host\.publicInterface: .* is not an interface name/);
  });
});
