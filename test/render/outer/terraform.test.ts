// aws/main.tf parsed by a real HCL parser (@cdktf/hcl2json): the expected
// resources, ports and CIDRs, the provider pin, and the optional instance.
import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { cloudInit } from '../../../src/render/bootstrap.js';
import { renderTerraform } from '../../../src/render/terraform.js';
import { fileOf, reference, withHost } from './support.js';

const PATH = 'aws/main.tf';

type Blocks = Record<string, Record<string, Record<string, unknown>[]>>;
interface Tf {
  terraform: { required_providers: Record<string, { source: string; version: string }>[] }[];
  resource: Blocks;
  variable: Record<string, unknown>;
  data?: Blocks;
}

async function tf(withInstance: boolean, platform = reference()): Promise<Tf> {
  return (await parse('main.tf', fileOf(renderTerraform(platform, { withInstance }), PATH))) as unknown as Tf;
}

function rules(doc: Tf, kind: 'ingress' | 'egress'): Record<string, unknown>[] {
  return Object.values(doc.resource[`aws_vpc_security_group_${kind}_rule`] ?? {}).map((r) => r[0]!);
}

describe('Terraform', () => {
  it('parses, pins hashicorp/aws ~> 5.0 and takes the VPC as a variable', async () => {
    const doc = await tf(false);
    expect(doc.terraform[0]!.required_providers[0]!['aws']).toEqual({ source: 'hashicorp/aws', version: '~> 5.0' });
    expect(Object.keys(doc.variable).sort()).toEqual(['region', 'vpc_id']);
    expect(Object.keys(doc.resource).sort()).toEqual(['aws_security_group', 'aws_vpc_security_group_egress_rule', 'aws_vpc_security_group_ingress_rule']);
    expect(doc.resource['aws_security_group']!['host']![0]!['vpc_id']).toBe('${var.vpc_id}');
  });

  it('opens exactly SSH from the admin CIDR and WireGuard UDP from the world, v4 and v6', async () => {
    const doc = await tf(true);
    const key = (r: Record<string, unknown>) => `${r['ip_protocol']} ${r['from_port']}-${r['to_port']} ${r['cidr_ipv4'] ?? r['cidr_ipv6']}`;
    expect(rules(doc, 'ingress').map(key).sort()).toEqual(['tcp 22-22 203.0.113.10/32', 'udp 41641-41641 0.0.0.0/0', 'udp 41641-41641 ::/0']);
    expect(
      rules(doc, 'egress')
        .map((r) => `${r['ip_protocol']} ${r['cidr_ipv4'] ?? r['cidr_ipv6']}`)
        .sort(),
    ).toEqual(['-1 0.0.0.0/0', '-1 ::/0']);
    for (const r of [...rules(doc, 'ingress'), ...rules(doc, 'egress')]) expect(r['security_group_id']).toBe('${aws_security_group.host.id}');
  });

  it('has no 8443 anywhere outside the instance user data', async () => {
    expect(fileOf(renderTerraform(reference(), {}), PATH)).not.toContain('8443');
    const doc = await tf(true);
    delete doc.resource['aws_instance']!['host']![0]!['user_data'];
    expect(JSON.stringify(doc)).not.toContain('8443');
  });

  it('renders the instance only when asked, with the cloud-init as user data and IMDSv2', async () => {
    expect((await tf(false)).resource['aws_instance']).toBeUndefined();
    const instance = (await tf(true)).resource['aws_instance']!['host']![0]!;
    // hcl2json returns the template source: `$${` is HCL's escape for a literal `${`.
    expect(String(instance['user_data']).replaceAll('$${', '${').replaceAll('%%{', '%{')).toBe(cloudInit(reference()));
    expect(instance['instance_type']).toBe('m7i.2xlarge');
    expect(instance['vpc_security_group_ids']).toEqual(['${aws_security_group.host.id}']);
    expect(instance['metadata_options']).toEqual([expect.objectContaining({ http_tokens: 'required' })]);
  });

  it('puts an IPv6 admin CIDR in cidr_ipv6', async () => {
    const ssh = rules(await tf(false, withHost({ adminCidr: '2001:db8::10/128' })), 'ingress').find((r) => r['from_port'] === 22);
    expect(ssh).toMatchObject({ cidr_ipv6: '2001:db8::10/128' });
    expect(ssh).not.toHaveProperty('cidr_ipv4');
  });

  it('warns (finding and comment) when the admin CIDR is the world', () => {
    const result = renderTerraform(withHost({ adminCidr: '0.0.0.0/0' }), {});
    expect(result.warnings.map((w) => [w.code, w.path])).toEqual([['render.admin-cidr-world', 'host.adminCidr']]);
    expect(fileOf(result, PATH)).toContain('# WARNING: host.adminCidr is 0.0.0.0/0');
    expect(renderTerraform(reference(), {}).warnings).toEqual([]);
  });
});
