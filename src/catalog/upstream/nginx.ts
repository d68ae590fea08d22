import type { UpstreamFacts } from './types.js';

// nginx 1.30.4, the current stable (released 2026-07-15, with fixes for a
// buffer overflow in `map` with regexes, CVE-2026-42533, which the gateway's
// raw-URI maps would use; 1.30.3 of 2026-06-17 fixed CVE-2026-42055 in the
// proxy/grpc HTTP/2 modules). The official image's Alpine variant
// (docker-nginx stable/alpine/Dockerfile): `ENTRYPOINT
// ["/docker-entrypoint.sh"]`, `CMD ["nginx", "-g", "daemon off;"]`, root
// master with `user nginx` workers (configure --user=nginx), busybox sh and
// wget, temp paths under /var/cache/nginx, pid in /var/run/nginx.pid; the
// entrypoint's scripts exit 0 on a read-only /etc/nginx. nginx reads no app
// env; the entrypoint reads NGINX_ENTRYPOINT_QUIET_LOGS and the template
// variables.
export const NGINX_FACTS: UpstreamFacts = {
  image: 'nginx',
  version: '1.30.4-alpine',
  released: '2026-07-15',
  entrypoint: ['/docker-entrypoint.sh'],
  cmd: ['nginx', '-g', 'daemon off;'],
  user: 'root (workers as nginx)',
  writablePaths: ['/var/cache/nginx', '/var/run', '/tmp'],
  binaries: ['sh', 'wget', 'nginx'],
  envRead: ['NGINX_ENTRYPOINT_QUIET_LOGS', 'NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE', 'NGINX_ENVSUBST_TEMPLATE_DIR'],
  sources: [
    'https://github.com/nginx/nginx/releases/tag/release-1.30.4',
    'https://github.com/nginx/nginx/releases/tag/release-1.30.3',
    'https://github.com/nginx/docker-nginx/blob/master/stable/alpine/Dockerfile',
    'https://github.com/nginx/docker-nginx/blob/master/entrypoint/docker-entrypoint.sh',
  ],
};
