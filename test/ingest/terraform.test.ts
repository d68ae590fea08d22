// Terraform: inline ingress blocks, aws_security_group_rule, the VPC rule
// resources; variables with defaults resolve, every other expression widens.
import { parse as hcl2json } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import type { CloudRule } from '../../src/analyze/state.js';
import { parseHcl } from '../../src/ingest/cloud-hcl.js';
import { cloudFormationIngester } from '../../src/ingest/cloudformation.js';
import { ingestTerraform, terraformIngester } from '../../src/ingest/terraform.js';
import { checkProperties, corpus } from './corpus/cloud/fuzz-support.js';

const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;
const key = (r: CloudRule) =>
  `${r.protocol} ${r.ports ? `${r.ports.from}-${r.ports.to}` : '*'} ${[...r.cidrs, ...(r.unresolvedSources ?? []).map((u) => `?${u}`)].join(',')}`;
const ingest = (name: string, text = corpus(`cloud/${name}`)) => ({ text, result: ingestTerraform({ file: name, text }) });

describe('Terraform', () => {
  it('clean: inline ingress blocks, var.x and "${var.x}" resolve to defaults; egress ignored', () => {
    const { text, result } = ingest('tf-clean.tf');
    expect(result.problems).toEqual([]);
    const rules = result.fragment.cloud?.ingress ?? [];
    expect(rules.map(key)).toEqual(['tcp 22-22 203.0.113.10/32', 'udp 41641-41641 0.0.0.0/0,::/0']);
    expect(rules.map((r) => [r.origin.line, r.origin.key, r.description])).toEqual([
      [lineOf(text, 'ingress {'), 'aws_security_group.host.ingress[0]', 'SSH'],
      [lineOf(text, 'description      = "WireGuard"') - 1, 'aws_security_group.host.ingress[1]', 'WireGuard'],
    ]);
    expect(result.fragment.cloud?.groups.map((g) => [g.name, g.origin.line])).toEqual([
      ['ai-platform-host', lineOf(text, 'resource "aws_security_group" "host"')],
    ]);
  });

  it('misconfigured: SG sources, dynamic blocks, world SSH, list variables, prefix lists, -1 from ::/0, halves, locals, variables without default', () => {
    const { text, result } = ingest('tf-open.tf');
    const rules = result.fragment.cloud?.ingress ?? [];
    expect(rules.map(key)).toEqual([
      'tcp 5432-5432 ?security group aws_security_group.apps.id',
      'all * ?a dynamic "ingress" block (not understood)',
      'tcp 22-22 0.0.0.0/0',
      'tcp 8000-8010 10.0.0.0/8,192.168.0.0/16,?prefix list pl-63a5400a',
      'all * ::/0',
      'tcp 0-65535 0.0.0.0/1',
      'tcp 0-65535 128.0.0.0/1',
      'tcp * ?local.debug_cidr',
      'udp 500-500 ?var.anywhere',
      'tcp 6379-6379 ?security group aws_security_group.apps.id',
      // The default group's inline rule (protocol -1 as a number), and a module that may hold groups of its own.
      'all * ?security group (self)',
      'all * ?module "bastion_sg" (its security groups, if any, are in files moat was not given) (not understood)',
    ]);
    const at = (address: string) => rules.find((r) => r.origin.key === address)?.origin.line;
    expect(at('aws_security_group_rule.ssh_world')).toBe(lineOf(text, 'resource "aws_security_group_rule" "ssh_world"'));
    expect(at('aws_vpc_security_group_ingress_rule.all_v6')).toBe(lineOf(text, '"all_v6"'));
    expect(rules[1]?.origin.line).toBe(lineOf(text, 'dynamic "ingress"'));
    expect(result.fragment.cloud?.groups.map((g) => g.name)).toEqual([
      'legacy-web',
      'aws_security_group.apps',
      'sg-0123456789abcdef0',
      'aws_default_security_group.default',
    ]);
    expect(result.problems.map((p) => [p.code, p.location?.line])).toEqual([
      ['ingest.cloud.unreadable-rule', lineOf(text, 'dynamic "ingress"')],
      ['ingest.cloud.unresolved-value', lineOf(text, '"debug"')],
      ['ingest.cloud.unresolved-value', lineOf(text, '"debug"')],
      ['ingest.cloud.unresolved-value', lineOf(text, '"from_var"')],
      ['ingest.cloud.unreadable-rule', lineOf(text, 'module "bastion_sg"')],
    ]);
  });

  it('attributes-as-blocks ingress lists, self, and an unresolved type count (sound readings)', () => {
    const text = [
      'resource "aws_security_group" "a" {',
      '  ingress = [{ from_port = 443, to_port = 443, protocol = "tcp", cidr_blocks = ["0.0.0.0/0"] }]',
      '}',
      'resource "aws_security_group_rule" "b" {',
      '  type      = var.kind',
      '  from_port = 3306',
      '  to_port   = 3306',
      '  protocol  = "tcp"',
      '  self      = true',
      '}',
      '',
    ].join('\n');
    const rules = ingestTerraform({ file: 'x.tf', text }).fragment.cloud?.ingress ?? [];
    expect(rules.map((r) => [key(r), r.origin.line])).toEqual([
      ['tcp 443-443 0.0.0.0/0', 2],
      ['tcp 3306-3306 ?security group (self)', 4],
    ]);
  });

  it('a syntax error counts as open to the world at its line and keeps the blocks before it', () => {
    const text = `${corpus('cloud/tf-clean.tf')}\nresource "aws_security_group_rule" "broken" {\n  type = "ingress"\n  cidr_blocks = ["0.0.0.0/0"\n`;
    const result = ingestTerraform({ file: 'x.tf', text });
    expect(result.problems[0]).toMatchObject({ code: 'ingest.cloud.syntax', location: { file: 'x.tf' } });
    const rules = result.fragment.cloud?.ingress ?? [];
    expect(rules.map(key)).toContain('tcp 22-22 203.0.113.10/32');
    expect(rules.some((r) => r.protocol === 'all' && r.unresolvedSources?.[0]?.includes('syntax'))).toBe(true);
  });

  it("moat's HCL reader agrees with hcl2json on the corpus (attribute values of every resource)", async () => {
    for (const name of ['tf-clean.tf', 'tf-open.tf']) {
      const text = corpus(`cloud/${name}`);
      const theirs = (await hcl2json(name, text)) as { resource: Record<string, Record<string, Record<string, unknown>[]>> };
      const ours = parseHcl(text);
      expect(ours.error).toBeUndefined();
      for (const item of ours.body) {
        if (item.kind !== 'block' || item.type !== 'resource') continue;
        const [type = '', label = ''] = item.labels;
        const block = theirs.resource[type]?.[label]?.[0];
        for (const a of item.body) {
          if (a.kind !== 'attribute') continue;
          const v = block?.[a.name];
          if (a.value.kind === 'scalar') expect(v, `${name} ${type}.${label}.${a.name}`).toEqual(a.value.value);
          else if (a.value.kind === 'other') expect(String(v)).toContain(a.value.text.replace(/^"\$\{(.*)\}"$/, '$1'));
        }
      }
    }
  });

  it('detects Terraform by content, not CloudFormation', () => {
    for (const name of ['tf-clean.tf', 'tf-open.tf']) {
      expect(terraformIngester.detect({ file: name, text: corpus(`cloud/${name}`) })).toBe(true);
      expect(cloudFormationIngester.detect({ file: name, text: corpus(`cloud/${name}`) })).toBe(false);
    }
    expect(terraformIngester.detect({ file: 'x', text: corpus('cloud/aws-open.json') })).toBe(false);
  });

  it('fuzz: random and mutated files never throw; problems and rules are located; a problem leaves an open rule', () => {
    checkProperties((a) => ingestTerraform(a), [corpus('cloud/tf-clean.tf'), corpus('cloud/tf-open.tf')]);
  });
});
