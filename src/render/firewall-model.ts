// What the outer layers (security group, nftables, DOCKER-USER) derive from the
// Platform, computed once so every artifact agrees: the admin CIDR with its
// family, the platform subnets per family, and the publications the tailnet
// may reach. Nothing here invents a port or an address.
import { parseCidr } from 'cidr-tools';
import type { Finding } from '../model/findings.js';
import { isWildcardAddress } from '../model/net.js';
import type { Platform, Protocol } from '../model/types.js';

export type Family = 4 | 6;

export interface AdminCidr {
  /** Always with a prefix (a bare address becomes /32 or /128). */
  readonly cidr: string;
  readonly family: Family;
  /** 0.0.0.0/0 or ::/0: SSH open to the world. */
  readonly worldWide: boolean;
}

/** A host port the tailnet may reach: matched on its original (pre-DNAT) destination. */
export interface TailnetPublication {
  readonly service: string;
  /** `services.<name>.publish[<i>]`, for comments and findings. */
  readonly path: string;
  readonly protocol: Protocol;
  readonly hostPort: number;
  readonly hostPortEnd?: number;
  /** What compose binds (the Tailscale address, a wildcard, ...). */
  readonly hostAddress: string;
}

function familyOf(address: string): Family {
  return address.includes(':') ? 6 : 4;
}

export function adminCidr(platform: Platform): AdminCidr {
  const raw = platform.host.adminCidr.trim();
  const family = familyOf(raw);
  const cidr = raw.includes('/') ? raw : `${raw}/${family === 4 ? 32 : 128}`;
  const parsed = parseCidr(cidr);
  return { cidr, family: parsed.version, worldWide: Number(parsed.prefix) === 0 };
}

/** The warning every artifact that opens SSH carries when the admin CIDR is the world. */
export function adminCidrFindings(platform: Platform, artifact: string): Finding[] {
  const admin = adminCidr(platform);
  if (!admin.worldWide) return [];
  return [
    {
      code: 'render.admin-cidr-world',
      severity: 'high',
      path: 'host.adminCidr',
      message: `${artifact}: SSH (${platform.host.sshPort}/tcp) is open to the whole internet (admin CIDR ${admin.cidr})`,
      hint: 'set host.adminCidr in moat.yaml to your own address as a /32 (or /128)',
    },
  ];
}

/** The comment line an artifact carries for the same warning (empty when fine). */
export function adminCidrWarningLines(platform: Platform, comment: string): string[] {
  const admin = adminCidr(platform);
  if (!admin.worldWide) return [];
  return [
    `${comment} WARNING: host.adminCidr is ${admin.cidr}: SSH (${platform.host.sshPort}/tcp) is open to the whole internet.`,
    `${comment} Set it to your own address as a /32 (or /128) in moat.yaml.`,
  ];
}

/**
 * Every publication that listens on the Tailscale address (or on a wildcard,
 * which includes it). Loopback or other specific addresses are unreachable
 * from the tailnet, so they get no rule.
 */
export function tailnetPublications(platform: Platform): TailnetPublication[] {
  const { address, address6 } = platform.host.tailscale;
  const result: TailnetPublication[] = [];
  for (const service of platform.services) {
    service.publish.forEach((p, i) => {
      const onTailnet = isWildcardAddress(p.hostAddress) || p.hostAddress === address || p.hostAddress === address6;
      if (!onTailnet) return;
      result.push({
        service: service.name,
        path: `services.${service.name}.publish[${i}]`,
        protocol: p.protocol,
        hostPort: p.hostPort,
        ...(p.hostPortEnd === undefined ? {} : { hostPortEnd: p.hostPortEnd }),
        hostAddress: p.hostAddress,
      });
    });
  }
  return result;
}

/** `8443` or `8000:8010` (iptables) / `8000-8010` (nft). */
export function portText(p: { readonly hostPort: number; readonly hostPortEnd?: number }, rangeSeparator: ':' | '-'): string {
  return p.hostPortEnd === undefined || p.hostPortEnd === p.hostPort ? String(p.hostPort) : `${p.hostPort}${rangeSeparator}${p.hostPortEnd}`;
}

/**
 * The gateway's own publications on the tailnet: one per app origin (8443,
 * 8444, ...), each a port the firewall admits from the tailnet interface only.
 */
export function gatewayPublications(platform: Platform): TailnetPublication[] {
  return tailnetPublications(platform).filter((p) => p.service === platform.gateway.service);
}

/**
 * Values that land in firewall files must be tokens of the target syntax, never
 * syntax: an interface name as the kernel allows it (IFNAMSIZ 16 with the NUL,
 * no blanks, no `*`/`+` wildcards, no quotes or newlines). The loader rejects
 * such names too; this is the renderer's own guarantee.
 */
const INTERFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

export function assertInterfaceName(name: string, path: string): string {
  if (!INTERFACE_NAME.test(name)) throw new Error(`${path}: ${JSON.stringify(name)} is not an interface name (letters, digits, _ . -, at most 15)`);
  return name;
}

/** An address or CIDR that cidr-tools parses, of the given family when one is asked for. */
export function assertAddress(value: string, path: string, family?: Family): string {
  let version: number | undefined;
  try {
    version = /^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(value) ? parseCidr(value).version : undefined;
  } catch {
    version = undefined;
  }
  if (version === undefined || (family !== undefined && version !== family)) {
    throw new Error(`${path}: ${JSON.stringify(value)} is not an IPv${family ?? '4 or IPv6'} address or CIDR`);
  }
  return value;
}
