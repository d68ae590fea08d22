// The state the analyzer proves things about must be the state moat deploys:
// each layer of stateFromPlatform is compared with the artifact the renderers
// write for it (security group, DOCKER-USER rules, Tailscale policy), for the
// reference and for a changed platform.
import { parse as parseJsonc } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { cloudLayer, firewallLayer, gatewayLayer, publishingLayer, socketsLayer, tailnetLayer } from '../../src/analyze/from-platform.js';
import { referencePlatform } from '../../src/catalog/reference.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import type { Platform, PlatformInput } from '../../src/model/types.js';
import { renderBundle } from '../../src/render/registry.js';

function platformWith(change: (input: PlatformInput) => void = () => {}): Platform {
  const input = structuredClone(referencePlatform());
  change(input);
  return normalizePlatform(input);
}

function artifact(platform: Platform, path: string): string {
  const file = renderBundle(platform, {}, ['cloudformation', 'docker-user', 'tailscale-policy', 'nftables']).files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path} rendered`);
  return file.content;
}

interface CfnIngress {
  IpProtocol: string;
  FromPort: number;
  ToPort: number;
  CidrIp?: string;
  CidrIpv6?: string;
}

const PLATFORMS: readonly { name: string; platform: Platform }[] = [
  { name: 'reference', platform: platformWith() },
  {
    name: 'changed (admin /24, SSH on 2222, IPv6 Tailscale address)',
    platform: platformWith((i) => {
      i.host.adminCidr = '198.51.100.0/24';
      i.host.sshPort = 2222;
      i.host.tailscale.address6 = 'fd7a:115c:a1e0::10';
    }),
  },
  {
    name: 'backends published on wildcards, with an IPv6 Tailscale address',
    platform: platformWith((i) => {
      i.host.tailscale.address6 = 'fd7a:115c:a1e0::10';
      const db = i.services.find((s) => s.name === 'dify-db');
      const redis = i.services.find((s) => s.name === 'dify-redis');
      if (!db || !redis) throw new Error('reference services missing');
      db.publish = [{ hostAddress: '0.0.0.0', hostPort: 5432, containerPort: 5432, protocol: 'tcp' }];
      redis.publish = [{ hostAddress: '', hostPort: 6379, hostPortEnd: 6380, containerPort: 6379, protocol: 'tcp' }];
    }),
  },
];

describe.each(PLATFORMS)('the analyzer state matches the rendered artifacts: $name', ({ platform }) => {
  it('cloud: the security group ingress, rule for rule (per protocol/port, the CIDRs of both families)', () => {
    const cfn = parseYaml(artifact(platform, 'aws/cloudformation.yaml')) as { Resources: { SecurityGroup: { Properties: { SecurityGroupIngress: CfnIngress[] } } } };
    const rendered = new Map<string, string[]>();
    for (const r of cfn.Resources.SecurityGroup.Properties.SecurityGroupIngress) {
      const k = `${r.IpProtocol} ${r.FromPort}-${r.ToPort}`;
      rendered.set(k, [...(rendered.get(k) ?? []), ...[r.CidrIp, r.CidrIpv6].filter((c): c is string => c !== undefined)].sort());
    }
    const modelled = new Map(cloudLayer(platform).ingress.map((r) => [`${r.protocol} ${r.ports.from}-${r.ports.to}`, [...r.cidrs].sort()]));
    expect(Object.fromEntries(modelled)).toEqual(Object.fromEntries(rendered));
  });

  it('firewall: DOCKER-USER accepts exactly the modelled publications, on tailscale0, to the Tailscale address', () => {
    const script = artifact(platform, 'firewall/docker-user.sh');
    const accepts = [...script.matchAll(/^-A DOCKER-USER -i (\S+) -p (\w+) -m conntrack --ctorigdst (\S+) --ctorigdstport (\S+) -j ACCEPT$/gm)].map(
      (m) => `${m[1]} ${m[2]} ${m[3]} ${m[4]}`,
    );
    const modelled = firewallLayer(platform)
      .dockerUser.rules.filter((r) => r.action === 'accept')
      .flatMap((r) => (r.destinations ?? []).map((d) => `${r.inInterface} ${r.protocol} ${d} ${r.ports?.from === r.ports?.to ? r.ports?.from : `${r.ports?.from}:${r.ports?.to}`}`));
    expect(accepts.sort()).toEqual(modelled.sort());
    expect(script).toMatch(new RegExp(`^-A DOCKER-USER -i ${platform.host.publicInterface} .*-j DROP$`, 'm'));
  });

  it('firewall: INPUT accepts exactly the modelled host ports (interface, source, port) and drops the rest', () => {
    const conf = artifact(platform, 'firewall/nftables.conf');
    expect(conf).toMatch(/type filter hook input priority filter; policy drop;/);
    const elements = /elements = \{ ([^}]+) \}/.exec(conf)?.[1]?.trim();
    const accepts = [...conf.matchAll(/^\t\t(?:ip6? saddr @\w+ )?(?:iifname "([^"]+)" )?(tcp|udp) dport (\d+) accept/gm)].map((m) => {
      const sourced = m[0].includes('saddr @') ? ` from ${elements}` : '';
      return `${m[1] ?? '*'} ${m[2]}/${m[3]}${sourced}`;
    });
    const modelled = firewallLayer(platform).input.rules.map(
      (r) => `${r.inInterface ?? '*'} ${r.protocol}/${r.ports?.from}${r.sources ? ` from ${r.sources.join(', ')}` : ''}`,
    );
    expect(firewallLayer(platform).input.policy).toBe('drop');
    expect(accepts.sort()).toEqual(modelled.sort());
  });

  it('tailnet: the policy grants the modelled source → destination:port and nothing else', () => {
    const policy = parseJsonc(artifact(platform, 'tailscale/policy.hujson')) as { grants: { src: string[]; dst: string[]; ip: string[] }[] };
    const rendered = policy.grants.flatMap((g) => g.src.flatMap((s) => g.dst.flatMap((d) => g.ip.map((ip) => `${s} → ${d} ${ip}`))));
    const modelled = tailnetLayer(platform).grants.flatMap((g) =>
      g.sources.flatMap((s) => g.destinations.map((d) => `${s} → ${d} ${g.protocol}:${g.ports?.from === g.ports?.to ? g.ports?.from : `${g.ports?.from}-${g.ports?.to}`}`)),
    );
    expect(rendered.sort()).toEqual(modelled.sort());
  });

  it('publishing, sockets and gateway come from the model fields', () => {
    expect(publishingLayer(platform).map((b) => `${b.service} ${b.hostAddress}:${b.hostPorts.from}`)).toEqual(
      platform.services.flatMap((s) => s.publish.map((p) => `${s.name} ${p.hostAddress}:${p.hostPort}`)),
    );
    const sockets = socketsLayer(platform);
    expect(sockets.filter((s) => s.kind === 'host').map((s) => `${s.owner} ${s.address}:${s.port}/${s.protocol}`).sort()).toEqual(
      [
        `sshd 0.0.0.0:${platform.host.sshPort}/tcp`,
        `sshd :::${platform.host.sshPort}/tcp`,
        'tailscaled 0.0.0.0:41641/udp',
        'tailscaled :::41641/udp',
      ].sort(),
    );
    expect(sockets.filter((s) => s.kind === 'container')).toHaveLength(platform.services.reduce((n, s) => n + s.ports.length, 0));
    expect(gatewayLayer(platform).routes.map((r) => r.origin)).toEqual(platform.gateway.routes.map((_r, i) => `gateway.routes[${i}]`));
  });
});
