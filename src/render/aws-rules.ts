// The security group as data, shared by the CloudFormation and Terraform
// renderers so both open exactly the same thing: SSH from the admin CIDR and
// Tailscale's WireGuard port from the world (IPv4 and IPv6). No rule for the
// gateway port: tailnet traffic arrives inside WireGuard (see ref.sg-8443).
import type { Platform } from '../model/types.js';
import { adminCidr, type Family } from './firewall-model.js';

export interface SgRule {
  /** Stable identifier for resource names (`ssh_admin`, `tailscale_v6`). */
  readonly id: string;
  readonly protocol: 'tcp' | 'udp' | '-1';
  /** Absent for protocol -1 (all traffic). */
  readonly port?: number;
  readonly cidr: string;
  readonly family: Family;
  /** AWS allows only a-zA-Z0-9. _-:/()#,@[]+=&;{}!$* in descriptions. */
  readonly description: string;
  /** The model field the rule comes from, for the rendered files' source maps. */
  readonly path: string;
}

/** A line of a rendered file and the model path it comes from (until RenderedFile has the field). */
export interface SourceLine {
  readonly line: number;
  readonly path: string;
}

export interface SecurityGroupModel {
  readonly name: string;
  readonly description: string;
  readonly ingress: readonly SgRule[];
  readonly egress: readonly SgRule[];
}

export const WORLD_V4 = '0.0.0.0/0';
export const WORLD_V6 = '::/0';

export function securityGroup(platform: Platform): SecurityGroupModel {
  const { host } = platform;
  const admin = adminCidr(platform);
  const udp = host.tailscale.udpPort;
  return {
    name: `${platform.project}-host`,
    description: `moat ${platform.project}: SSH from the admin CIDR, Tailscale WireGuard from anywhere`,
    ingress: [
      {
        id: 'ssh_admin',
        protocol: 'tcp',
        port: host.sshPort,
        cidr: admin.cidr,
        family: admin.family,
        description: 'SSH (key-based) from the admin CIDR',
        path: 'host.adminCidr',
      },
      {
        id: 'tailscale_v4',
        protocol: 'udp',
        port: udp,
        cidr: WORLD_V4,
        family: 4,
        description: 'Tailscale WireGuard direct paths (encrypted)',
        path: 'host.tailscale.udpPort',
      },
      {
        id: 'tailscale_v6',
        protocol: 'udp',
        port: udp,
        cidr: WORLD_V6,
        family: 6,
        description: 'Tailscale WireGuard direct paths (encrypted)',
        path: 'host.tailscale.udpPort',
      },
    ],
    egress: [
      { id: 'all_v4', protocol: '-1', cidr: WORLD_V4, family: 4, description: 'All outbound (updates, image pulls, model APIs, Tailscale)', path: 'host' },
      { id: 'all_v6', protocol: '-1', cidr: WORLD_V6, family: 6, description: 'All outbound (updates, image pulls, model APIs, Tailscale)', path: 'host' },
    ],
  };
}

/** Graviton families carry a `g` after the generation digit (m7g, c7gn, t4g); GPU `g5` does not. */
export function instanceArch(instanceType: string): 'amd64' | 'arm64' {
  return /^[a-z]+\d+[a-z]*g[a-z]*\./.test(instanceType) ? 'arm64' : 'amd64';
}

/** The Ubuntu LTS image the bootstrap is written for, as AWS's public SSM parameter. */
export function ubuntuAmiParameter(platform: Platform): string {
  return `/aws/service/canonical/ubuntu/server/24.04/stable/current/${instanceArch(platform.host.instanceType)}/hvm/ebs-gp3/ami-id`;
}

/** Root volume default: images plus a few local models do not fit the 8 GiB default. */
export const ROOT_VOLUME_GIB = 100;
