// aws/main.tf: the same security group as the CloudFormation template, as
// Terraform with the AWS provider 5.x. Rules are separate
// aws_vpc_security_group_{ingress,egress}_rule resources (one CIDR each), the
// form the provider recommends over inline rules.
import type { Platform } from '../model/types.js';
import { ROOT_VOLUME_GIB, type SgRule, type SourceLine, securityGroup, ubuntuAmiParameter } from './aws-rules.js';
import { cloudInit, userDataFindings } from './bootstrap.js';
import { adminCidrFindings, adminCidrWarningLines } from './firewall-model.js';
import { expr, type HclAttr, type HclBlock, hclFile, heredoc } from './hcl.js';
import { generatedHeader, type RenderedFile, type Renderer, type RenderOptions, type RenderResult } from './types.js';

export const TERRAFORM_PATH = 'aws/main.tf';

const a = (name: string, value: HclAttr['value']): HclAttr => ({ name, value });

function ruleResource(kind: 'ingress' | 'egress', rule: SgRule): HclBlock {
  return {
    type: 'resource',
    labels: [`aws_vpc_security_group_${kind}_rule`, rule.id],
    body: [
      a('security_group_id', expr('aws_security_group.host.id')),
      a('description', rule.description),
      a('ip_protocol', rule.protocol),
      ...(rule.port === undefined ? [] : [a('from_port', rule.port), a('to_port', rule.port)]),
      a(rule.family === 4 ? 'cidr_ipv4' : 'cidr_ipv6', rule.cidr),
    ],
  };
}

function variable(name: string, type: string, description: string, defaultValue?: HclAttr['value']): HclBlock {
  return {
    type: 'variable',
    labels: [name],
    body: [a('type', expr(type)), a('description', description), ...(defaultValue === undefined ? [] : [a('default', defaultValue)])],
  };
}

function output(name: string, description: string, value: string): HclBlock {
  return { type: 'output', labels: [name], body: [a('description', description), a('value', expr(value))] };
}

export function terraformBlocks(platform: Platform, options: RenderOptions): HclBlock[] {
  const sg = securityGroup(platform);
  const tags = { Name: sg.name, 'moat:project': platform.project };
  const blocks: HclBlock[] = [
    {
      type: 'terraform',
      body: [a('required_version', '>= 1.5'), { type: 'required_providers', body: [a('aws', { source: 'hashicorp/aws', version: '~> 5.0' })] }],
    },
    { type: 'provider', labels: ['aws'], body: [a('region', expr('var.region'))] },
    variable('region', 'string', 'AWS region of the host', platform.host.region),
    variable('vpc_id', 'string', 'The VPC the host lives in'),
    {
      type: 'resource',
      labels: ['aws_security_group', 'host'],
      comments: [
        'Inbound: SSH from the admin CIDR and Tailscale WireGuard (UDP) from anywhere, nothing else.',
        'No rule for the gateway port: tailnet traffic arrives inside WireGuard (see the reference notes in PORTS.md).',
      ],
      body: [a('name', sg.name), a('description', sg.description), a('vpc_id', expr('var.vpc_id')), a('tags', tags)],
    },
    ...sg.ingress.map((r) => ruleResource('ingress', r)),
    ...sg.egress.map((r) => ruleResource('egress', r)),
    output('security_group_id', 'The host security group', 'aws_security_group.host.id'),
  ];
  if (options.withInstance === true) blocks.push(...instanceBlocks(platform));
  return blocks;
}

function instanceBlocks(platform: Platform): HclBlock[] {
  return [
    variable('subnet_id', 'string', 'A public subnet of the VPC'),
    variable('key_name', 'string', 'The SSH key pair for the admin'),
    variable('root_volume_gib', 'number', 'Images and local models need room', ROOT_VOLUME_GIB),
    {
      type: 'data',
      labels: ['aws_ssm_parameter', 'ubuntu'],
      comments: ['Ubuntu 24.04 LTS, the distribution host/bootstrap.sh is written for.'],
      body: [a('name', ubuntuAmiParameter(platform))],
    },
    {
      type: 'resource',
      labels: ['aws_instance', 'host'],
      comments: ['User data is the cloud-init of host/cloud-init.yaml; it carries no secret.'],
      body: [
        a('ami', expr('data.aws_ssm_parameter.ubuntu.value')),
        a('instance_type', platform.host.instanceType),
        a('subnet_id', expr('var.subnet_id')),
        a('key_name', expr('var.key_name')),
        a('vpc_security_group_ids', [expr('aws_security_group.host.id')]),
        a('associate_public_ip_address', true),
        a('user_data', heredoc(cloudInit(platform))),
        a('tags', { Name: platform.host.tailscale.hostname, 'moat:project': platform.project }),
        { type: 'root_block_device', body: [a('volume_size', expr('var.root_volume_gib')), a('volume_type', 'gp3'), a('encrypted', true)] },
        { type: 'metadata_options', comments: ['IMDSv2 only.'], body: [a('http_tokens', 'required'), a('http_endpoint', 'enabled')] },
      ],
    },
    output('instance_id', 'The host', 'aws_instance.host.id'),
    output('public_ip', 'SSH from the admin CIDR only', 'aws_instance.host.public_ip'),
  ];
}

export const renderTerraform: Renderer = (platform, options): RenderResult => {
  const header = [generatedHeader('#'), ...adminCidrWarningLines(platform, '#')];
  const content = hclFile(header, terraformBlocks(platform, options));
  const lines = content.split('\n');
  const sourceMap: SourceLine[] = securityGroup(platform).ingress.flatMap((rule) => {
    const at = lines.indexOf(`resource "aws_vpc_security_group_ingress_rule" ${JSON.stringify(rule.id)} {`);
    return at < 0 ? [] : [{ line: at + 1, path: rule.path }];
  });
  const file: RenderedFile & { sourceMap: readonly SourceLine[] } = { path: TERRAFORM_PATH, content, sourceMap };
  return {
    files: [file],
    warnings: [...adminCidrFindings(platform, TERRAFORM_PATH), ...(options.withInstance === true ? userDataFindings(platform, TERRAFORM_PATH) : [])],
  };
};
