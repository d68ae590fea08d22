// aws/cloudformation.yaml: valid against the CloudFormation resource
// specification, and exactly the security group the reference allows.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cloudInit, EC2_USER_DATA_LIMIT } from '../../../src/render/bootstrap.js';
import { renderCloudFormation } from '../../../src/render/cloudformation.js';
import { validateTemplate } from './cfn-spec.js';
import { fileOf, reference, withHost } from './support.js';

const PATH = 'aws/cloudformation.yaml';

interface Rule {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  CidrIp?: string;
  CidrIpv6?: string;
  Description?: string;
}

function template(withInstance: boolean, platform = reference()): Record<string, unknown> {
  return parse(fileOf(renderCloudFormation(platform, { withInstance }), PATH)) as Record<string, unknown>;
}

function sgOf(t: Record<string, unknown>): { SecurityGroupIngress: Rule[]; SecurityGroupEgress: Rule[] } {
  const resources = t['Resources'] as Record<string, { Type: string; Properties: never }>;
  const sgs = Object.values(resources).filter((r) => r.Type === 'AWS::EC2::SecurityGroup');
  expect(sgs).toHaveLength(1);
  return sgs[0]!.Properties;
}

describe('CloudFormation template', () => {
  it('validates against the resource specification (with and without the instance)', () => {
    expect(validateTemplate(template(false))).toEqual([]);
    expect(validateTemplate(template(true))).toEqual([]);
  });

  it('the validator itself rejects a wrong property name, a missing required one and a wrong type', () => {
    const t = template(false);
    const sg = (t['Resources'] as Record<string, { Properties: Record<string, unknown> }>)['SecurityGroup']!.Properties;
    delete sg['GroupDescription'];
    sg['GroupDescripton'] = 'typo';
    (sg['SecurityGroupIngress'] as Rule[])[0]!.FromPort = 'twenty-two' as unknown as number;
    const errors = validateTemplate(t);
    expect(errors.some((e) => e.includes('GroupDescripton: no such property'))).toBe(true);
    expect(errors.some((e) => e.includes('GroupDescription: required'))).toBe(true);
    expect(errors.some((e) => e.includes('FromPort: expected Integer'))).toBe(true);
  });

  it('opens exactly SSH from the admin CIDR and WireGuard UDP from the world, v4 and v6', () => {
    const sg = sgOf(template(true));
    const key = (r: Rule) => `${r.IpProtocol} ${r.FromPort}-${r.ToPort} ${r.CidrIp ?? r.CidrIpv6}`;
    expect(sg.SecurityGroupIngress.map(key).sort()).toEqual(['tcp 22-22 203.0.113.10/32', 'udp 41641-41641 0.0.0.0/0', 'udp 41641-41641 ::/0']);
    expect(sg.SecurityGroupIngress.every((r) => (r.Description ?? '').length > 0)).toBe(true);
    expect(sg.SecurityGroupEgress.map((r) => `${r.IpProtocol} ${r.CidrIp ?? r.CidrIpv6}`).sort()).toEqual(['-1 0.0.0.0/0', '-1 ::/0']);
  });

  it('has no 8443 anywhere outside the instance user data', () => {
    expect(fileOf(renderCloudFormation(reference(), {}), PATH)).not.toContain('8443');
    const t = template(true);
    const instance = (t['Resources'] as Record<string, { Properties: Record<string, unknown> }>)['Instance']!;
    delete instance.Properties['UserData'];
    expect(JSON.stringify(t)).not.toContain('8443');
  });

  it('takes VpcId as a parameter and renders the instance only when asked, with the cloud-init as user data', () => {
    expect(template(false)['Parameters']).toEqual({ VpcId: expect.objectContaining({ Type: 'AWS::EC2::VPC::Id' }) });
    expect(Object.keys(template(false)['Resources'] as object)).toEqual(['SecurityGroup']);
    const resources = template(true)['Resources'] as Record<string, { Properties: Record<string, unknown> }>;
    expect(resources['Instance']!.Properties['UserData']).toEqual({ 'Fn::Base64': cloudInit(reference()) });
    expect(resources['Instance']!.Properties['InstanceType']).toBe('m7i.2xlarge');
    expect(resources['Instance']!.Properties['NetworkInterfaces']).toEqual([
      expect.objectContaining({ AssociatePublicIpAddress: true, GroupSet: [{ 'Fn::GetAtt': ['SecurityGroup', 'GroupId'] }] }),
    ]);
    expect(Object.keys(template(true)['Outputs'] as object).sort()).toEqual(['InstanceId', 'PublicIp', 'SecurityGroupId']);
  });

  it('puts an IPv6 admin CIDR in CidrIpv6', () => {
    const sg = sgOf(template(false, withHost({ adminCidr: '2001:db8::10/128' })));
    expect(sg.SecurityGroupIngress.find((r) => r.FromPort === 22)).toMatchObject({ CidrIpv6: '2001:db8::10/128' });
  });

  it('warns (finding and comment) when the admin CIDR is the world', () => {
    const result = renderCloudFormation(withHost({ adminCidr: '0.0.0.0/0' }), {});
    expect(result.warnings.map((w) => [w.code, w.path, w.severity])).toEqual([['render.admin-cidr-world', 'host.adminCidr', 'high']]);
    expect(fileOf(result, PATH)).toContain('# WARNING: host.adminCidr is 0.0.0.0/0');
    expect(renderCloudFormation(reference(), {}).warnings).toEqual([]);
    expect(renderCloudFormation(withHost({ adminCidr: '::/0' }), {}).warnings.map((w) => w.code)).toEqual(['render.admin-cidr-world']);
    expect(renderCloudFormation(withHost({ adminCidr: '0.0.0.0/1' }), {}).warnings).toEqual([]);
  });

  it("says when the instance's user data is over EC2's 16 KB, and only for the instance", async () => {
    const { renderTerraform } = await import('../../../src/render/terraform.js');
    const size = Buffer.byteLength(cloudInit(reference()), 'utf8');
    expect(size, 'the reference bootstrap with its host files').toBeGreaterThan(EC2_USER_DATA_LIMIT);
    for (const render of [renderCloudFormation, renderTerraform]) {
      expect(render(reference(), { withInstance: true }).warnings.map((w) => [w.code, w.severity])).toEqual([['render.cloud.user-data-too-large', 'high']]);
      expect(render(reference(), {}).warnings).toEqual([]);
    }
  });
});
