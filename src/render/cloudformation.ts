// aws/cloudformation.yaml: the host's security group (and, with withInstance,
// the instance itself with the cloud-init as user data). Intrinsics use the
// long form (`Ref:`, `Fn::GetAtt:`) so the file is plain YAML any parser reads.
import { Document, isMap, isSeq, LineCounter, parseDocument, Scalar } from 'yaml';
import type { Platform } from '../model/types.js';
import { ROOT_VOLUME_GIB, type SgRule, type SourceLine, securityGroup, ubuntuAmiParameter } from './aws-rules.js';
import { cloudInit, userDataFindings } from './bootstrap.js';
import { adminCidrFindings, adminCidrWarningLines } from './firewall-model.js';
import { generatedHeader, type RenderedFile, type Renderer, type RenderOptions, type RenderResult } from './types.js';

export const CLOUDFORMATION_PATH = 'aws/cloudformation.yaml';

function cfnRule(rule: SgRule): Record<string, unknown> {
  return {
    IpProtocol: rule.protocol,
    ...(rule.port === undefined ? {} : { FromPort: rule.port, ToPort: rule.port }),
    ...(rule.family === 4 ? { CidrIp: rule.cidr } : { CidrIpv6: rule.cidr }),
    Description: rule.description,
  };
}

function tags(platform: Platform, name: string): { Key: string; Value: string }[] {
  return [
    { Key: 'Name', Value: name },
    { Key: 'moat:project', Value: platform.project },
  ];
}

export function cloudFormationTemplate(platform: Platform, options: RenderOptions): Record<string, unknown> {
  const sg = securityGroup(platform);
  const withInstance = options.withInstance === true;
  const parameters: Record<string, unknown> = {
    VpcId: { Type: 'AWS::EC2::VPC::Id', Description: 'The VPC the host lives in' },
  };
  const resources: Record<string, unknown> = {
    SecurityGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupName: sg.name,
        GroupDescription: sg.description,
        VpcId: { Ref: 'VpcId' },
        SecurityGroupIngress: sg.ingress.map(cfnRule),
        SecurityGroupEgress: sg.egress.map(cfnRule),
        Tags: tags(platform, sg.name),
      },
    },
  };
  const outputs: Record<string, unknown> = {
    SecurityGroupId: { Description: 'The host security group', Value: { 'Fn::GetAtt': ['SecurityGroup', 'GroupId'] } },
  };
  if (withInstance) {
    Object.assign(parameters, {
      SubnetId: { Type: 'AWS::EC2::Subnet::Id', Description: 'A public subnet of the VPC' },
      KeyName: { Type: 'AWS::EC2::KeyPair::KeyName', Description: 'The SSH key pair for the admin' },
      ImageId: {
        Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
        Default: ubuntuAmiParameter(platform),
        Description: 'Ubuntu 24.04 LTS, the distribution host/bootstrap.sh is written for',
      },
      RootVolumeGiB: { Type: 'Number', Default: ROOT_VOLUME_GIB, MinValue: 30, Description: 'Images and local models need room' },
    });
    resources['Instance'] = {
      Type: 'AWS::EC2::Instance',
      Properties: {
        ImageId: { Ref: 'ImageId' },
        InstanceType: platform.host.instanceType,
        KeyName: { Ref: 'KeyName' },
        // A public address of its own (the admin's SSH and WireGuard direct paths need one),
        // whatever the subnet's default.
        NetworkInterfaces: [
          {
            DeviceIndex: '0',
            AssociatePublicIpAddress: true,
            DeleteOnTermination: true,
            SubnetId: { Ref: 'SubnetId' },
            GroupSet: [{ 'Fn::GetAtt': ['SecurityGroup', 'GroupId'] }],
          },
        ],
        BlockDeviceMappings: [
          { DeviceName: '/dev/sda1', Ebs: { VolumeSize: { Ref: 'RootVolumeGiB' }, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true } },
        ],
        UserData: { 'Fn::Base64': cloudInit(platform) },
        Tags: tags(platform, platform.host.tailscale.hostname),
      },
    };
    Object.assign(outputs, {
      InstanceId: { Description: 'The host', Value: { Ref: 'Instance' } },
      PublicIp: { Description: 'SSH from the admin CIDR only', Value: { 'Fn::GetAtt': ['Instance', 'PublicIp'] } },
    });
  }
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `moat ${platform.project}: host security group${withInstance ? ' and instance' : ''} (${platform.host.region})`,
    Parameters: parameters,
    Resources: resources,
    Outputs: outputs,
  };
}

export const renderCloudFormation: Renderer = (platform, options): RenderResult => {
  const header = [
    generatedHeader('#'),
    '# Inbound: SSH from the admin CIDR and Tailscale WireGuard (UDP) from anywhere, nothing else.',
    '# No rule for the gateway port: tailnet traffic arrives inside WireGuard (see the reference notes in PORTS.md).',
    ...adminCidrWarningLines(platform, '#'),
  ];
  const doc = new Document(cloudFormationTemplate(platform, options));
  // Quoted: a YAML 1.1 reader would otherwise take the version for a date.
  const version = doc.get('AWSTemplateFormatVersion', true);
  if (version instanceof Scalar) version.type = Scalar.QUOTE_DOUBLE;
  const body = doc.toString({ lineWidth: 0 });
  const file: RenderedFile & { sourceMap: readonly SourceLine[] } = {
    path: CLOUDFORMATION_PATH,
    content: `${header.join('\n')}\n${body}`,
    sourceMap: ingressLines(body, header.length, securityGroup(platform).ingress),
  };
  return {
    files: [file],
    warnings: [...adminCidrFindings(platform, CLOUDFORMATION_PATH), ...(options.withInstance === true ? userDataFindings(platform, CLOUDFORMATION_PATH) : [])],
  };
};

/** The line of each ingress rule in the written template (read back from the YAML, not counted by hand). */
function ingressLines(body: string, offset: number, rules: readonly SgRule[]): SourceLine[] {
  const lineCounter = new LineCounter();
  const written = parseDocument(body, { lineCounter });
  const ingress = written.getIn(['Resources', 'SecurityGroup', 'Properties', 'SecurityGroupIngress'], true);
  if (!isSeq(ingress)) return [];
  return ingress.items.flatMap((item, i) => {
    const rule = rules[i];
    if (!isMap(item) || item.range === undefined || item.range === null || rule === undefined) return [];
    return [{ line: offset + lineCounter.linePos(item.range[0]).line, path: rule.path }];
  });
}
