// LiteLLM must reach the providers' APIs (outbound HTTPS from its container)
// for `moat providers add` to work. Nothing moat renders blocks that, and
// these assertions fail the day something does: LiteLLM sits on the platform
// network, which is not `internal` (Docker gives it a route out); DOCKER-USER
// drops only what arrives on the public interface; the host firewall filters
// only its input hook (forwarded container traffic is Docker's); the
// security group allows all outbound. What stays closed is inbound: the
// exposure proof (`moat check`) is unchanged by adding a provider.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { proveBundle } from '../../../src/proof/bundle.js';
import { renderBundle } from '../../../src/render/registry.js';
import { goldenPlatform } from '../../support/golden.js';

const withProvider = goldenPlatform('llm:\n  providers: [{ name: openai, models: [gpt-4o-mini] }]\n');
const file = (path: string): string => renderBundle(withProvider).files.find((f) => f.path === path)?.content ?? '';

describe('provider egress from LiteLLM', () => {
  it('LiteLLM is on a network with a route out', () => {
    const compose = parse(file('compose.yaml'));
    const networks = Object.keys(compose.services.litellm.networks);
    for (const n of networks) expect(compose.networks[n].internal, n).toBe(false);
  });

  it('DOCKER-USER drops only traffic that arrives on the public interface, then returns', () => {
    for (const path of ['firewall/docker-user.v4.rules', 'firewall/docker-user.v6.rules']) {
      const rules = file(path)
        .split('\n')
        .filter((l) => l.startsWith('-A DOCKER-USER'));
      for (const r of rules.filter((l) => l.endsWith('-j DROP'))) expect(r, path).toContain(`-i ${withProvider.host.publicInterface} `);
      expect(rules.at(-1)).toBe('-A DOCKER-USER -j RETURN');
    }
  });

  it('the host firewall hooks input only, and the security group allows outbound', () => {
    const chains = (JSON.parse(file('firewall/nftables.json')) as { nftables: { add?: { chain?: { hook?: string } } }[] }).nftables.flatMap((x) =>
      x.add?.chain ? [x.add.chain] : [],
    );
    expect(chains.map((c) => c.hook)).toEqual(['input']);
    const sg = parse(file('aws/cloudformation.yaml'));
    const group = Object.values(
      sg.Resources as Record<string, { Type: string; Properties: { SecurityGroupEgress?: { IpProtocol: string; CidrIp?: string }[] } }>,
    ).find((r) => r.Type === 'AWS::EC2::SecurityGroup');
    expect(group?.Properties.SecurityGroupEgress).toContainEqual(expect.objectContaining({ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }));
  });

  it('adding a provider opens nothing inbound: the proof is the same as without', () => {
    const without = proveBundle(goldenPlatform('reference')).findings.map((f) => f.code);
    expect(proveBundle(withProvider).findings.map((f) => f.code)).toEqual(without);
  });
});
