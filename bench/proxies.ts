// The proxies the benchmark compares moat's gateway with, configured by the
// benchmark itself: nginx with its defaults (proxy buffering on) and Caddy
// from Debian, each terminating TLS with the lab's certificate and stripping
// the same /n8n prefix to the same stub as moat's gateway does.
import { join } from 'node:path';

export interface ProxyTarget {
  readonly address: string;
  readonly port: number;
  readonly upstream: string;
  readonly prefix: string;
  readonly cert: string;
  readonly key: string;
}

/** nginx as most people first write it: proxy_pass and nothing else. */
export function nginxDefaultConfig(dir: string, t: ProxyTarget): string {
  const base = join(dir, 'nginx-default');
  return `# moat bench: nginx with default proxy settings (buffering on)
worker_processes auto;
pid ${base}/nginx.pid;
error_log ${base}/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log ${base}/logs/access.log;
    client_body_temp_path ${base}/cache/client_temp;
    proxy_temp_path ${base}/cache/proxy_temp;
    fastcgi_temp_path ${base}/cache/fastcgi_temp;
    uwsgi_temp_path ${base}/cache/uwsgi_temp;
    scgi_temp_path ${base}/cache/scgi_temp;
    ssl_certificate ${t.cert};
    ssl_certificate_key ${t.key};
    server {
        listen ${t.address}:${t.port} ssl;
        location ${t.prefix}/ {
            proxy_pass http://${t.upstream}/;
        }
    }
}
`;
}

/** Caddy's reverse_proxy with its defaults (it flushes event streams at once). */
export function caddyfile(t: ProxyTarget): string {
  return `# moat bench: Caddy reverse proxy with default settings
{
\tadmin off
\tauto_https off
\tdefault_sni ai-platform.example.ts.net
}

https://:${t.port} {
\tbind ${t.address}
\ttls ${t.cert} ${t.key}
\thandle_path ${t.prefix}/* {
\t\treverse_proxy ${t.upstream}
\t}
}
`;
}
