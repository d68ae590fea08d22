// CloudFormation: short and long intrinsic forms, parameters with and without
// defaults, Fn::If as both branches, standalone ingress resources, JSON templates.
import { describe, expect, it } from 'vitest';
import type { CloudRule } from '../../src/analyze/state.js';
import { awsSecurityGroupsIngester } from '../../src/ingest/aws-security-groups.js';
import { cloudFormationIngester, ingestCloudFormation } from '../../src/ingest/cloudformation.js';
import { terraformIngester } from '../../src/ingest/terraform.js';
import { checkProperties, corpus } from './corpus/cloud/fuzz-support.js';

const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;
const key = (r: CloudRule) =>
  `${r.protocol} ${r.ports ? `${r.ports.from}-${r.ports.to}` : '*'} ${[...r.cidrs, ...(r.unresolvedSources ?? []).map((u) => `?${u}`)].join(',')}`;
const ingest = (name: string, text = corpus(`cloud/${name}`)) => ({ text, result: ingestCloudFormation({ file: name, text }) });

describe('CloudFormation', () => {
  it('clean (YAML, short tags): !Ref parameters resolve to their defaults; a standalone ingress joins its group', () => {
    const { text, result } = ingest('cfn-clean.yaml');
    expect(result.problems).toEqual([]);
    const rules = result.fragment.cloud?.ingress ?? [];
    expect(rules.map(key)).toEqual(['tcp 22-22 203.0.113.10/32', 'udp 41641-41641 0.0.0.0/0', 'udp 41641-41641 ::/0']);
    expect(rules.map((r) => r.origin.line)).toEqual([lineOf(text, '- IpProtocol: tcp'), lineOf(text, '- IpProtocol: udp'), lineOf(text, 'GroupId: !GetAtt')]);
    expect(rules[0]).toMatchObject({ description: 'SSH from the admin', origin: { key: 'Resources.HostSecurityGroup.Properties.SecurityGroupIngress[0]' } });
    // GroupName is a !Sub of the stack name: not literal, so the group goes by its logical ID.
    expect(result.fragment.cloud?.groups.map((g) => [g.name, g.origin.line])).toEqual([['HostSecurityGroup', lineOf(text, 'HostSecurityGroup:')]]);
  });

  it('misconfigured: a parameter without default, -1 from ::/0, the world in halves, Fn::If, SG and prefix-list sources, ImportValue', () => {
    const { text, result } = ingest('cfn-open.yaml');
    const rules = result.fragment.cloud?.ingress ?? [];
    expect(rules.map(key)).toEqual([
      'tcp 22-22 ?Ref SshSource (a parameter without a default)',
      'all * ::/0',
      'tcp 0-65535 0.0.0.0/1',
      'tcp 0-65535 128.0.0.0/1',
      // Fn::If [IsOpen, rule, AWS::NoValue]: the rule counts (the stack may have it).
      'tcp 80-80 0.0.0.0/0',
      'tcp 5432-5432 ?security group { Fn::GetAtt: ["Apps", "GroupId"] }',
      'tcp 443-443 ?prefix list "pl-63a5400a"',
      'tcp 8000-8010 ?{ Fn::ImportValue: "shared-office-cidr" }',
    ]);
    expect(rules[4]?.origin.line).toBe(lineOf(text, 'FromPort: 80'));
    expect(rules[7]?.origin).toMatchObject({ line: lineOf(text, 'GroupId: !Ref Sg'), key: 'Resources.ExtraIngress.Properties' });
    expect(result.fragment.cloud?.groups.map((g) => g.name)).toEqual(['legacy-web', 'Apps']);
    expect(result.problems.map((p) => [p.code, p.location?.line])).toEqual([
      ['ingest.cloud.unresolved-value', lineOf(text, 'FromPort: 22') - 1],
      ['ingest.cloud.unresolved-value', lineOf(text, 'GroupId: !Ref Sg')],
    ]);
  });

  it('JSON templates and long-form intrinsics read the same way', () => {
    const { result } = ingest('cfn-json.json');
    expect(result.problems).toEqual([]);
    expect(result.fragment.cloud?.ingress.map(key)).toEqual(['tcp 22-22 198.51.100.0/24', 'udp 41641-41641 ::/0']);
    expect(result.fragment.cloud?.ingress.map((r) => r.origin.line)).toEqual([12, 13]);
  });

  it('an ingress list that is an unknown intrinsic, or a rule that is a scalar, counts as open to the world', () => {
    const text = [
      'Resources:',
      '  Sg:',
      '    Type: AWS::EC2::SecurityGroup',
      '    Properties:',
      '      SecurityGroupIngress: !FindInMap [Rules, !Ref Env, Ingress]',
      '  Sg2:',
      '    Type: AWS::EC2::SecurityGroup',
      '    Properties:',
      '      SecurityGroupIngress:',
      '        - just a string',
      '',
    ].join('\n');
    const result = ingestCloudFormation({ file: 't.yaml', text });
    expect(result.fragment.cloud?.ingress.map((r) => [r.protocol, r.ports, r.cidrs, r.origin.line])).toEqual([
      ['all', undefined, [], 5],
      ['all', undefined, [], 10],
    ]);
    expect(result.problems.map((p) => p.code)).toEqual(['ingest.cloud.unreadable-rule', 'ingest.cloud.unreadable-rule']);
  });

  it('resources made by Fn::ForEach count as open to the world', () => {
    const text = [
      'Transform: AWS::LanguageExtensions',
      'Resources:',
      '  Fn::ForEach::Rules:',
      '    - Port',
      '    - ["22", "80"]',
      '    - Rule${Port}:',
      '        Type: AWS::EC2::SecurityGroupIngress',
      '',
    ].join('\n');
    const result = ingestCloudFormation({ file: 'loop.yaml', text });
    expect(result.fragment.cloud?.ingress.map((r) => [r.protocol, r.ports, r.origin.line])).toEqual([['all', undefined, 3]]);
  });

  it('a YAML syntax error counts as open to the world at its line', () => {
    const text = corpus('cloud/cfn-clean.yaml').replace('          ToPort: 22\n', '          ToPort: [22\n');
    const result = ingestCloudFormation({ file: 't.yaml', text });
    expect(result.problems[0]?.code).toBe('ingest.cloud.syntax');
    expect(result.fragment.cloud?.ingress.some((r) => r.protocol === 'all' && r.unresolvedSources?.[0]?.includes('syntax'))).toBe(true);
  });

  it('aliases that expand without end (billion laughs) stop with a located problem, not a hang', () => {
    const levels = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ),
    ];
    const text = [...levels, 'Resources:', '  Sg:', '    Type: AWS::EC2::SecurityGroup', '    Properties:', '      SecurityGroupIngress: *i', ''].join('\n');
    const started = Date.now();
    const result = ingestCloudFormation({ file: 'bomb.yaml', text });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.problems[0]?.code).toBe('ingest.cloud.syntax');
    expect(result.fragment.cloud?.ingress.some((r) => r.protocol === 'all' && r.ports === undefined)).toBe(true);
  });

  it('detects templates by content (YAML and JSON), not security-group JSON or Terraform', () => {
    for (const name of ['cfn-clean.yaml', 'cfn-open.yaml', 'cfn-json.json']) {
      const a = { file: name, text: corpus(`cloud/${name}`) };
      expect(cloudFormationIngester.detect(a), name).toBe(true);
      expect(awsSecurityGroupsIngester.detect(a), name).toBe(false);
      expect(terraformIngester.detect(a), name).toBe(false);
    }
    expect(cloudFormationIngester.detect({ file: 'x', text: corpus('cloud/aws-open.json') })).toBe(false);
  });

  it('fuzz: random and mutated templates never throw; problems and rules are located; a problem leaves an open rule', () => {
    checkProperties((a) => ingestCloudFormation(a), [corpus('cloud/cfn-clean.yaml'), corpus('cloud/cfn-open.yaml'), corpus('cloud/cfn-json.json')]);
  });
});
