import type { UpstreamFacts } from './dify-types.js';

// ubuntu/squid:6.6-24.04_edge, Canonical's image of Ubuntu 24.04's squid 6.6
// (Dify's compose uses ubuntu/squid:latest). Its entrypoint starts `tail -F`
// on /var/log/squid/*.log in the background and execs squid with the CMD, as
// root; squid itself drops to cache_effective_user (`proxy`, the Ubuntu
// build's default) before it opens the access log (SQUID_6_6 src/main.cc:
// setEffectiveUser() l.1110, accessLogInit() l.1171), so every log path must
// be writable by `proxy`: /dev/stdout (the runtime's root-owned pipe) is not.
// The image is Ubuntu: bash (with /dev/tcp), no curl, no wget.
// `released` is Ubuntu 24.04's release (squid 6.6's track); _edge is Canonical's
// moving channel (the review's finding 17): _beta or a digest is a firmer pin,
// but no _beta tag could be confirmed from here, so pin the digest at deploy.
export const SQUID_FACTS: UpstreamFacts = {
  image: 'ubuntu/squid',
  version: '6.6-24.04_edge',
  released: '2024-04-25',
  entrypoint: ['entrypoint.sh'],
  cmd: ['-f', '/etc/squid/squid.conf', '-NYC'],
  user: 'root',
  writablePaths: ['/var/log/squid', '/var/spool/squid', '/run'],
  binaries: ['sh', 'bash', 'tail', 'squid'],
  envRead: [],
  sources: [
    'https://hub.docker.com/r/ubuntu/squid',
    'https://github.com/langgenius/dify/blob/0055b983dc32deacc31351c13a555055ffc9b844/docker/ssrf_proxy/docker-entrypoint.sh ("Modified based on Squid OCI image entrypoint": tail -F the logs, squid -NYC)',
    'https://github.com/squid-cache/squid/blob/SQUID_6_6/src/main.cc (setEffectiveUser before accessLogInit)',
    'https://github.com/squid-cache/squid/blob/SQUID_6_6/src/log/ModStdio.cc (fatal when the log cannot be opened)',
  ],
};
