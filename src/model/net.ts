// IP and CIDR helpers. Syntax comes from node:net, range math from cidr-tools,
// so moat never does its own bit arithmetic on addresses.
import { isIP } from 'node:net';
import { containsCidr, expandCidr, normalizeCidr, parseCidr } from 'cidr-tools';

export type IpVersion = 4 | 6;

export interface Cidr {
  /** Normalized text: the network address and the prefix (`172.20.0.0/16`). */
  readonly text: string;
  /** The address as written, without the prefix. */
  readonly address: string;
  readonly prefix: number;
  readonly version: IpVersion;
}

/** 4 or 6 for a literal IP address (no prefix, no brackets), else undefined. */
export function ipVersion(text: string): IpVersion | undefined {
  const version = isIP(text);
  return version === 4 || version === 6 ? version : undefined;
}

export function isIpAddress(text: string): boolean {
  return ipVersion(text) !== undefined;
}

/** Parses `address/prefix`; undefined unless both halves are valid. */
export function parseCidrText(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const version = ipVersion(address);
  if (version === undefined || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (version === 4 ? 32 : 128)) return undefined;
  return { text: normalizeCidr(`${address}/${prefix}`), address, prefix, version };
}

/** A CIDR, or a single address written as one (`198.51.100.7` → `198.51.100.7/32`). */
export function toCidr(text: string): Cidr | undefined {
  const version = ipVersion(text);
  if (version !== undefined) return parseCidrText(`${text}/${version === 4 ? 32 : 128}`);
  return parseCidrText(text);
}

/** Whether `inner` (an address or CIDR) lies entirely inside `outer`; false across versions. */
export function contains(outer: string, inner: string): boolean {
  const a = toCidr(outer);
  const b = toCidr(inner);
  if (!a || !b || a.version !== b.version) return false;
  return containsCidr(a.text, b.text);
}

/** Whether two CIDRs share any address; false across versions. */
export function sameAddress(a: string, b: string): boolean {
  if (!isIpAddress(a) || !isIpAddress(b)) return false;
  return normalizeCidr(a) === normalizeCidr(b);
}

/** The first address of a network (`172.20.0.0` for `172.20.0.0/16`). */
export function networkAddress(cidr: string): string | undefined {
  const parsed = toCidr(cidr);
  return parsed ? parsed.text.slice(0, parsed.text.lastIndexOf('/')) : undefined;
}

/** Whether `ip` is the network address of `cidr` (its first address). */
export function isNetworkAddress(cidr: string, ip: string): boolean {
  const net = toCidr(cidr);
  if (!net || ipVersion(ip) !== net.version) return false;
  return parseCidr(ip).start === parseCidr(net.text).start;
}

/**
 * Whether `ip` is the IPv4 broadcast address of `cidr` (its last address).
 * IPv6 has no broadcast; /31 and /32 have none either (RFC 3021).
 */
export function isBroadcastAddress(cidr: string, ip: string): boolean {
  const net = toCidr(cidr);
  if (net?.version !== 4 || net.prefix >= 31 || ipVersion(ip) !== 4) return false;
  return parseCidr(ip).start === parseCidr(net.text).end;
}

/** The first address after the network address (Docker's default bridge gateway). */
export function firstHostAddress(cidr: string): string | undefined {
  const net = toCidr(cidr);
  if (!net) return undefined;
  // expandCidr is lazy: take the second address, never the whole range.
  let index = 0;
  for (const address of expandCidr(net.text)) {
    if (index === 1) return address;
    index += 1;
  }
  return undefined;
}

/**
 * One spelling per address, so that comparisons are of addresses, not of
 * text: brackets and an IPv6 zone (`%eth0`) dropped, lower case, IPv6
 * compressed (`0:0::0` → `::`), and an IPv4-mapped IPv6 address written as
 * the IPv4 address it is (`::ffff:127.0.0.1` → `127.0.0.1`; the kernel
 * delivers it to the IPv4 socket). Anything that is not an address is
 * returned trimmed and lower-cased (a name, '' or `*`).
 */
export function canonicalAddress(text: string): string {
  let bare = text.trim();
  if (bare.startsWith('[') && bare.endsWith(']')) bare = bare.slice(1, -1);
  const zone = bare.indexOf('%');
  if (zone >= 0) bare = bare.slice(0, zone);
  bare = bare.toLowerCase();
  const version = ipVersion(bare);
  if (version === undefined) return bare;
  if (version === 4) return normalizeCidr(bare);
  const compressed = normalizeCidr(bare);
  const mappedDotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(compressed);
  if (mappedDotted?.[1] !== undefined) return normalizeCidr(mappedDotted[1]);
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(compressed);
  if (mappedHex?.[1] !== undefined && mappedHex[2] !== undefined) {
    const hi = Number.parseInt(mappedHex[1], 16);
    const lo = Number.parseInt(mappedHex[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return compressed;
}

/**
 * A publication's host address that means "every address": compose's empty
 * or `*` (both families) and any spelling of `0.0.0.0` / `::` (`[::0]`,
 * `0:0::0`, `::ffff:0.0.0.0`). The firewall renderers, the ingesters and the
 * analyzer must agree on this, so it is defined once, here.
 */
export function isWildcardAddress(hostAddress: string): boolean {
  const canonical = canonicalAddress(hostAddress);
  return canonical === '' || canonical === '*' || canonical === '0.0.0.0' || canonical === '::';
}

/** The addresses a publication listens on, canonical: empty or `*` is both families' wildcard, anything else itself. */
export function publishedAddresses(hostAddress: string): string[] {
  const canonical = canonicalAddress(hostAddress);
  return canonical === '' || canonical === '*' ? ['0.0.0.0', '::'] : [canonical];
}
