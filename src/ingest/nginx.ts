// The nginx ingester: a configuration with its includes, or `nginx -T` output,
// into the gateway layer (servers, listens, locations, upstreams), every fact
// with its file and line. moat's own rendered gateway goes through this same
// path (`moat check`), and so does any deployment moat did not write (`moat audit`).

import { gatewayServers } from './nginx-gateway.js';
import { loadNginxConfig, type NginxIngestContext, splitDump } from './nginx-include.js';
import { type NginxDirective, parseNginx } from './nginx-syntax.js';
import type { Artifact, Ingester, IngestResult } from './types.js';

export { NGINX_CODES, NGINX_FINDING_DOCS } from './nginx-findings.js';
export type { NginxIngestContext } from './nginx-include.js';
export { nginxGlobToRegExp } from './nginx-include.js';

// Directives of nginx's core and http modules that configs commonly start
// with or hold (nginx.org/en/docs/dirindex.html). Names shell scripts also use
// as commands (set, if, return, include, break) are left out on purpose.
const KNOWN = new Set([
  'user',
  'worker_processes',
  'worker_rlimit_nofile',
  'worker_connections',
  'pid',
  'error_log',
  'access_log',
  'load_module',
  'daemon',
  'master_process',
  'pcre_jit',
  'env',
  'events',
  'http',
  'stream',
  'mail',
  'server',
  'upstream',
  'location',
  'map',
  'geo',
  'types',
  'listen',
  'server_name',
  'root',
  'index',
  'proxy_pass',
  'proxy_set_header',
  'proxy_http_version',
  'proxy_buffering',
  'proxy_read_timeout',
  'grpc_pass',
  'fastcgi_pass',
  'fastcgi_param',
  'uwsgi_pass',
  'try_files',
  'add_header',
  'ssl_certificate',
  'ssl_certificate_key',
  'ssl_protocols',
  'ssl_ciphers',
  'sendfile',
  'tcp_nopush',
  'keepalive_timeout',
  'default_type',
  'gzip',
  'client_max_body_size',
  'server_tokens',
  'resolver',
  'log_format',
  'keepalive',
  'ssl_reject_handshake',
  'auth_basic',
  'allow',
  'deny',
  'limit_except',
  'alias',
  'autoindex',
  'charset',
  'types_hash_max_size',
  'server_names_hash_bucket_size',
  'multi_accept',
  'use',
  'http2',
  'absolute_redirect',
  'proxy_redirect',
]);
const BLOCKS = new Set(['http', 'events', 'server', 'location', 'upstream', 'stream', 'map', 'types', 'mail', 'geo', 'limit_except']);
const DETECT_BYTES = 512 * 1024;

/** Whether the text is nginx configuration (or `nginx -T` output), by its syntax and directive names. */
export function detectNginx(artifact: Artifact): boolean {
  const text = artifact.text.slice(0, DETECT_BYTES);
  const dump = splitDump(text);
  // A dump with something pasted before it counts when its main file reads as nginx.
  if (dump) return dump.stray === undefined || (dump.sections[0] !== undefined && looksLikeNginx(dump.sections[0]));
  return looksLikeNginx({ file: artifact.file, text });
}

function looksLikeNginx(artifact: Artifact): boolean {
  const { text } = artifact;
  const head = text.trimStart();
  // JSON, YAML documents and shell scripts with a shebang are something else.
  if (/^(?:[{[]|---|%YAML|#!)/.test(head)) return false;
  const { directives, problems } = parseNginx(text, artifact.file, 8);
  if (directives.length === 0) return false;
  const identifiers = directives.filter((d) => /^[a-z_][a-z0-9_]*$/.test(d.name)).length;
  const knownTop = directives.filter((d) => KNOWN.has(d.name)).length;
  if (identifiers < directives.length * 0.9 || knownTop * 2 < directives.length) return false;
  let known = 0;
  let blocks = 0;
  const walk = (list: readonly NginxDirective[]): void => {
    for (const d of list) {
      if (KNOWN.has(d.name)) known++;
      if (d.block && BLOCKS.has(d.name)) blocks++;
      if (d.block) walk(d.block);
    }
  };
  walk(directives);
  if (blocks === 0 && known < 2) return false;
  return problems.length === 0 || known >= 3 * problems.length;
}

/** Reads the configuration (includes through the context) into the gateway layer. Never throws for bad input. */
export function ingestNginx(artifact: Artifact, context: NginxIngestContext): IngestResult {
  const loaded = loadNginxConfig(artifact, context);
  const gateway = gatewayServers(loaded.directives, loaded.files[0] ?? artifact.file);
  // A file included in several places yields the same problem at the same line: once is enough.
  const seen = new Set<string>();
  const problems = [...loaded.problems, ...gateway.problems].filter((p) => {
    const key = `${p.code}\0${p.path}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { kind: 'nginx', fragment: { gateway: { servers: gateway.servers } }, problems };
}

export const nginxIngester: Ingester = { kind: 'nginx', detect: detectNginx, ingest: ingestNginx };
