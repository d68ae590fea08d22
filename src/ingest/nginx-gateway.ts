// The gateway layer from a parsed nginx configuration: each http server's
// listens, names, whether it refuses the TLS handshake, and each location's
// upstreams or answer.
//
// nginx semantics this follows (ngx_http_core_module, ngx_http_rewrite_module
// docs): the rewrite directives of the server (`return`, `rewrite`, `set`,
// `if`, `break`) run before a location is chosen, those of the chosen location
// before its content handler, and neither is inherited by nested locations. So a
// `return` that comes before any `rewrite`/`if`/`break` answers every request of
// its server (or location), and the locations (or the proxy_pass) behind it never
// run. A pass directive inside `if` or `limit_except` may run: it counts.
// `ssl_reject_handshake` and the old `ssl on` are inherited from http to server.

import type { GatewayLocation, GatewayServer, GatewayUpstream, Origin } from '../analyze/state.js';
import type { Finding } from '../model/findings.js';
import { NGINX_CODES } from './nginx-findings.js';
import { type ListenSpec, parseListen, parseLocation, settleServers } from './nginx-listen.js';
import type { NginxDirective } from './nginx-syntax.js';
import { PASS_DIRECTIVES, type PassDirective, parseAddress, resolvePass, type VarScope } from './nginx-target.js';
import { artifactProblem } from './types.js';

type Sets = Map<string, { value: string; conditional: boolean }[]>;

interface HttpContext {
  readonly upstreams: ReadonlyMap<string, readonly GatewayUpstream[] | string>;
  readonly maps: VarScope['maps'];
  readonly rejectHandshake: boolean;
  readonly sslOn: boolean;
}

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);
const REWRITE_STOPPERS = new Set(['rewrite', 'if', 'break']);
const absolute = (s: string): boolean => /^(https?:\/\/|\$scheme)/.test(s);

/** Servers of every http block; stream and mail blocks are reported, not modelled. */
export function gatewayServers(directives: readonly NginxDirective[], rootFile: string): { servers: GatewayServer[]; problems: Finding[] } {
  const problems: Finding[] = [];
  const https: (readonly NginxDirective[])[] = [];
  for (const d of directives) {
    if (d.name === 'http' && d.block) https.push(d.block);
    if ((d.name === 'stream' || d.name === 'mail') && d.block) {
      problems.push(
        artifactProblem(
          NGINX_CODES.streamNotModelled,
          'medium',
          d.origin,
          `a ${d.name} block: ${d.name === 'stream' ? 'TCP/UDP stream proxies' : 'mail proxies'} are not modelled, so its listeners and upstreams are not in the proof`,
          `check the ${d.name} block's listen and proxy_pass by hand, or remove it`,
        ),
      );
    }
  }
  if (https.length === 0 && directives.some((d) => (d.name === 'server' || d.name === 'upstream') && d.block)) {
    const first = directives.find((d) => d.name === 'server' || d.name === 'upstream');
    problems.push(
      artifactProblem(
        NGINX_CODES.fragment,
        'info',
        first?.origin ?? { file: rootFile, line: 1 },
        'no http block: the top-level server and upstream blocks were read as the content of one (a conf.d or sites-enabled file)',
        'give moat the main nginx.conf that includes this file, so that its other includes are read too',
      ),
    );
    https.push(directives);
  }
  const servers: GatewayServer[] = [];
  for (const http of https) {
    const result = httpServers(http, problems);
    servers.push(...result.servers);
    problems.push(...result.problems);
  }
  return { servers, problems };
}

function flag(list: readonly NginxDirective[], name: string, inherited: boolean): boolean {
  const d = [...list].reverse().find((x) => x.name === name && !x.block);
  return d ? d.args[0]?.toLowerCase() === 'on' : inherited;
}

// geo's parameters that are not entries (ngx_http_geo_module docs).
const GEO_PARAMS = new Set(['delete', 'proxy', 'proxy_recursive', 'ranges', 'include']);

/**
 * The values a `map`, `geo` or `split_clients` block gives its variable. A map
 * or geo without `default` yields '' for unmatched input (geo's default is
 * empty too), split_clients without `*` likewise.
 */
function definedVariable(d: NginxDirective): { name: string; entries: { key: string; value: string }[] } | undefined {
  if (!d.block) return undefined;
  const target = d.name === 'map' || d.name === 'split_clients' ? d.args[1] : d.name === 'geo' ? d.args[d.args.length - 1] : undefined;
  if (!target?.startsWith('$')) return undefined;
  const entries = d.block
    .filter((e) => e.args[0] !== undefined && !(d.name === 'geo' && GEO_PARAMS.has(e.name)))
    .map((e) => ({ key: d.name === 'split_clients' && e.name === '*' ? 'default' : e.name, value: e.args[0] as string }));
  return { name: target.slice(1).replace(/^\{(.*)\}$/, '$1'), entries };
}

/** An upstream block's servers (port 80 when omitted), or why one of them cannot be known. */
function upstreamGroup(block: readonly NginxDirective[]): readonly GatewayUpstream[] | string {
  const servers: GatewayUpstream[] = [];
  for (const s of block) {
    if (s.name !== 'server') continue;
    const address = s.args[0] === undefined ? 'an upstream server with no address' : parseAddress(s.args[0], 80);
    if (typeof address === 'string') return `its upstream block: ${address}`;
    // `service=` asks DNS SRV records for the ports (NGINX Plus, nginx 1.27.3+).
    if (s.args.some((a) => a.startsWith('service='))) return `its upstream block takes ports from DNS (${s.args.join(' ')})`;
    servers.push(address);
  }
  return servers;
}

function httpServers(http: readonly NginxDirective[], problems: Finding[]): { servers: GatewayServer[]; problems: Finding[] } {
  const upstreams = new Map<string, readonly GatewayUpstream[] | string>();
  const maps = new Map<string, { key: string; value: string }[]>();
  for (const d of http) {
    if (d.name === 'upstream' && d.block && d.args[0] !== undefined) upstreams.set(d.args[0].toLowerCase(), upstreamGroup(d.block));
    const defined = definedVariable(d);
    if (defined) maps.set(defined.name, defined.entries);
  }
  const ctx: HttpContext = { upstreams, maps, rejectHandshake: flag(http, 'ssl_reject_handshake', false), sslOn: flag(http, 'ssl', false) };
  const drafts = http.filter((d) => d.name === 'server' && d.block).map((d) => serverDraft(d, ctx, problems));
  return settleServers(drafts, (draft, listens) => ({ ...draft.server, listens }));
}

function serverDraft(d: NginxDirective, ctx: HttpContext, problems: Finding[]) {
  const body = d.block ?? [];
  const sslOn = flag(body, 'ssl', ctx.sslOn);
  const listens: ListenSpec[] = [];
  for (const l of body.filter((x) => x.name === 'listen')) {
    const spec = parseListen(l.args, l.origin, sslOn);
    if (typeof spec === 'string') {
      problems.push(
        artifactProblem(
          NGINX_CODES.badListen,
          'medium',
          l.origin,
          `listen ${l.args.join(' ')}: ${spec}`,
          'write `listen [ADDRESS:]PORT [ssl] [default_server];`',
        ),
      );
    } else if (spec) listens.push(spec);
  }
  // No listen at all: nginx listens on *:80 (as root; *:8000 otherwise).
  if (!body.some((x) => x.name === 'listen')) listens.push({ port: 80, tls: sslOn, marked: false, origin: d.origin });
  const serverNames = body.filter((x) => x.name === 'server_name').flatMap((x) => x.args);
  const sets: Sets = new Map();
  collectSets(body, false, sets);
  const answer = answersItself(body);
  const locations: GatewayLocation[] = answer
    ? [{ modifier: '', path: '/', returns: answer.returns, origin: answer.origin }]
    : body.filter((x) => x.name === 'location' && x.block).flatMap((x) => locationsOf(x, sets, ctx, problems));
  const server: Omit<GatewayServer, 'listens'> = {
    serverNames,
    rejectsHandshake: flag(body, 'ssl_reject_handshake', ctx.rejectHandshake),
    locations,
    origin: d.origin,
  };
  return { listens, serverNames, origin: d.origin, server };
}

/** `set` in a body and in the `if`/`limit_except` blocks under it (not nested locations). */
function collectSets(body: readonly NginxDirective[], conditional: boolean, into: Sets): void {
  for (const d of body) {
    if (d.name === 'set' && !d.block && d.args[0]?.startsWith('$') && d.args[1] !== undefined) {
      const name = d.args[0].slice(1).replace(/^\{(.*)\}$/, '$1');
      into.set(name, [...(into.get(name) ?? []), { value: d.args[1], conditional }]);
    } else if (d.block && d.name !== 'location') collectSets(d.block, true, into);
  }
}

function returnOf(d: NginxDirective): GatewayLocation['returns'] | undefined {
  if (d.name === 'return') {
    const [first, second] = d.args;
    if (first === undefined) return undefined;
    if (/^[0-9]{1,3}$/.test(first)) {
      const status = Number(first);
      return REDIRECT_CODES.has(status) && second !== undefined ? { status, target: second } : { status };
    }
    return absolute(first) ? { status: 302, target: first } : undefined;
  }
  if (d.name === 'rewrite' && d.args[1] !== undefined) {
    const flagArg = d.args[2];
    if (flagArg === 'permanent') return { status: 301, target: d.args[1] };
    if (flagArg === 'redirect' || (flagArg !== 'last' && flagArg !== 'break' && absolute(d.args[1]))) return { status: 302, target: d.args[1] };
  }
  return undefined;
}

/** A `return` reached before any `rewrite`, `if` or `break`: every request gets it. */
function answersItself(body: readonly NginxDirective[]): { returns: NonNullable<GatewayLocation['returns']>; origin: Origin } | undefined {
  for (const d of body) {
    if (d.name === 'return' && !d.block) {
      const returns = returnOf(d);
      return returns ? { returns, origin: d.origin } : undefined;
    }
    if (REWRITE_STOPPERS.has(d.name)) return undefined;
  }
  return undefined;
}

/** The pass directives of a location body and of its `if`/`limit_except` blocks. */
function passesOf(body: readonly NginxDirective[]): NginxDirective[] {
  return body.flatMap((d) => (PASS_DIRECTIVES.includes(d.name as PassDirective) && !d.block ? [d] : d.block && d.name !== 'location' ? passesOf(d.block) : []));
}

function locationsOf(d: NginxDirective, serverSets: Sets, ctx: HttpContext, problems: Finding[]): GatewayLocation[] {
  const where = parseLocation(d.args);
  const body = d.block ?? [];
  if (!where) {
    problems.push(
      artifactProblem(
        NGINX_CODES.syntax,
        'medium',
        d.origin,
        `location ${d.args.join(' ')}: not a location nginx reads`,
        'write `location [=|~|~*|^~] PATH { ... }`',
      ),
    );
    return [];
  }
  const sets: Sets = new Map([...serverSets].map(([k, v]) => [k, [...v]]));
  collectSets(body, false, sets);
  const scope: VarScope = { sets, maps: ctx.maps, ...(where.modifier.startsWith('~') ? { regex: where.path } : {}) };
  const answer = answersItself(body);
  const firstReturn = body.map((x) => (x.block ? undefined : returnOf(x))).find((r) => r !== undefined);
  const location: { -readonly [K in keyof GatewayLocation]: GatewayLocation[K] } = { ...where, origin: d.origin };
  if (answer) location.returns = answer.returns;
  else {
    if (firstReturn) location.returns = firstReturn;
    const upstreams: GatewayUpstream[] = [];
    for (const pass of passesOf(body)) {
      const value = pass.args[0] ?? '';
      const target = resolvePass(pass.name as PassDirective, value, scope, ctx.upstreams);
      if (target.kind === 'resolved') {
        for (const u of target.upstreams) if (!upstreams.some((x) => x.host === u.host && x.port === u.port)) upstreams.push(u);
        continue;
      }
      location.unresolvedUpstream ??= value;
      problems.push(
        artifactProblem(
          NGINX_CODES.unresolvedUpstream,
          'medium',
          pass.origin,
          `location ${d.args.join(' ')}: ${pass.name} ${value}: ${target.why}; moat counts this location as able to reach any address`,
          'write the upstream literally, or through `set`/`map` with literal values',
        ),
      );
    }
    if (upstreams.length > 0 || (location.unresolvedUpstream === undefined && passesOf(body).length > 0)) location.upstreams = upstreams;
  }
  const nested = body.filter((x) => x.name === 'location' && x.block).flatMap((x) => locationsOf(x, serverSets, ctx, problems));
  return [location, ...nested];
}
