// Where a `proxy_pass` (or grpc_pass, fastcgi_pass...) sends a request: its
// URL with variables followed to literal values where the config states them
// (`set` in the location or server, `map` blocks), `upstream` blocks expanded.
//
// Only the host and port matter, so a variable after a literal host is fine when
// its value must start with `/` or `?` (`$request_uri`, `$uri`, a map whose
// values all do, a regex capture whose group starts with `/`): nginx parses the
// evaluated URL and the host ends there. Anything else that could change the
// host is unresolved, and the analyzer counts it as any address.
// Facts: ngx_http_proxy_module docs (proxy_pass: "http" or "https" and an
// optional port, 80/443 by default; a name is first looked up among upstream
// groups); ngx_http_upstream_module (server: port 80 when omitted). Without a
// port, grpc_pass, fastcgi_pass and uwsgi_pass to a host that names no upstream
// block are refused ("no port in upstream", nginx 1.22.1, tested).
import type { GatewayUpstream } from '../analyze/state.js';

export type PassDirective = 'proxy_pass' | 'grpc_pass' | 'fastcgi_pass' | 'uwsgi_pass' | 'scgi_pass' | 'memcached_pass';
export const PASS_DIRECTIVES: readonly PassDirective[] = ['proxy_pass', 'grpc_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'memcached_pass'];

/** What `set $name value` and `map` say about variables where a pass directive runs. */
export interface VarScope {
  /** The values `set` gives each variable in the location (and its `if`s) and in the server. */
  readonly sets: ReadonlyMap<string, readonly { readonly value: string; readonly conditional: boolean }[]>;
  /**
   * `map SRC $name { key value; ... }`: every value, and the key regex that captures refer to;
   * `geo` and `split_clients` blocks give literal values the same way.
   */
  readonly maps: ReadonlyMap<string, readonly { readonly key: string; readonly value: string }[]>;
  /** The location's regex (`location ~ RE`), which `$1`... refer to. */
  readonly regex?: string;
}

export type PassTarget = { readonly kind: 'resolved'; readonly upstreams: readonly GatewayUpstream[] } | { readonly kind: 'unresolved'; readonly why: string };

type Piece = { readonly lit: string } | { readonly opaque: string; readonly slash: boolean };
type Seq = readonly Piece[];

// A tenant map with a few hundred literal backends is still followed; beyond
// these bounds (values, nesting, work) a target counts as unresolved.
const MAX_SEQS = 1024;
const MAX_STEPS = 20_000;
const MAX_VAR_DEPTH = 8;
/** Built-in variables whose value always starts with `/` (the request's path). */
const SLASH_BUILTINS = new Set(['request_uri', 'uri', 'document_uri']);
/** Built-in variables with a known, small set of values. */
const BUILTIN_VALUES: Readonly<Record<string, readonly string[]>> = { scheme: ['http', 'https'] };

interface Walk {
  readonly scope: VarScope;
  steps: number;
}
const SCHEMES: Readonly<Record<PassDirective, readonly string[]>> = {
  proxy_pass: ['http', 'https'],
  grpc_pass: ['', 'grpc', 'grpcs'],
  fastcgi_pass: [''],
  uwsgi_pass: ['', 'uwsgi', 'suwsgi'],
  scgi_pass: [''],
  memcached_pass: [''],
};
const DEFAULT_PORT: Readonly<Record<string, number>> = { http: 80, https: 443 };

/** `$name`, `${name}` and `$1`..`$9` as ngx_http_script_compile() reads them. */
export function splitVariables(text: string): ({ lit: string } | { name: string })[] {
  const out: ({ lit: string } | { name: string })[] = [];
  let lit = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c !== '$' || next === undefined) {
      lit += c;
      continue;
    }
    let name: string;
    let end: number;
    if (/[0-9]/.test(next)) [name, end] = [next, i + 2];
    else if (next === '{') {
      const close = text.indexOf('}', i + 2);
      if (close < 0) {
        lit += c;
        continue;
      }
      [name, end] = [text.slice(i + 2, close), close + 1];
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(text.slice(i + 1));
      if (!m) {
        lit += c;
        continue;
      }
      [name, end] = [m[0], i + 1 + m[0].length];
    }
    if (lit !== '') out.push({ lit });
    lit = '';
    out.push({ name });
    i = end - 1;
  }
  if (lit !== '') out.push({ lit });
  return out;
}

/** Whether capture `ref` (a digit or a group name) of a PCRE pattern starts with a literal `/`. */
export function captureStartsWithSlash(regex: string, ref: string): boolean {
  let group = 0;
  for (let i = 0; i < regex.length; i++) {
    const c = regex[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      // A class: skip to its end (a `]` first in the class is literal).
      let j = i + 1;
      if (regex[j] === '^') j++;
      if (regex[j] === ']') j++;
      while (j < regex.length && regex[j] !== ']') j += regex[j] === '\\' ? 2 : 1;
      i = j;
      continue;
    }
    if (c !== '(') continue;
    const rest = regex.slice(i + 1);
    const named = /^\?(?:P?<([A-Za-z_][A-Za-z0-9_]*)>|'([A-Za-z_][A-Za-z0-9_]*)')/.exec(rest);
    if (rest.startsWith('?') && !named) continue;
    group++;
    const name = named?.[1] ?? named?.[2];
    if (String(group) === ref || name === ref) {
      const body = rest.slice(named ? named[0].length : 0);
      return body.startsWith('/') || body.startsWith('\\/');
    }
  }
  return false;
}

function regexOfKey(key: string): string | undefined {
  return key.startsWith('~*') ? key.slice(2) : key.startsWith('~') ? key.slice(1) : undefined;
}

/** Every value the text can take, variables replaced where the config says; undefined when too many. */
function expand(text: string, w: Walk, regex: string | undefined, depth: number): Seq[] | undefined {
  let seqs: Seq[] = [[]];
  for (const part of splitVariables(text)) {
    const alts: Seq[] | undefined = 'lit' in part ? [[part]] : variable(part.name, w, regex, depth);
    if (!alts) return undefined;
    const next: Seq[] = [];
    for (const s of seqs) for (const a of alts) next.push([...s, ...a]);
    if (next.length > MAX_SEQS) return undefined;
    seqs = next;
  }
  return seqs;
}

function variable(name: string, w: Walk, regex: string | undefined, depth: number): Seq[] | undefined {
  w.steps--;
  if (depth > MAX_VAR_DEPTH || w.steps < 0) return undefined;
  const { scope } = w;
  const opaque = (slash: boolean): Seq[] => [[{ opaque: name, slash }]];
  const isCapture = /^[0-9]$/.test(name) || (regex !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && new RegExp(`\\(\\?P?[<']${name}[>']`).test(regex));
  if (isCapture) return opaque(regex !== undefined && captureStartsWithSlash(regex, name));
  const out: Seq[] = [];
  const add = (seqs: Seq[] | undefined): boolean => {
    if (!seqs) return false;
    out.push(...seqs);
    return out.length <= MAX_SEQS;
  };
  const sets = scope.sets.get(name) ?? [];
  for (const s of sets) if (!add(expand(s.value, w, scope.regex, depth + 1))) return undefined;
  if (sets.length > 0 && sets.some((s) => !s.conditional)) return out;
  const map = scope.maps.get(name);
  if (map) {
    for (const entry of map) if (!add(expand(entry.value, w, regexOfKey(entry.key), depth + 1))) return undefined;
    if (!map.some((e) => e.key === 'default')) out.push([{ lit: '' }]);
    return out;
  }
  if (sets.length > 0) {
    out.push([{ lit: '' }]); // set only under a condition: otherwise empty
    return out;
  }
  const known = BUILTIN_VALUES[name];
  if (known) return known.map((lit) => [{ lit }]);
  return opaque(SLASH_BUILTINS.has(name));
}

/** The literal host[:port] a value names, why it cannot be known, or undefined when it names none (an empty value). */
function authorityOf(seq: Seq, withScheme: boolean): { scheme: string; authority: string } | string | undefined {
  let s = '';
  let done = false;
  for (const piece of seq) {
    if ('lit' in piece) {
      s += piece.lit;
      continue;
    }
    const head = split(s, withScheme);
    if (head.ended) {
      done = true;
      break;
    }
    if (head.authority !== '' && piece.slash && !head.authority.startsWith('unix:')) {
      done = true;
      break;
    }
    return `$${piece.opaque} may change the host`;
  }
  const head = split(s, withScheme);
  if (withScheme && s !== '' && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(s)) return `"${s}" has no scheme (http:// or https://)`;
  // nginx answers 500 for an empty host: such a value proxies nowhere.
  if (head.authority === '') return done ? 'the host is empty' : undefined;
  return { scheme: head.scheme, authority: head.authority };
}

function split(s: string, withScheme: boolean): { scheme: string; authority: string; ended: boolean } {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(s);
  const scheme = m?.[1]?.toLowerCase() ?? '';
  const rest = m ? s.slice(m[0].length) : withScheme ? '' : s;
  if (rest.startsWith('unix:')) {
    const end = rest.indexOf(':', 5);
    return { scheme, authority: end < 0 ? rest : rest.slice(0, end), ended: end >= 0 };
  }
  const end = rest.search(/[/?]/);
  return { scheme, authority: end < 0 ? rest : rest.slice(0, end), ended: end >= 0 };
}

/** host:port as an upstream, nginx's default port applied; a string says why not. */
export function parseAddress(authority: string, defaultPort: number | undefined): GatewayUpstream | string {
  if (authority.startsWith('unix:')) return { host: authority, port: 0 };
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(.*))?$/.exec(authority);
  const [host, port] = v6
    ? [v6[1] as string, v6[2]]
    : authority.includes(':')
      ? [authority.slice(0, authority.lastIndexOf(':')), authority.slice(authority.lastIndexOf(':') + 1)]
      : [authority, undefined];
  if (!v6 && !/^[A-Za-z0-9._-]+$/.test(host)) return `"${authority}" is not host:port`;
  if (port === undefined) return defaultPort === undefined ? `"${authority}" has no port` : { host, port: defaultPort };
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return `"${port}" is not a port`;
  return { host, port: Number(port) };
}

/**
 * Resolves a pass directive's argument against the config's variables and
 * upstream blocks (name, lower case → servers, or why a server cannot be known).
 */
export function resolvePass(
  directive: PassDirective,
  value: string,
  scope: VarScope,
  upstreams: ReadonlyMap<string, readonly GatewayUpstream[] | string>,
): PassTarget {
  const seqs = expand(value, { scope, steps: MAX_STEPS }, scope.regex, 0);
  if (!seqs) return { kind: 'unresolved', why: 'its variables take too many values to follow' };
  const out: GatewayUpstream[] = [];
  for (const seq of seqs) {
    const withScheme = directive === 'proxy_pass';
    const head = authorityOf(seq, withScheme);
    if (head === undefined) continue;
    if (typeof head === 'string') return { kind: 'unresolved', why: head };
    if (!SCHEMES[directive].includes(head.scheme)) return { kind: 'unresolved', why: `${directive} does not take "${head.scheme || 'no'}" scheme` };
    const group = head.authority.includes(':') ? undefined : upstreams.get(head.authority.toLowerCase());
    if (typeof group === 'string') return { kind: 'unresolved', why: group };
    if (group) {
      out.push(...group);
      continue;
    }
    const address = parseAddress(head.authority, DEFAULT_PORT[head.scheme]);
    if (typeof address === 'string') return { kind: 'unresolved', why: address };
    out.push(address);
  }
  const seen = new Set<string>();
  const unique = out.filter((u) => {
    const key = `${u.host} ${u.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { kind: 'resolved', upstreams: unique };
}
