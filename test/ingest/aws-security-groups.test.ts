// describe-security-groups JSON: every source becomes a located rule; another
// group, a prefix list or a bad CIDR stays unresolved (the world to the analyzer).
import { describe, expect, it } from 'vitest';
import type { CloudRule } from '../../src/analyze/state.js';
import { awsSecurityGroupsIngester, ingestAwsSecurityGroups } from '../../src/ingest/aws-security-groups.js';
import { cloudFormationIngester } from '../../src/ingest/cloudformation.js';
import { tailscalePolicyIngester } from '../../src/ingest/tailscale-policy.js';
import { checkProperties, corpus } from './corpus/cloud/fuzz-support.js';

const lineOf = (text: string, needle: string, from = 0): number => text.slice(0, text.indexOf(needle, from)).split('\n').length;
const key = (r: CloudRule) =>
  `${r.protocol} ${r.ports ? `${r.ports.from}-${r.ports.to}` : '*'} ${[...r.cidrs, ...(r.unresolvedSources ?? []).map((u) => `?${u}`)].join(',')}`;
const ingest = (name: string) => {
  const text = corpus(`cloud/${name}`);
  return { text, result: ingestAwsSecurityGroups({ file: name, text }) };
};

describe('AWS describe-security-groups', () => {
  it('clean: SSH from the admin /32 and WireGuard from the world, v4 and v6, each at its line; egress ignored', () => {
    const { text, result } = ingest('aws-clean.json');
    expect(result.problems).toEqual([]);
    const rules = result.fragment.cloud?.ingress ?? [];
    expect(rules.map(key)).toEqual(['tcp 22-22 203.0.113.10/32', 'udp 41641-41641 0.0.0.0/0', 'udp 41641-41641 ::/0']);
    expect(rules.map((r) => r.origin.line)).toEqual([
      lineOf(text, '"CidrIp": "203.0.113.10/32"') - 1,
      lineOf(text, '"CidrIp": "0.0.0.0/0"') - 1,
      lineOf(text, '"CidrIpv6": "::/0"') - 1,
    ]);
    expect(rules[0]?.description).toBe('SSH (key-based) from the admin CIDR');
    expect(result.fragment.cloud?.groups).toEqual([
      { name: 'ai-platform-host (sg-0a1b2c3d4e5f67890)', origin: { file: 'aws-clean.json', line: 3, key: 'SecurityGroups[0]' } },
    ]);
  });

  it('misconfigured: world SSH, -1 from ::/0, the world as two halves, protocol 6 ranges, icmp, SG-to-SG, prefix lists, a bad CIDR', () => {
    const { text, result } = ingest('aws-open.json');
    const rules = result.fragment.cloud?.ingress ?? [];
    expect(rules.map(key)).toEqual([
      'tcp 22-22 0.0.0.0/0',
      'all * ::/0',
      'tcp 0-65535 0.0.0.0/1',
      'tcp 0-65535 128.0.0.0/1',
      'tcp 8000-8010 10.0.0.0/8',
      'icmp * 0.0.0.0/0',
      'tcp 5432-5432 ?security group sg-0fedcba987654321f (account 123456789012)',
      'tcp 443-443 ?prefix list pl-63a5400a',
      'udp 53-53 198.51.100.7/32',
      'udp 53-53 ?invalid CIDR "not-a-cidr"',
    ]);
    expect(rules[1]).toMatchObject({ description: 'temporary debugging', origin: { line: lineOf(text, '"CidrIpv6": "::/0"') - 1 } });
    expect(rules[3]?.origin.line).toBe(lineOf(text, '"CidrIp": "128.0.0.0/1"') - 1);
    expect(rules[6]?.origin).toEqual({
      file: 'aws-open.json',
      line: lineOf(text, '"GroupId": "sg-0fedcba987654321f"') - 1,
      key: 'SecurityGroups[1].IpPermissions[0].UserIdGroupPairs[0]',
    });
    expect(rules[3]?.origin.key).toBe('SecurityGroups[0].IpPermissions[2].IpRanges[1]');
    expect(result.fragment.cloud?.groups.map((g) => g.name)).toEqual(['launch-wizard-1 (sg-0badbadbadbad0001)', 'apps (sg-0aaaaaaaaaaaaaaa2)']);
    expect(result.problems.map((p) => [p.code, p.location?.line])).toEqual([['ingest.cloud.invalid-value', lineOf(text, 'not-a-cidr') - 1]]);
  });

  it('reads a bare list of groups, and one group object', () => {
    const group = { GroupName: 'g', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] };
    for (const doc of [[group], group]) {
      const rules = ingestAwsSecurityGroups({ file: 'x.json', text: JSON.stringify(doc, null, 2) }).fragment.cloud?.ingress ?? [];
      expect(rules.map(key)).toEqual(['tcp 443-443 0.0.0.0/0']);
    }
  });

  it('describe-security-group-rules output: one located rule per ingress entry, egress left out', () => {
    const { text, result } = ingest('aws-rules.json');
    expect(result.problems).toEqual([]);
    const rules = result.fragment.cloud?.ingress ?? [];
    expect(rules.map(key)).toEqual(['tcp 22-22 0.0.0.0/0', 'all * ?security group sg-0fedcba987654321f']);
    expect(rules.map((r) => r.origin.line)).toEqual([lineOf(text, '"sgr-0a1b2c3d4e5f60001"') - 1, lineOf(text, '"sgr-0a1b2c3d4e5f60002"') - 1]);
    expect(result.fragment.cloud?.groups.map((g) => g.name)).toEqual(['sg-0a1b2c3d4e5f67890']);
    expect(awsSecurityGroupsIngester.detect({ file: 'r', text })).toBe(true);
  });

  it('a broken file counts as open to the world at the error line, and keeps what it read before', () => {
    const text = corpus('cloud/aws-clean.json').replace('"ToPort": 41641,', '"ToPort": 41641,,');
    const result = ingestAwsSecurityGroups({ file: 'sg.json', text });
    expect(result.problems[0]).toMatchObject({ code: 'ingest.cloud.syntax', severity: 'high', location: { file: 'sg.json', line: lineOf(text, '41641,,') } });
    expect(result.fragment.cloud?.ingress.some((r) => r.protocol === 'all' && r.ports === undefined && r.unresolvedSources !== undefined)).toBe(true);
    expect(result.fragment.cloud?.ingress.map(key)).toContain('tcp 22-22 203.0.113.10/32');
  });

  it('a wrong shape is unreadable, never dropped: IpRanges not a list, ports out of range, no protocol', () => {
    const doc = {
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: 'everyone' },
            { IpProtocol: 'tcp', FromPort: 90000, ToPort: 1, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
            { IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
          ],
        },
      ],
    };
    const result = ingestAwsSecurityGroups({ file: 'x.json', text: JSON.stringify(doc, null, 2) });
    expect(result.fragment.cloud?.ingress.map(key)).toEqual(['all * ?IpRanges "everyone" (not understood)', 'tcp * 10.0.0.0/8', 'all * 10.0.0.0/8']);
    expect(result.problems.map((p) => p.code)).toEqual(['ingest.cloud.unreadable-rule', 'ingest.cloud.invalid-value', 'ingest.cloud.invalid-value']);
  });

  it('detects by content: its own JSON, not a CloudFormation template or a Tailscale policy', () => {
    const sg = { file: 'a', text: corpus('cloud/aws-clean.json') };
    expect(awsSecurityGroupsIngester.detect(sg)).toBe(true);
    expect(cloudFormationIngester.detect(sg)).toBe(false);
    expect(tailscalePolicyIngester.detect(sg)).toBe(false);
    expect(awsSecurityGroupsIngester.detect({ file: 'b', text: corpus('cloud/cfn-json.json') })).toBe(false);
    expect(awsSecurityGroupsIngester.detect({ file: 'c', text: corpus('tailscale/policy-clean.hujson') })).toBe(false);
  });

  it('fuzz: random and mutated files never throw; problems and rules are located; a problem leaves an open rule', () => {
    checkProperties((a) => ingestAwsSecurityGroups(a), [corpus('cloud/aws-clean.json'), corpus('cloud/aws-open.json'), corpus('cloud/aws-rules.json')]);
  });
});
