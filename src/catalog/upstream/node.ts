import type { UpstreamFacts } from './types.js';

// The official Node.js image, Alpine flavour, 24.21.0 (Node 24 is the active
// LTS line; 24.21.0 published 2026-09-10, npm registry `node` package time).
// docker-node 24/alpine3.24/Dockerfile: `FROM alpine:3.24`, a `node` user and
// group with uid/gid 1000 (`adduser -u 1000 -G node`), no USER line (it runs
// as root unless told), `ENTRYPOINT ["docker-entrypoint.sh"]`, `CMD ["node"]`;
// the entrypoint (docker-entrypoint.sh) prepends `node` only when the first
// argument is a flag or not a command, so `node FILE` runs as given. Busybox
// gives sh and wget (no curl: the build's curl is a virtual package removed
// again); npm and yarn are installed. Node itself reads NODE_OPTIONS, NODE_ENV
// is the apps' convention.
export const NODE_FACTS: UpstreamFacts = {
  image: 'node',
  version: '24.21.0-alpine3.24',
  released: '2026-09-10',
  entrypoint: ['docker-entrypoint.sh'],
  cmd: ['node'],
  user: 'root (image has node, uid 1000)',
  writablePaths: ['/tmp'],
  binaries: ['sh', 'wget', 'node', 'npm', 'yarn'],
  envRead: ['NODE_OPTIONS', 'NODE_ENV'],
  // Read at the newest docker-node commit available here (24.19.0 of the same Dockerfile): the user,
  // entrypoint, CMD and busybox lines are the template's, not the version's.
  sources: [
    'https://github.com/nodejs/docker-node/blob/fd1bf45c51970427bc899084b5381f6827722246/24/alpine3.24/Dockerfile (l.1 FROM alpine:3.24, l.5-6 node user and group 1000, l.105-108 ENTRYPOINT and CMD; NODE_VERSION 24.19.0 there)',
    'https://github.com/nodejs/docker-node/blob/fd1bf45c51970427bc899084b5381f6827722246/docker-entrypoint.sh (l.7-9: node prepended only to a flag or a non-command)',
    'https://registry.npmjs.org/node (time of 24.21.0)',
  ],
};
