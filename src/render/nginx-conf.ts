// A tiny nginx config printer and the pieces both nginx configs share (main
// context, logging to stdout/stderr, temp paths on the tmpfs mounts of a
// read-only root, Docker's resolver). Lines are data; printing is one function.
import type { Service } from '../model/types.js';
import { generatedHeader } from './types.js';

export interface Block {
  readonly head: string;
  readonly body: readonly Line[];
}
/** A directive (`proxy_pass $u;`), a comment (`# ...`), '' for a blank line, or a block. */
export type Line = string | Block;

export function block(head: string, body: readonly Line[]): Block {
  return { head, body };
}

export function printNginx(lines: readonly Line[], depth = 0): string {
  const pad = '    '.repeat(depth);
  return lines
    .map((line) => {
      if (typeof line === 'string') return line === '' ? '\n' : `${pad}${line}\n`;
      return `${pad}${line.head} {\n${printNginx(line.body, depth + 1)}${pad}}\n`;
    })
    .join('');
}

/** The whole file: header, comments, main context and the http block. */
export function nginxFile(comments: readonly string[], http: readonly Line[]): string {
  const head = [generatedHeader('#'), ...comments.map((c) => `# ${c}`)].join('\n');
  return `${head}\n\n${printNginx([
    'worker_processes auto;',
    // /var/run and /var/cache/nginx are tmpfs mounts: the root file system is read-only.
    'pid /var/run/nginx.pid;',
    'error_log /dev/stderr warn;',
    '',
    block('events', ['worker_connections 1024;']),
    '',
    block('http', http),
  ])}`;
}

/**
 * http-level settings both configs share. `resolver`: upstreams named by host
 * name, resolved per request by Docker's DNS (Dify's internal nginx); the
 * gateway names its upstreams by static address and needs none.
 */
export function httpCommon(options: { readonly resolver?: boolean } = {}): Line[] {
  const resolver = options.resolver ?? true;
  return [
    'include /etc/nginx/mime.types;',
    'default_type application/octet-stream;',
    'server_tokens off;',
    'access_log /dev/stdout;',
    'sendfile on;',
    'keepalive_timeout 65s;',
    // Relative Location headers: the gateway's host name and port are the client's business.
    'absolute_redirect off;',
    'client_body_temp_path /var/cache/nginx/client_temp;',
    'proxy_temp_path /var/cache/nginx/proxy_temp;',
    'fastcgi_temp_path /var/cache/nginx/fastcgi_temp;',
    'uwsgi_temp_path /var/cache/nginx/uwsgi_temp;',
    'scgi_temp_path /var/cache/nginx/scgi_temp;',
    '',
    ...(resolver
      ? [
          // Names resolved per request by Docker's DNS: nginx starts (and `nginx -t`
          // passes) while an upstream is down, instead of failing on an unresolvable name.
          'resolver 127.0.0.11 valid=10s ipv6=off;',
          'resolver_timeout 5s;',
          '',
        ]
      : []),
    // `upgrade` for a WebSocket handshake; otherwise no Connection header at
    // all, so the upstream connection stays open for reuse (keepalive).
    block('map $http_upgrade $connection_upgrade', ['default upgrade;', "'' '';"]),
  ];
}

/** The variable holding a location's upstream URL. */
export function upstreamLines(host: string, port: number): string[] {
  return [`set $upstream http://${host}:${port};`];
}

export function streamingLines(): string[] {
  return ['proxy_buffering off;', 'proxy_cache off;', 'proxy_request_buffering off;', 'chunked_transfer_encoding on;'];
}

export function websocketLines(enabled: boolean): string[] {
  return enabled ? ['proxy_set_header Upgrade $http_upgrade;', 'proxy_set_header Connection $connection_upgrade;'] : ['proxy_set_header Connection "";'];
}

/**
 * The loopback port and path of a service's health check, read from its
 * `http://127.0.0.1:<port><path>` URL, so the config serves what the check asks.
 */
export function healthEndpoint(service: Service | undefined): { port: number; path: string } | undefined {
  for (const arg of service?.healthcheck?.test ?? []) {
    // Only path characters: the path lands in an nginx `location` line.
    const match = /http:\/\/127\.0\.0\.1:(\d{1,5})(\/[A-Za-z0-9._~/-]*)(?![^\s"'])/.exec(arg);
    if (match?.[1] !== undefined && match[2] !== undefined) return { port: Number(match[1]), path: match[2] };
  }
  return undefined;
}

export function healthLocation(path: string): Block {
  return block(`location = ${path}`, ['access_log off;', 'default_type text/plain;', 'return 200 "ok\\n";']);
}

/** The rendered file of a service's nginx.conf: the bundle file mounted at /etc/nginx/nginx.conf. */
export function configPathOf(service: Service | undefined, fallback: string): string {
  const volume = service?.volumes.find((v) => v.target === '/etc/nginx/nginx.conf' && v.bundleFile !== undefined);
  return volume?.bundleFile ?? fallback;
}
