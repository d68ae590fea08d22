// docker-user.sh and its iptables-restore files run for real (iptables-nft
// 1.8.9) in fresh network namespaces: twice, before and after a simulated
// Docker, for IPv4 and IPv6. The rendered rules files and the live
// iptables-save / ip6tables-save go through the same ingester and evaluator
// and must agree on a grid of forwarded packets, with explicit verdicts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CidrSet } from '../../../src/analyze/cidr-set.js';
import { cidrSet, EMPTY, onlyFamily, setEquals, WORLD } from '../../../src/analyze/cidr-set.js';
import { evaluateHook, type Packet } from '../../../src/analyze/firewall-eval.js';
import type { FirewallChain, FirewallLayer } from '../../../src/analyze/state.js';
import { iptablesIngester } from '../../../src/ingest/iptables.js';
import type { Platform } from '../../../src/model/types.js';
import { renderDockerUser } from '../../../src/render/docker-user.js';
import { createNetns, fileOf, type Netns, reference, requireTool, tempFiles, withHost } from './support.js';

const TS = '100.64.0.10';
const TS6 = 'fd7a:115c:a1e0::10';
const V4 = 'firewall/docker-user.v4.rules';
const V6 = 'firewall/docker-user.v6.rules';

/** The gateway published on both Tailscale addresses, on three ports (one per app origin). */
function gatewayOnV6(): Platform {
  const p = withHost({ tailscale: { address6: TS6 } });
  const services = p.services.map((s) =>
    s.name === 'nginx'
      ? {
          ...s,
          publish: [
            ...s.publish,
            { hostAddress: TS, hostPort: 8444, containerPort: 8444, protocol: 'tcp' as const },
            { hostAddress: TS, hostPort: 8445, containerPort: 8445, protocol: 'tcp' as const },
            { hostAddress: TS6, hostPort: 8443, containerPort: 8443, protocol: 'tcp' as const },
          ],
        }
      : s,
  );
  return { ...p, services };
}

/** The three files of a render in a temp dir, as the bundle has them. */
function bundle(platform: Platform) {
  const r = renderDockerUser(platform, {});
  return tempFiles({ 'docker-user.sh': fileOf(r, 'firewall/docker-user.sh'), 'docker-user.v4.rules': fileOf(r, V4), 'docker-user.v6.rules': fileOf(r, V6) });
}

function chainsOf(file: string, text: string): FirewallChain[] {
  const r = iptablesIngester.ingest({ file, text }, {});
  expect(r.problems).toEqual([]);
  return [...(r.fragment.firewall?.chains ?? [])];
}

const forwarded = (iif: string | undefined, origDst: Packet['daddr'], origPort: number, container: string): Packet => ({
  iif,
  knownOtherInterfaces: ['tailscale0', 'br-*'],
  protocol: 'tcp',
  dport: origPort,
  daddr: { kind: 'exact', address: container },
  ctOrigDaddr: origDst,
  ctOrigDport: origPort,
  ctState: ['new', 'dnat'],
});
const internet: Packet['daddr'] = { kind: 'any-except', except: cidrSet(['100.64.0.0/10', 'fd7a:115c:a1e0::/48']) };
const GRID: readonly { name: string; packet: Packet; want: CidrSet }[] = [
  ...[8443, 8444, 8445].map((port) => ({
    name: `tailnet to ${TS}:${port}`,
    packet: forwarded('tailscale0', { kind: 'exact', address: TS }, port, '172.20.0.2'),
    want: onlyFamily(WORLD, 4),
  })),
  { name: `tailnet to [${TS6}]:8443`, packet: forwarded('tailscale0', { kind: 'exact', address: TS6 }, 8443, 'fd00:20::2'), want: onlyFamily(WORLD, 6) },
  { name: 'internet to a published port (v4)', packet: forwarded('eth0', internet, 8443, '172.20.0.2'), want: EMPTY },
  { name: 'internet to a published port (v6)', packet: forwarded('eth0', internet, 8443, 'fd00:20::2'), want: EMPTY },
  { name: `internet to ${TS}:8443 on eth0`, packet: forwarded('eth0', { kind: 'exact', address: TS }, 8443, '172.20.0.2'), want: EMPTY },
  { name: 'internet straight to the platform subnet', packet: { ...forwarded('eth0', internet, 5432, '172.20.0.5'), ctState: ['new'] }, want: EMPTY },
  { name: 'a platform bridge (Docker decides)', packet: forwarded('br-*', internet, 8443, '172.20.0.2'), want: onlyFamily(WORLD, 4) },
];

describe('docker-user on real iptables-nft (netns)', () => {
  const namespaces: Netns[] = [];
  const ref = bundle(reference());
  const v6 = bundle(gatewayOnV6());
  const env = { IPTABLES: 'iptables-nft', IP6TABLES: 'ip6tables-nft' };

  beforeAll(() => {
    requireTool('iptables-nft', 'iptables');
    requireTool('ip6tables-nft', 'iptables');
  });
  afterAll(() => {
    for (const ns of namespaces) ns.remove();
    ref.cleanup();
    v6.cleanup();
  });

  function fresh(purpose: string): Netns {
    const ns = createNetns(`fw-${purpose}`);
    namespaces.push(ns);
    return ns;
  }

  it('renders a 0755 strict bash script that holds no rule text, and two rules files', () => {
    const r = renderDockerUser(reference(), {});
    expect(r.files.map((f) => f.path)).toEqual(['firewall/docker-user.sh', V4, V6]);
    const script = r.files[0]!;
    expect(script.mode).toBe(0o755);
    expect(script.content).toContain('set -euo pipefail');
    expect(script.content).not.toMatch(/^-A /m);
    expect(script.content).toContain('"$tool-restore" -w --noflush "$rules"');
  });

  it('creates, fills and hooks DOCKER-USER before Docker exists, identically on a second run', () => {
    const ns = fresh('du-pre');
    ns.exec('bash', [ref.path('docker-user.sh')], env);
    const first = ns.exec('iptables-nft', ['-S', 'DOCKER-USER']);
    ns.exec('bash', [ref.path('docker-user.sh')], env);
    const second = ns.exec('iptables-nft', ['-S', 'DOCKER-USER']);
    expect(second).toBe(first);
    expect(first.trim().split('\n')).toEqual([
      '-N DOCKER-USER',
      '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      `-A DOCKER-USER -i tailscale0 -p tcp -m conntrack --ctorigdst ${TS} --ctorigdstport 8443 -j ACCEPT`,
      `-A DOCKER-USER -i tailscale0 -p tcp -m conntrack --ctorigdst ${TS} --ctorigdstport 8444 -j ACCEPT`,
      `-A DOCKER-USER -i tailscale0 -p tcp -m conntrack --ctorigdst ${TS} --ctorigdstport 8445 -j ACCEPT`,
      '-A DOCKER-USER -d 172.20.0.0/16 -i eth0 -j DROP',
      '-A DOCKER-USER -i eth0 -m conntrack --ctstate DNAT -j DROP',
      '-A DOCKER-USER -j RETURN',
    ]);
    const forward = ns.exec('iptables-nft', ['-S', 'FORWARD']);
    expect(forward.match(/-j DOCKER-USER/g)).toHaveLength(1);
    const six = ns.exec('ip6tables-nft', ['-S', 'DOCKER-USER']);
    expect(six).toContain('-A DOCKER-USER -i eth0 -m conntrack --ctstate DNAT -j DROP');
    expect(six).not.toContain('--ctorigdstport');
  });

  it('replaces what Docker left in DOCKER-USER (--noflush, `:DOCKER-USER - [0:0]`) without duplicating the FORWARD jump', () => {
    const ns = fresh('du-post');
    // What dockerd sets up: the chain with a RETURN, jumped to from FORWARD, plus a stray rule.
    ns.exec('iptables-nft', ['-N', 'DOCKER-USER']);
    ns.exec('iptables-nft', ['-A', 'DOCKER-USER', '-s', '192.0.2.1', '-j', 'ACCEPT']);
    ns.exec('iptables-nft', ['-A', 'DOCKER-USER', '-j', 'RETURN']);
    ns.exec('iptables-nft', ['-I', 'FORWARD', '-j', 'DOCKER-USER']);
    ns.exec('iptables-nft', ['-N', 'DOCKER']);
    ns.exec('iptables-nft', ['-A', 'FORWARD', '-j', 'DOCKER']);
    ns.exec('bash', [ref.path('docker-user.sh')], env);
    ns.exec('bash', [ref.path('docker-user.sh')], env);
    const rules = ns.exec('iptables-nft', ['-S', 'DOCKER-USER']).trim().split('\n');
    expect(rules.filter((r) => r === '-A DOCKER-USER -j RETURN')).toHaveLength(1);
    expect(rules.some((r) => r.includes('192.0.2.1'))).toBe(false);
    expect(rules[rules.length - 1]).toBe('-A DOCKER-USER -j RETURN');
    const forward = ns.exec('iptables-nft', ['-S', 'FORWARD']);
    expect(forward.match(/-j DOCKER-USER/g)).toHaveLength(1);
    // Docker's own chains stay.
    expect(forward).toContain('-A FORWARD -j DOCKER');
  });

  it('gives no IPv6 allow rule to a gateway published on the IPv4 Tailscale address only', () => {
    const r = renderDockerUser(withHost({ tailscale: { address6: TS6 } }), {});
    expect(fileOf(r, V6)).not.toContain('--ctorigdstport');
    // One accept per gateway origin: 8443, and AnythingLLM's and Dify's own.
    expect(fileOf(r, V4).match(/--ctorigdstport/g)).toHaveLength(3);
    expect(fileOf(r, V4)).toContain(`--ctorigdst ${TS} --ctorigdstport 8443`);
  });

  it('allows every gateway port and the Tailscale IPv6 address for a publication bound to it', () => {
    const ns = fresh('du-v6');
    ns.exec('bash', [v6.path('docker-user.sh')], env);
    ns.exec('bash', [v6.path('docker-user.sh')], env);
    const four = ns.exec('iptables-nft', ['-S', 'DOCKER-USER']);
    for (const port of [8443, 8444, 8445])
      expect(four).toContain(`-A DOCKER-USER -i tailscale0 -p tcp -m conntrack --ctorigdst ${TS} --ctorigdstport ${port} -j ACCEPT`);
    const six = ns.exec('ip6tables-nft', ['-S', 'DOCKER-USER']);
    expect(six).toContain(`-A DOCKER-USER -i tailscale0 -p tcp -m conntrack --ctorigdst ${TS6} --ctorigdstport 8443 -j ACCEPT`);
    expect(six.match(/--ctorigdstport/g)).toHaveLength(1);
  });

  it('reads the same from the rendered files and the live iptables-save, with the expected verdicts', () => {
    const ns = fresh('du-eval');
    ns.exec('bash', [v6.path('docker-user.sh')], env);
    const r = renderDockerUser(gatewayOnV6(), {});
    const rendered: FirewallLayer = { present: true, chains: [...chainsOf(V4, fileOf(r, V4)), ...chainsOf(V6, fileOf(r, V6))], dockerUserImplied: true };
    const live: FirewallLayer = {
      present: true,
      chains: [...chainsOf('iptables-save', ns.exec('iptables-nft-save', [])), ...chainsOf('ip6tables-save', ns.exec('ip6tables-nft-save', []))],
      dockerUserImplied: false,
    };
    expect(live.chains.map((c) => c.name)).toContain('ip6 filter FORWARD');
    for (const g of GRID) {
      const a = evaluateHook(rendered, 'forward', g.packet, WORLD).accepted;
      const b = evaluateHook(live, 'forward', g.packet, WORLD).accepted;
      expect(setEquals(a, b), `${g.name}: rendered ${JSON.stringify(a)} live ${JSON.stringify(b)}`).toBe(true);
      expect(setEquals(a, g.want), `${g.name}: ${JSON.stringify(a)}`).toBe(true);
    }
  });

  it('applies a UDP port range and an IPv6 platform subnet', () => {
    const base = reference();
    const platform: Platform = {
      ...base,
      networks: [...base.networks, { name: 'moat-v6', subnet: 'fd00:20::/64', gateway: 'fd00:20::1', driver: 'bridge', internal: true }],
      services: base.services.map((s) =>
        s.name === 'signal-api'
          ? { ...s, publish: [{ hostAddress: TS, hostPort: 60000, hostPortEnd: 60010, containerPort: 60000, protocol: 'udp' as const }] }
          : s,
      ),
    };
    const t = bundle(platform);
    try {
      const ns = fresh('du-range');
      ns.exec('bash', [t.path('docker-user.sh')], env);
      expect(ns.exec('iptables-nft', ['-S', 'DOCKER-USER'])).toContain(
        `-A DOCKER-USER -i tailscale0 -p udp -m conntrack --ctorigdst ${TS} --ctorigdstport 60000:60010 -j ACCEPT`,
      );
      expect(ns.exec('ip6tables-nft', ['-S', 'DOCKER-USER'])).toContain('-A DOCKER-USER -d fd00:20::/64 -i eth0 -j DROP');
    } finally {
      t.cleanup();
    }
  });

  it('maps each rule line to the model path it comes from', () => {
    const file = renderDockerUser(gatewayOnV6(), {}).files.find((f) => f.path === V4) as {
      content: string;
      sourceMap?: readonly { line: number; path: string }[];
    };
    const lines = file.content.split('\n');
    const at = (path: string) => file.sourceMap?.filter((s) => s.path === path).map((s) => lines[s.line - 1]) ?? [];
    expect(at('services.nginx.publish[1]')).toEqual([`-A DOCKER-USER -i tailscale0 -p tcp -m conntrack --ctorigdst ${TS} --ctorigdstport 8444 -j ACCEPT`]);
    expect(at('networks[0].subnet')).toEqual(['-A DOCKER-USER -i eth0 -d 172.20.0.0/16 -j DROP']);
  });

  it.each(['eth0 -j ACCEPT', 'eth0\n-A DOCKER-USER -j ACCEPT', 'eth0\r-A INPUT -j ACCEPT', 'br+', "eth0'", 'x'.repeat(16)])(
    'never turns the hostile interface name %j into a rule: it refuses to render',
    (name) => {
      expect(() => renderDockerUser(withHost({ publicInterface: name }), {})).toThrow(/host\.publicInterface: .* is not an interface name/);
      expect(() => renderDockerUser(withHost({ tailscale: { interface: name } }), {})).toThrow(/host\.tailscale\.interface: .* is not an interface name/);
    },
  );

  it('refuses a Tailscale address that is not one, and keeps a hostile project name inside its comment', () => {
    expect(() => renderDockerUser(withHost({ tailscale: { address: '100.64.0.10 -j ACCEPT' } }), {})).toThrow(
      /host\.tailscale\.address: .* is not an IPv4 address/,
    );
    const p = { ...reference(), project: 'x\n-A DOCKER-USER -j ACCEPT\n' };
    const r = renderDockerUser(p, {});
    for (const path of [V4, V6]) {
      const accepts = fileOf(r, path)
        .split('\n')
        .filter((l) => l.startsWith('-A') && l.endsWith('-j ACCEPT'));
      expect(accepts.every((l) => l.includes('--ctstate RELATED,ESTABLISHED') || l.includes('--ctorigdstport'))).toBe(true);
    }
    expect(
      fileOf(r, 'firewall/docker-user.sh')
        .split('\n')
        .filter((l) => l.startsWith('-A')),
    ).toEqual([]);
  });

  it('passes shellcheck', () => {
    requireTool('shellcheck', 'shellcheck');
    const ns = fresh('du-sc');
    ns.exec('shellcheck', ['--shell=bash', ref.path('docker-user.sh'), v6.path('docker-user.sh')]);
  });
});
