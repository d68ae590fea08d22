// The analyzer reads the security group back through the ingesters, so the
// CloudFormation template and the Terraform file must state the same thing:
// the same ingested rules (origins aside) for the built-in platform and for
// varied ones, with each rule's line mapped to the model field it comes from.
// Then hostile model values: they stay data in HCL, YAML and JSON.
import { parse as hcl2json } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { CloudRule } from '../../../src/analyze/state.js';
import { parseHcl } from '../../../src/ingest/cloud-hcl.js';
import { ingestCloudFormation } from '../../../src/ingest/cloudformation.js';
import { ingestTerraform } from '../../../src/ingest/terraform.js';
import type { Platform } from '../../../src/model/types.js';
import { renderCloudFormation } from '../../../src/render/cloudformation.js';
import { expr, hclFile, hclString } from '../../../src/render/hcl.js';
import { renderTerraform } from '../../../src/render/terraform.js';
import type { RenderResult } from '../../../src/render/types.js';
import { goldenPlatform } from '../../support/golden.js';
import { withHost } from './support.js';

const PLATFORMS: Record<string, string> = {
  reference: 'reference',
  'v6 admin, SSH on 2222': 'host: { adminCidr: "2001:db8::10/128", sshPort: 2222 }',
  'world admin, other WireGuard port': 'host: { adminCidr: 0.0.0.0/0, tailscale: { udpPort: 41642 } }',
  'other project, region and Graviton': 'project: lab-two\nhost: { adminCidr: 198.51.100.0/24, region: eu-west-1, instanceType: m7g.xlarge }',
};

type Mapped = { path: string; content: string; sourceMap?: readonly { line: number; path: string }[] };
const only = (r: RenderResult): Mapped => r.files[0] as Mapped;
const strip = (rules: readonly CloudRule[]) => rules.map(({ origin: _origin, ...rest }) => rest);

function both(platform: Platform, withInstance: boolean) {
  const cfn = only(renderCloudFormation(platform, { withInstance }));
  const tf = only(renderTerraform(platform, { withInstance }));
  return { cfn, tf, cfnState: ingestCloudFormation({ file: cfn.path, text: cfn.content }), tfState: ingestTerraform({ file: tf.path, text: tf.content }) };
}

describe('security group: CloudFormation and Terraform ingest to the same state', () => {
  for (const [name, input] of Object.entries(PLATFORMS)) {
    for (const withInstance of [false, true]) {
      it(`${name}${withInstance ? ' (with instance)' : ''}`, () => {
        const platform = goldenPlatform(input);
        const { cfn, tf, cfnState, tfState } = both(platform, withInstance);
        expect(cfnState.problems).toEqual([]);
        expect(tfState.problems).toEqual([]);
        const cfnRules = cfnState.fragment.cloud?.ingress ?? [];
        const tfRules = tfState.fragment.cloud?.ingress ?? [];
        expect(strip(tfRules)).toEqual(strip(cfnRules));
        expect(tfState.fragment.cloud?.groups.map((g) => g.name)).toEqual(cfnState.fragment.cloud?.groups.map((g) => g.name));
        expect(cfnState.fragment.cloud?.groups.map((g) => g.name)).toEqual([`${platform.project}-host`]);

        // What they state, explicitly: SSH from the admin CIDR, WireGuard from the world, nothing else.
        const { sshPort, adminCidr, tailscale } = platform.host;
        const key = (r: CloudRule) => `${r.protocol} ${r.ports?.from}-${r.ports?.to} ${r.cidrs.join(',')}${r.unresolvedSources ? ' unresolved' : ''}`;
        const admin = adminCidr.includes('/') ? adminCidr : `${adminCidr}/32`;
        expect(cfnRules.map(key)).toEqual([
          `tcp ${sshPort}-${sshPort} ${admin}`,
          `udp ${tailscale.udpPort}-${tailscale.udpPort} 0.0.0.0/0`,
          `udp ${tailscale.udpPort}-${tailscale.udpPort} ::/0`,
        ]);

        // Each rule's line is mapped to the model field it comes from.
        for (const [file, rules] of [
          [cfn, cfnRules],
          [tf, tfRules],
        ] as const) {
          const paths = rules.map((r) => file.sourceMap?.find((m) => m.line === r.origin.line)?.path);
          expect(paths, file.path).toEqual(['host.adminCidr', 'host.tailscale.udpPort', 'host.tailscale.udpPort']);
        }
      });
    }
  }
});

const HOSTILE =
  'x" } resource "aws_security_group_ingress" "evil" { cidr = "0.0.0.0/0" ${file("/etc/passwd")} %{ if true }\n# next line\n\\b\b\f\u2028 $${ %%{';

describe('hostile model values stay data', () => {
  it("HCL strings: quotes, newlines, control characters, ${ and %{ read back unchanged by hcl2json and by moat's reader", async () => {
    const text = hclFile(
      ['# header'],
      [
        {
          type: 'resource',
          labels: ['aws_security_group', HOSTILE],
          comments: [`comment ${HOSTILE}`],
          body: [
            { name: 'description', value: HOSTILE },
            { name: 'tags', value: { [HOSTILE]: HOSTILE } },
            { name: 'ref', value: expr('var.x') },
          ],
        },
      ],
    );
    const json = (await hcl2json('hostile.tf', text)) as { resource: Record<string, Record<string, Record<string, unknown>[]>> };
    const block = json.resource['aws_security_group']?.[HOSTILE]?.[0];
    expect(Object.keys(json.resource)).toEqual(['aws_security_group']);
    // hcl2json returns template source: an escaped `$${` is how a literal `${` looks there; no live interpolation remains.
    const unescape = (s: unknown) => String(s).replaceAll('$${', '${').replaceAll('%%{', '%{');
    expect(String(block?.['description'])).not.toMatch(/(^|[^$])\$\{|(^|[^%])%\{/);
    expect(unescape(block?.['description'])).toBe(HOSTILE);
    const parsed = parseHcl(text);
    expect(parsed.error).toBeUndefined();
    expect(parsed.body).toHaveLength(1);
    const ours = parsed.body[0];
    expect(ours?.kind === 'block' && ours.labels).toEqual(['aws_security_group', HOSTILE]);
    expect(ours?.kind === 'block' && ours.body.map((a) => (a.kind === 'attribute' ? a.value : undefined))).toEqual([
      { kind: 'scalar', line: expect.any(Number), value: HOSTILE },
      {
        kind: 'object',
        line: expect.any(Number),
        entries: [{ key: HOSTILE, line: expect.any(Number), value: { kind: 'scalar', line: expect.any(Number), value: HOSTILE } }],
      },
      { kind: 'other', line: expect.any(Number), text: 'var.x' },
    ]);
    expect(hclString('${a}%{b}')).toBe('"$${a}%%{b}"');
  });

  it('Terraform: a hostile region and instance type open no rule and add no resource', async () => {
    const platform = withHost({ region: HOSTILE, instanceType: HOSTILE });
    const tf = only(renderTerraform(platform, { withInstance: true }));
    const json = (await hcl2json('main.tf', tf.content)) as { resource: Record<string, unknown>; variable: Record<string, { default?: unknown }[]> };
    expect(Object.keys(json.resource).sort()).toEqual([
      'aws_instance',
      'aws_security_group',
      'aws_vpc_security_group_egress_rule',
      'aws_vpc_security_group_ingress_rule',
    ]);
    expect(String(json.variable['region']?.[0]?.default).replaceAll('$${', '${').replaceAll('%%{', '%{')).toBe(HOSTILE);
    const state = ingestTerraform({ file: 'main.tf', text: tf.content });
    expect(state.problems).toEqual([]);
    expect(state.fragment.cloud?.ingress).toHaveLength(3);
  });

  it('CloudFormation: a hostile instance type is one YAML string', () => {
    const platform = withHost({ instanceType: HOSTILE, region: HOSTILE });
    const cfn = only(renderCloudFormation(platform, { withInstance: true }));
    const doc = parseYaml(cfn.content) as { Resources: Record<string, { Properties: Record<string, unknown> }> };
    expect(doc.Resources['Instance']?.Properties['InstanceType']).toBe(HOSTILE);
    expect(Object.keys(doc.Resources)).toEqual(['SecurityGroup', 'Instance']);
    expect(ingestCloudFormation({ file: cfn.path, text: cfn.content }).fragment.cloud?.ingress).toHaveLength(3);
  });
});
