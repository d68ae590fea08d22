// docker-user.sh run for real (iptables-nft) in a fresh network namespace:
// twice, before and after a simulated Docker, for IPv4 and IPv6.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDockerUser } from '../../../src/render/docker-user.js';
import type { Platform } from '../../../src/model/types.js';
import { createNetns, fileOf, reference, requireTool, tempFiles, withHost, type Netns } from './support.js';

const TS = '100.64.0.10';
const TS6 = 'fd7a:115c:a1e0::10';

/** The gateway published on both Tailscale addresses. */
function gatewayOnV6(): Platform {
  const p = withHost({ tailscale: { address6: TS6 } });
  const services = p.services.map((s) =>
    s.name === 'nginx' ? { ...s, publish: [...s.publish, { hostAddress: TS6, hostPort: 8443, containerPort: 8443, protocol: 'tcp' as const }] } : s,
  );
  return { ...p, services };
}

describe('docker-user.sh on real iptables-nft (netns)', () => {
  const namespaces: Netns[] = [];
  const script = fileOf(renderDockerUser(reference(), {}), 'firewall/docker-user.sh');
  const v6Script = fileOf(renderDockerUser(gatewayOnV6(), {}), 'firewall/docker-user.sh');
  const files = tempFiles({ 'docker-user.sh': script, 'docker-user-v6.sh': v6Script });
  const env = { IPTABLES: 'iptables-nft', IP6TABLES: 'ip6tables-nft' };

  beforeAll(() => {
    requireTool('iptables-nft', 'iptables');
    requireTool('ip6tables-nft', 'iptables');
  });
  afterAll(() => {
    for (const ns of namespaces) ns.remove();
    files.cleanup();
  });

  function fresh(purpose: string): Netns {
    const ns = createNetns(purpose);
    namespaces.push(ns);
    return ns;
  }

  it('is mode 0755 and strict bash', () => {
    const file = renderDockerUser(reference(), {}).files[0]!;
    expect(file.mode).toBe(0o755);
    expect(script).toContain('set -euo pipefail');
  });

  it('creates, fills and hooks DOCKER-USER before Docker exists, identically on a second run', () => {
    const ns = fresh('du-pre');
    ns.exec('bash', [files.path('docker-user.sh')], env);
    const first = ns.exec('iptables-nft', ['-S', 'DOCKER-USER']);
    ns.exec('bash', [files.path('docker-user.sh')], env);
    const second = ns.exec('iptables-nft', ['-S', 'DOCKER-USER']);
    expect(second).toBe(first);
    expect(first.trim().split('\n')).toEqual([
      '-N DOCKER-USER',
      '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      `-A DOCKER-USER -i tailscale0 -p tcp -m conntrack --ctorigdst ${TS} --ctorigdstport 8443 -j ACCEPT`,
      '-A DOCKER-USER -d 172.20.0.0/16 -i eth0 -j DROP',
      '-A DOCKER-USER -i eth0 -m conntrack --ctstate DNAT -j DROP',
      '-A DOCKER-USER -j RETURN',
    ]);
    const forward = ns.exec('iptables-nft', ['-S', 'FORWARD']);
    expect(forward.match(/-j DOCKER-USER/g)).toHaveLength(1);
    const v6 = ns.exec('ip6tables-nft', ['-S', 'DOCKER-USER']);
    expect(v6).toContain('-A DOCKER-USER -i eth0 -m conntrack --ctstate DNAT -j DROP');
    expect(v6).not.toContain('--ctorigdstport');
  });

  it('replaces what Docker left in DOCKER-USER without duplicating the FORWARD jump', () => {
    const ns = fresh('du-post');
    // What dockerd sets up: the chain with a RETURN, jumped to from FORWARD.
    ns.exec('iptables-nft', ['-N', 'DOCKER-USER']);
    ns.exec('iptables-nft', ['-A', 'DOCKER-USER', '-j', 'RETURN']);
    ns.exec('iptables-nft', ['-I', 'FORWARD', '-j', 'DOCKER-USER']);
    ns.exec('bash', [files.path('docker-user.sh')], env);
    ns.exec('bash', [files.path('docker-user.sh')], env);
    const rules = ns.exec('iptables-nft', ['-S', 'DOCKER-USER']).trim().split('\n');
    expect(rules.filter((r) => r === '-A DOCKER-USER -j RETURN')).toHaveLength(1);
    expect(rules[rules.length - 1]).toBe('-A DOCKER-USER -j RETURN');
    expect(ns.exec('iptables-nft', ['-S', 'FORWARD']).match(/-j DOCKER-USER/g)).toHaveLength(1);
  });

  it('gives no IPv6 allow rule to a gateway published on the IPv4 Tailscale address only', () => {
    const only4 = fileOf(renderDockerUser(withHost({ tailscale: { address6: TS6 } }), {}), 'firewall/docker-user.sh');
    expect(only4.match(/--ctorigdstport/g)).toHaveLength(1);
    expect(only4).toContain(`--ctorigdst ${TS} --ctorigdstport 8443`);
  });

  it('allows the Tailscale IPv6 address for a publication bound to it', () => {
    const ns = fresh('du-v6');
    ns.exec('bash', [files.path('docker-user-v6.sh')], env);
    ns.exec('bash', [files.path('docker-user-v6.sh')], env);
    const v6 = ns.exec('ip6tables-nft', ['-S', 'DOCKER-USER']);
    expect(v6).toContain(`-A DOCKER-USER -i tailscale0 -p tcp -m conntrack --ctorigdst ${TS6} --ctorigdstport 8443 -j ACCEPT`);
    expect(v6.match(/--ctorigdstport/g)).toHaveLength(1);
  });

  it('applies a UDP port range and an IPv6 platform subnet', () => {
    const base = reference();
    const platform: Platform = {
      ...base,
      networks: [...base.networks, { name: 'moat-v6', subnet: 'fd00:20::/64', gateway: 'fd00:20::1', driver: 'bridge', internal: true }],
      services: base.services.map((s) =>
        s.name === 'signal-api' ? { ...s, publish: [{ hostAddress: TS, hostPort: 60000, hostPortEnd: 60010, containerPort: 60000, protocol: 'udp' as const }] } : s,
      ),
    };
    const t = tempFiles({ 'range.sh': fileOf(renderDockerUser(platform, {}), 'firewall/docker-user.sh') });
    try {
      const ns = fresh('du-range');
      ns.exec('bash', [t.path('range.sh')], env);
      expect(ns.exec('iptables-nft', ['-S', 'DOCKER-USER'])).toContain(`-A DOCKER-USER -i tailscale0 -p udp -m conntrack --ctorigdst ${TS} --ctorigdstport 60000:60010 -j ACCEPT`);
      expect(ns.exec('ip6tables-nft', ['-S', 'DOCKER-USER'])).toContain('-A DOCKER-USER -d fd00:20::/64 -i eth0 -j DROP');
    } finally {
      t.cleanup();
    }
  });

  it('passes shellcheck', () => {
    requireTool('shellcheck', 'shellcheck');
    const ns = fresh('du-sc');
    ns.exec('shellcheck', ['--shell=bash', files.path('docker-user.sh'), files.path('docker-user-v6.sh')]);
  });
});
