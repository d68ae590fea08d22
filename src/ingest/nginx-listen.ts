// nginx's `listen` and `location` arguments, and the checks nginx itself makes
// on listens (ngx_http_core_module docs, "listen" and "location"; the messages
// are nginx 1.22.1's, seen with `nginx -t`).

import type { GatewayListen, GatewayLocation, GatewayServer, Origin } from '../analyze/state.js';
import type { Finding } from '../model/findings.js';
import { NGINX_CODES } from './nginx-findings.js';
import { artifactProblem } from './types.js';

/** A listen as written: `marked` is `default_server` in the directive. */
export interface ListenSpec {
  readonly address?: string;
  readonly port: number;
  readonly tls: boolean;
  readonly marked: boolean;
  readonly origin: Origin;
}

/** Reads `listen ADDRESS[:PORT] [params]`; undefined for a unix socket (no TCP port), a string for what is wrong. */
export function parseListen(args: readonly string[], origin: Origin, sslOn: boolean): ListenSpec | undefined | string {
  const [spec, ...params] = args;
  if (spec === undefined) return 'listen names no address or port';
  if (spec.startsWith('unix:')) return undefined;
  if (spec.includes('$')) return `"${spec}" is a variable (an unsubstituted template?), nginx takes none here`;
  const tls = sslOn || params.includes('ssl') || params.includes('quic');
  const marked = params.includes('default_server') || params.includes('default');
  let address: string | undefined;
  let port: string | undefined;
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(spec);
  if (v6) [address, port] = [v6[1]?.toLowerCase(), v6[2]];
  else if (/^[0-9]+$/.test(spec)) port = spec;
  else if (spec.includes(':')) [address, port] = [spec.slice(0, spec.lastIndexOf(':')), spec.slice(spec.lastIndexOf(':') + 1)];
  else address = spec;
  if (address === '*') address = undefined;
  if (address !== undefined && (address === '' || address.includes(':') !== Boolean(v6))) return `"${spec}" is not an address nginx reads`;
  const n = port === undefined ? 80 : /^[0-9]{1,5}$/.test(port) ? Number(port) : Number.NaN;
  if (!(n >= 1 && n <= 65535)) return `"${port ?? ''}" is not a port`;
  return { ...(address !== undefined ? { address } : {}), port: n, tls, marked, origin };
}

/** `*:80`, `0.0.0.0:80` and `80` are one socket to nginx. */
export function socketKey(l: { readonly address?: string; readonly port: number }): string {
  const address = l.address === undefined || l.address === '0.0.0.0' ? '*' : l.address;
  return `${address.includes(':') ? `[${address}]` : address}:${l.port}`;
}

export function parseLocation(args: readonly string[]): Pick<GatewayLocation, 'modifier' | 'path'> | undefined {
  const modifiers = ['=', '^~', '~*', '~'] as const;
  if (args.length === 2) {
    const m = modifiers.find((x) => x === args[0]);
    return m && args[1] !== undefined ? { modifier: m, path: args[1] } : undefined;
  }
  const [one] = args;
  if (args.length !== 1 || one === undefined || one === '') return undefined;
  // nginx also reads the modifier glued to the path (`location =/x`, `location ~^/y`).
  const glued = modifiers.find((x) => one.startsWith(x) && one.length > x.length);
  return glued ? { modifier: glued, path: one.slice(glued.length) } : { modifier: '', path: one };
}

export interface ServerDraft {
  readonly listens: readonly ListenSpec[];
  readonly serverNames: readonly string[];
  readonly origin: Origin;
}

/**
 * The effective default server of each address:port (the one marked
 * `default_server`, else the first server that listens there), and the
 * duplicates nginx refuses or warns about.
 */
export function settleServers<D extends ServerDraft>(
  drafts: readonly D[],
  build: (draft: D, listens: readonly GatewayListen[]) => GatewayServer,
): { servers: GatewayServer[]; problems: Finding[] } {
  const problems: Finding[] = [];
  const dup = (at: Origin, message: string, hint: string): void => {
    problems.push(artifactProblem(NGINX_CODES.duplicateServer, 'medium', at, message, hint));
  };
  const defaults = new Map<string, D>();
  const names = new Map<string, D>();
  for (const d of drafts) {
    const own = new Set<string>();
    for (const l of d.listens) {
      const key = socketKey(l);
      if (own.has(key)) dup(l.origin, `a duplicate listen ${key} in one server: nginx refuses to start`, 'remove one of the two listen directives');
      own.add(key);
      if (l.marked) {
        const other = defaults.get(key);
        if (other?.listens.some((o) => o.marked && socketKey(o) === key) && other !== d) {
          dup(
            l.origin,
            `a duplicate default server for ${key} (the other at line ${other.origin.line} of ${other.origin.file}): nginx refuses to start`,
            'mark one server default_server per address and port',
          );
        } else defaults.set(key, d);
      }
    }
    for (const key of own) {
      for (const name of d.serverNames.length > 0 ? d.serverNames : ['']) {
        const k = `${key} ${name.toLowerCase()}`;
        const other = names.get(k);
        if (other && other !== d) {
          dup(
            d.origin,
            `conflicting server name "${name}" on ${key}: nginx ignores it here and serves it from the server at ${other.origin.file}:${other.origin.line}`,
            'give each server its own names on one address and port',
          );
        } else names.set(k, d);
      }
    }
  }
  for (const d of drafts) {
    for (const l of d.listens) if (!defaults.has(socketKey(l))) defaults.set(socketKey(l), d);
  }
  const servers = drafts.map((d) =>
    build(
      d,
      d.listens.map((l) => ({
        ...(l.address !== undefined ? { address: l.address } : {}),
        port: l.port,
        tls: l.tls,
        defaultServer: defaults.get(socketKey(l)) === d,
      })),
    ),
  );
  return { servers, problems };
}
