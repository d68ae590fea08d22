import type { UpstreamFacts } from './dify-types.js';

// nginx:1.28.0-alpine (Dify's compose uses nginx:latest). The official image's
// entrypoint runs /docker-entrypoint.d/* and execs nginx; the master runs as
// root and opens its stdio logs as root, workers run as `nginx`.
export const NGINX_FACTS: UpstreamFacts = {
  image: 'nginx',
  version: '1.28.0-alpine',
  released: '2025-04-23',
  entrypoint: ['/docker-entrypoint.sh'],
  cmd: ['nginx', '-g', 'daemon off;'],
  user: 'root',
  writablePaths: ['/var/cache/nginx', '/var/run', '/tmp'],
  binaries: ['sh', 'wget', 'nginx'],
  envRead: [],
  sources: ['https://github.com/nginxinc/docker-nginx/blob/master/stable/alpine/Dockerfile', 'https://hub.docker.com/_/nginx'],
};
