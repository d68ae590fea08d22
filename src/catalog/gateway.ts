import { defineService, wgetCheck } from './define.js';
import { pinnedImage } from './upstream/dify-index.js';
import { NGINX_FACTS } from './upstream/nginx.js';

// The platform's one public door. Official nginx image, Alpine flavour (busybox
// wget for the health check). The health endpoint listens on the container's
// loopback only, so it is not a second door.
// The pin and why: upstream/nginx.ts (1.30.4, the current stable; fixes CVE-2026-42533 in `map` with regex).
// Source: https://hub.docker.com/_/nginx (read-only root needs /var/cache/nginx and /var/run writable)
export const gateway = defineService({
  name: 'nginx',
  title: 'NGINX gateway',
  description: 'TLS gateway on 8443, reachable only over the tailnet',
  origin: 'reference',
  image: pinnedImage(NGINX_FACTS),
  address: '172.20.0.2',
  ports: [{ port: 8443, protocol: 'tcp', purpose: 'HTTPS gateway (tailnet only)' }],
  volumes: [
    { name: 'gateway-config', target: '/etc/nginx/nginx.conf', purpose: 'rendered gateway config', readOnly: true, bundleFile: 'nginx/nginx.conf' },
    { name: 'gateway-tls', target: '/etc/nginx/tls', purpose: 'certificate from `tailscale cert`', readOnly: true, bundleFile: '/etc/moat/tls' },
  ],
  healthcheck: {
    test: wgetCheck('http://127.0.0.1:8081/healthz'),
    expects: 'the gateway answers 200 on its loopback-only /healthz',
    startPeriodSeconds: 5,
  },
  hardening: {
    readOnlyRootFs: true,
    capAdd: ['CHOWN', 'SETUID', 'SETGID', 'NET_BIND_SERVICE'],
    tmpfs: ['/var/cache/nginx', '/var/run', '/tmp'],
  },
  exposure: 'gateway',
  startBudgetSeconds: 30,
  sources: ['https://hub.docker.com/_/nginx'],
});
