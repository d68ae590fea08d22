// The problems the nginx ingester reports, with the one paragraph each that
// the finding registry shows. Every one is located (file:line).
import type { Severity } from '../model/findings.js';

export const NGINX_CODES = {
  syntax: 'ingest.nginx.syntax',
  tooDeep: 'ingest.nginx.too-deep',
  includeUnreadable: 'ingest.nginx.include-unreadable',
  includeLoop: 'ingest.nginx.include-loop',
  fragment: 'ingest.nginx.fragment',
  dumpPreamble: 'ingest.nginx.dump-preamble',
  streamNotModelled: 'ingest.nginx.stream-not-modelled',
  badListen: 'ingest.nginx.bad-listen',
  unresolvedUpstream: 'ingest.nginx.unresolved-upstream',
  duplicateServer: 'ingest.nginx.duplicate-server',
} as const;

export interface FindingDoc {
  readonly code: string;
  readonly title: string;
  readonly help: string;
  readonly severity: Severity;
}

export const NGINX_FINDING_DOCS = [
  {
    code: NGINX_CODES.syntax,
    title: 'nginx syntax error',
    help: 'The file breaks nginx\'s configuration syntax (a missing ";" or "}", an unclosed quote, a stray brace). nginx refuses such a file, so what runs on the host is not this file; moat read what it could around the error, and the servers and locations past it may be missing.',
    severity: 'medium',
  },
  {
    code: NGINX_CODES.tooDeep,
    title: 'nginx include chain or nesting too deep',
    help: 'Includes nested (or blocks nested) beyond what any real configuration needs; moat stopped there so that a hostile file cannot exhaust it. What lies beyond was not read and may add servers or routes.',
    severity: 'medium',
  },
  {
    code: NGINX_CODES.includeUnreadable,
    title: 'an nginx include moat could not read',
    help: 'An `include` names a file moat was not given (or, for a glob, a directory it could not list). An include moat could not read may add servers and routes, so the gateway moat proves is possibly smaller than the one nginx runs. Give moat the included files (the whole configuration directory), or the output of `nginx -T`, which contains every file nginx read.',
    severity: 'medium',
  },
  {
    code: NGINX_CODES.includeLoop,
    title: 'an nginx include that includes itself',
    help: 'A file includes itself, directly or through other files. nginx would recurse until it fails; moat reads the file once and skips the repeated include.',
    severity: 'medium',
  },
  {
    code: NGINX_CODES.fragment,
    title: 'an nginx file read as part of an http block',
    help: 'The file has server or upstream blocks at its top level and no http block: it is a piece that a main nginx.conf includes inside `http { }` (conf.d, sites-enabled). moat read it as that http block. Give the main nginx.conf too, so that its other includes are read.',
    severity: 'info',
  },
  {
    code: NGINX_CODES.dumpPreamble,
    title: 'text before an nginx -T dump',
    help: 'An `nginx -T` dump starts with `# configuration file NAME:` (nginx\'s own "syntax is ok" messages may stand before it). Other text there, a pasted shell prompt or command, is not configuration: moat ignored it and read the sections.',
    severity: 'info',
  },
  {
    code: NGINX_CODES.streamNotModelled,
    title: 'nginx stream or mail proxy not modelled',
    help: 'A `stream { }` (TCP/UDP proxy) or `mail { }` block listens on ports and forwards connections, but moat models only http servers. Its listeners and upstreams are not in the proof; check them by hand, or move them behind the http gateway.',
    severity: 'medium',
  },
  {
    code: NGINX_CODES.badListen,
    title: 'an nginx listen moat could not read',
    help: 'A `listen` directive whose address or port moat could not read (nginx would refuse most of these). The server may listen somewhere the proof does not know.',
    severity: 'medium',
  },
  {
    code: NGINX_CODES.unresolvedUpstream,
    title: 'a proxied upstream moat could not resolve',
    help: 'A location passes requests (proxy_pass, grpc_pass, fastcgi_pass, uwsgi_pass, scgi_pass, memcached_pass) to a target whose host is a variable moat cannot follow to a literal (a request header, a regex capture, a map with computed values). The analyzer counts such a location as able to reach any address. Write the upstream literally, or through `set`/`map` with literal values.',
    severity: 'medium',
  },
  {
    code: NGINX_CODES.duplicateServer,
    title: 'nginx servers that claim the same address and name',
    help: 'A server listens on the same address and port twice, two servers are default_server for one address and port (nginx refuses both), or two servers claim the same server_name on one address and port (nginx warns and ignores the second). The configuration moat read is then not exactly what nginx serves; remove the duplicate.',
    severity: 'medium',
  },
] as const satisfies readonly FindingDoc[];
