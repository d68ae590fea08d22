import type { UpstreamFacts } from './dify-types.js';

// redis:6.2.23-alpine, the official image. 6.2.23 is the urgent security
// release of 2026-07-24 for every line from 6 to 8 (remote code execution
// through Lua; docker-library/official-images#21922); 6.2.18, pinned before,
// is also inside CVE-2025-49844 (Lua use-after-free, fixed in 6.2.20). Dify's
// compose uses redis:6-alpine, so the 6.2 line is kept.
// The entrypoint steps down to `redis` (uid 999, gid 1000) with gosu only when
// it runs as root and its first argument is `redis-server` (an option or a
// *.conf first gets `redis-server` put in front); anything else (`sh -c ...`)
// is exec'd as is, so as root. /data is created `chown redis:redis` (0755) and
// Docker copies that owner onto a new named volume. redis-server reads no
// environment; the password comes on the command line.
export const REDIS_FACTS: UpstreamFacts = {
  image: 'redis',
  version: '6.2.23-alpine',
  released: '2026-07-24',
  entrypoint: ['docker-entrypoint.sh'],
  cmd: ['redis-server'],
  user: 'root',
  stepsDownWhenFirstArg: ['redis-server'],
  writablePaths: ['/data'],
  // busybox (alpine) provides sh and grep; the image adds redis-server, redis-cli and gosu.
  binaries: ['sh', 'grep', 'redis-server', 'redis-cli', 'gosu'],
  // redis-cli reads REDISCLI_AUTH (the health check); redis-server reads no env.
  envRead: ['REDISCLI_AUTH'],
  sources: [
    'https://github.com/docker-library/redis/blob/e92049967d6baa9b4b3d6fd950553e6458e61f13/6.2/alpine/docker-entrypoint.sh (l.11-14: step-down only for redis-server as root)',
    'https://github.com/docker-library/redis/blob/e92049967d6baa9b4b3d6fd950553e6458e61f13/6.2/alpine/Dockerfile (l.12-13 uid 999/gid 1000, l.133 mkdir /data && chown redis:redis, l.138-141 ENTRYPOINT/CMD)',
    'https://github.com/docker-library/official-images/pull/21922 (6.2.23, 2026-07-24)',
    'https://github.com/redis/docker-library-redis/pull/478 (6.2.20 fixes CVE-2025-49844)',
  ],
};
