// Compose `ports:` entries → the model's Publish. Short syntax:
// "[HOST_IP:]HOST_PORT[-END]:CONTAINER_PORT[-END][/PROTOCOL]", IPv6 in brackets
// ("[::]:5432:5432"); long syntax: { target, published, host_ip, protocol }.
// https://docs.docker.com/reference/compose-file/services/#ports
import type { PublishEntry } from './config-schema.js';
import { ipVersion } from './net.js';
import type { Protocol } from './types.js';

/** The model's Publish, as schema input. */
export interface PublishValue {
  readonly hostAddress: string;
  readonly hostPort: number;
  readonly hostPortEnd?: number;
  readonly containerPort: number;
  readonly protocol: Protocol;
}

export type PublishResult = { readonly ok: true; readonly value: PublishValue } | { readonly ok: false; readonly problem: string };

/** Compose binds every interface when no host address is given. */
export const ALL_INTERFACES = '0.0.0.0';

interface Range {
  readonly start: number;
  readonly end: number;
}

function parseRange(text: string, what: string): Range | string {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!match) return `${what} "${text}" is not a port or a port range`;
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (start < 1 || start > 65535 || end < 1 || end > 65535) return `${what} ${text} is outside 1-65535`;
  if (end < start) return `${what} range ${text} ends before it starts`;
  return { start, end };
}

function fail(problem: string): PublishResult {
  return { ok: false, problem };
}

function build(hostAddress: string, host: Range, container: Range, protocol: Protocol): PublishResult {
  const hostCount = host.end - host.start;
  const containerCount = container.end - container.start;
  if (containerCount > 0 && containerCount !== hostCount) {
    return fail(`host range ${host.start}-${host.end} and container range ${container.start}-${container.end} differ in length`);
  }
  return {
    ok: true,
    value: {
      hostAddress,
      hostPort: host.start,
      ...(host.end !== host.start ? { hostPortEnd: host.end } : {}),
      containerPort: container.start,
      protocol,
    },
  };
}

function parseProtocol(text: string | undefined): Protocol | string {
  if (text === undefined || text === 'tcp') return 'tcp';
  if (text === 'udp') return 'udp';
  return `protocol "${text}" is not supported (tcp or udp)`;
}

export function parsePublishShort(text: string): PublishResult {
  const slash = text.lastIndexOf('/');
  const protocol = parseProtocol(slash >= 0 ? text.slice(slash + 1) : undefined);
  if (typeof protocol === 'string' && protocol !== 'tcp' && protocol !== 'udp') return fail(protocol);
  let rest = slash >= 0 ? text.slice(0, slash) : text;
  let hostAddress: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || rest[close + 1] !== ':') return fail('an IPv6 host address is written "[ADDRESS]:HOST_PORT:CONTAINER_PORT"');
    hostAddress = rest.slice(1, close);
    if (ipVersion(hostAddress) !== 6) return fail(`"${hostAddress}" is not an IPv6 address`);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(':');
  if (hostAddress === undefined && parts.length === 3) {
    hostAddress = parts.shift();
    if (hostAddress === undefined || ipVersion(hostAddress) !== 4) {
      return fail(`"${hostAddress ?? ''}" is not an IPv4 address (IPv6 goes in brackets: "[::1]:5432:5432")`);
    }
  }
  if (parts.length > 2) return fail('too many colons; write IPv6 host addresses in brackets ("[::]:5432:5432")');
  if (parts.length === 1) return fail('no host port: moat does not publish on ephemeral ports; write HOST_PORT:CONTAINER_PORT');
  const [hostText = '', containerText = ''] = parts;
  if (hostText === '') return fail('empty host port: moat does not publish on ephemeral ports');
  if (ipVersion(hostText) !== undefined) return fail(`"${text}" has a host address and a port but no container port: write HOST_IP:HOST_PORT:CONTAINER_PORT`);
  const host = parseRange(hostText, 'host port');
  if (typeof host === 'string') return fail(host);
  const container = parseRange(containerText, 'container port');
  if (typeof container === 'string') return fail(container);
  if (container.end !== container.start && host.end === host.start) return fail('a container port range needs a host port range of the same length');
  return build(hostAddress ?? ALL_INTERFACES, host, container, protocol as Protocol);
}

export function parsePublishEntry(entry: PublishEntry): PublishResult {
  if (typeof entry === 'string') return parsePublishShort(entry);
  if (entry.published === undefined) return fail('no published (host) port: moat does not publish on ephemeral ports');
  const host = typeof entry.published === 'number' ? { start: entry.published, end: entry.published } : parseRange(entry.published, 'published port');
  if (typeof host === 'string') return fail(host);
  return build(entry.host_ip ?? ALL_INTERFACES, host, { start: entry.target, end: entry.target }, entry.protocol ?? 'tcp');
}
