// Compose port entries, both syntaxes, into host publications.
//
// Short syntax `[HOST_IP:][HOST[-END]]:CONTAINER[-END][/PROTO]` is split the
// way Docker splits it (docker/go-connections nat/nat.go, splitParts and
// ParsePortSpec, v0.5): the last `:` part is the container side, the one
// before it the host port, everything before that the address, brackets
// around IPv6 stripped. An empty host port (`"5432"`, `"127.0.0.1::5432"`)
// lets the daemon pick one from its ephemeral range.
// Long syntax: compose-spec 05-services.md#ports (target, published as a
// number or a "8000-8010" string, host_ip, protocol).
import { isIP } from 'node:net';
import { type PortRange, portRange } from '../analyze/state.js';
import type { Protocol } from '../model/types.js';
import { get, type LNode, text } from './compose-yaml.js';

/**
 * The host ports Docker picks from when none is given: it reads the kernel's
 * /proc/sys/net/ipv4/ip_local_port_range, whose Linux default is 32768-60999
 * (moby libnetwork/portallocator, getDynamicPortRange; Documentation/networking/
 * ip-sysctl.rst). NOTE: when that file cannot be read, moby falls back to
 * 49153-65535 (portallocator_unix.go), and a host may widen the sysctl.
 */
export const EPHEMERAL_HOST_PORTS: PortRange = portRange(32768, 60999);

export interface PortEntry {
  /** '' = every address of both families (no host IP given). */
  readonly hostAddress: string;
  readonly hostPorts: PortRange;
  /** True when the daemon picks the host port (none given). */
  readonly ephemeral: boolean;
  readonly containerPorts: PortRange;
  readonly protocol: Protocol;
  /** Parts that could not be read and were widened towards exposure (`host address ${IP}`). */
  readonly widened: readonly string[];
}

export type PortParse = { readonly ok: true; readonly entry: PortEntry } | { readonly ok: false; readonly reason: string };

const fail = (reason: string): PortParse => ({ ok: false, reason });

/** `5432`, `8000-8010`; undefined when not a valid port or range. */
export function parsePortRange(raw: string): PortRange | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(raw.trim());
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to > 65535 || to < from) return undefined;
  return portRange(from, to);
}

function parseProtocol(raw: string | undefined): Protocol | 'unsupported' {
  const p = (raw ?? '').trim().toLowerCase();
  if (p === '' || p === 'tcp') return 'tcp';
  if (p === 'udp') return 'udp';
  return 'unsupported';
}

/** `[::1]`, `::1`, `0.0.0.0`; the address as written without brackets, or undefined. */
function hostIp(raw: string): string | undefined {
  const unbracketed = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  return isIP(unbracketed) === 0 ? undefined : unbracketed;
}

const ALL_PORTS = portRange(1, 65535);

/** One short-syntax entry (a string, or a bare number in YAML). */
export function parseShortPort(raw: string): PortParse {
  const spec = raw.trim();
  if (spec === '') return fail('the entry is empty');
  const slash = spec.lastIndexOf('/');
  const body = slash < 0 ? spec : spec.slice(0, slash);
  const protocol = parseProtocol(slash < 0 ? undefined : spec.slice(slash + 1));
  if (protocol === 'unsupported') return fail(`protocol ${spec.slice(slash + 1)} is not tcp or udp`);
  const parts = body.split(':');
  const containerRaw = parts[parts.length - 1] ?? '';
  const hostPortRaw = parts.length >= 2 ? (parts[parts.length - 2] ?? '') : '';
  const ipRaw = parts.length >= 3 ? parts.slice(0, -2).join(':') : '';
  const containerPorts = parsePortRange(containerRaw);
  if (!containerPorts) return fail(`container port ${JSON.stringify(containerRaw)} is not a port or range`);
  const widened: string[] = [];
  let hostAddress = '';
  if (ipRaw !== '') {
    const ip = hostIp(ipRaw);
    if (ip === undefined) widened.push(`host address ${ipRaw}`);
    else hostAddress = ip;
  }
  if (hostPortRaw === '') return { ok: true, entry: { hostAddress, hostPorts: EPHEMERAL_HOST_PORTS, ephemeral: true, containerPorts, protocol, widened } };
  let hostPorts = parsePortRange(hostPortRaw);
  if (!hostPorts) {
    widened.push(`host port ${hostPortRaw}`);
    hostPorts = ALL_PORTS;
  } else if (!sameSpan(hostPorts, containerPorts) && containerPorts.from !== containerPorts.to) {
    return fail(`host ports ${hostPortRaw} and container ports ${containerRaw} are ranges of different sizes`);
  }
  return { ok: true, entry: { hostAddress, hostPorts, ephemeral: false, containerPorts, protocol, widened } };
}

function sameSpan(a: PortRange, b: PortRange): boolean {
  return a.to - a.from === b.to - b.from;
}

/** One long-syntax entry (`target`, `published`, `host_ip`, `protocol`). */
export function parseLongPort(node: LNode): PortParse {
  const target = text(get(node, 'target'));
  if (target === undefined) return fail('it has no `target` (the container port)');
  const containerPorts = parsePortRange(target);
  if (!containerPorts) return fail(`target ${JSON.stringify(target)} is not a port or range`);
  const protocol = parseProtocol(text(get(node, 'protocol')));
  if (protocol === 'unsupported') return fail(`protocol ${text(get(node, 'protocol'))} is not tcp or udp`);
  const widened: string[] = [];
  let hostAddress = '';
  const ipRaw = text(get(node, 'host_ip'));
  if (ipRaw !== undefined && ipRaw !== '') {
    const ip = hostIp(ipRaw);
    if (ip === undefined) widened.push(`host address ${ipRaw}`);
    else hostAddress = ip;
  }
  const published = text(get(node, 'published'));
  if (published === undefined || published === '') {
    return { ok: true, entry: { hostAddress, hostPorts: EPHEMERAL_HOST_PORTS, ephemeral: true, containerPorts, protocol, widened } };
  }
  let hostPorts = parsePortRange(published);
  if (!hostPorts) {
    widened.push(`published port ${published}`);
    hostPorts = ALL_PORTS;
  }
  return { ok: true, entry: { hostAddress, hostPorts, ephemeral: false, containerPorts, protocol, widened } };
}

/** compose's uniqueness key for `ports` when files merge: {ip, target, published, protocol} (compose-spec 13-merge.md). */
export function portKey(e: PortEntry): string {
  const published = e.ephemeral ? '' : `${e.hostPorts.from}-${e.hostPorts.to}`;
  return `${e.hostAddress}|${e.containerPorts.from}-${e.containerPorts.to}|${published}|${e.protocol}`;
}

/** An `expose` entry: `3000`, `3000-3005`, `3000/udp`. */
export function parseExpose(raw: string): { ports: PortRange; protocol: Protocol } | undefined {
  const [portPart = '', protoPart] = raw.trim().split('/');
  const ports = parsePortRange(portPart);
  const protocol = parseProtocol(protoPart);
  if (!ports || protocol === 'unsupported') return undefined;
  return { ports, protocol };
}
