import { defineConfig } from 'vitest/config';

// Test tiers (vitest projects). `unit` needs no root, no network namespaces and
// none of the real tools (nginx, nft, iptables, squid, redis, postgres, podman,
// chromium): scripts/test-unit-nonroot.sh (run by scripts/test) proves it, as
// nobody with PATH=/usr/bin:/bin in a copy of the tree. `npm run test:unit` runs it with its files in parallel; the
// other tiers run one file at a time (`npm test` runs every tier in turn).
// A file moves out of `unit` only because it needs the real thing, never by
// weakening it.

/** Real tools or namespaces, run as root: each of these failed or skipped as nobody without sbin on PATH. */
const TOOLS = [
  'test/catalog/dify-squid.test.ts', // squid, in a network namespace
  'test/catalog/real-rclone.test.ts', // rclone rcd
  'test/catalog/real-redis.test.ts', // redis-server
  'test/deploy/drive/real-rclone-sync.test.ts', // rclone rcd + rclone serve webdav
  'test/deploy/drive/google-stub.test.ts', // rclone rcd's drive backend + a Google stub, in a network namespace
  'test/deploy/knowledge/drive-to-knowledge.stub.test.ts', // rclone rcd + rclone serve webdav
  'test/deploy/litellm-db.test.ts', // postgres
  'test/deploy/backup/roundtrip.test.ts', // postgres, redis-server
  'test/ingest/nginx-real.test.ts', // nginx -t
  'test/probe/resolve.test.ts', // unshare (a namespace without DNS)
  'test/probe/tcp-filtered.test.ts', // network namespaces, nft
  'test/probe/udp.test.ts', // network namespaces
  'test/probe/unreachable.test.ts', // unshare -n (a namespace of its own; unprivileged user namespaces are off on some hosts)
  'test/render/core/dify-nginx-live.test.ts', // nginx
  'test/render/core/gateway-live.test.ts', // nginx
  'test/render/core/nginx.test.ts', // nginx -t
  'test/render/outer/docker-user.test.ts', // iptables-restore --test
  'test/render/outer/nftables.test.ts', // nft --check
];
/** Real apps (containers) and browsers. */
const APPS = ['test/apps/**/*.test.ts', 'test/deploy/backup/n8n-export.test.ts'];
const LAB = ['test/lab/**/*.test.ts'];
const ENGINE = ['test/deploy/engine/**/*.test.ts', 'test/deploy/backup/engine.test.ts'];

const tier = (name: string, include: string[], exclude: string[] = []) => ({
  extends: true as const,
  test: { name, include, exclude: ['**/node_modules/**', ...exclude] },
});

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Lab and engine suites share kernel namespaces and a container engine: files run one at a
    // time unless a script says otherwise (`test:unit` passes --fileParallelism).
    fileParallelism: false,
    reporters: ['default'],
    projects: [
      tier('unit', ['test/**/*.test.ts'], [...TOOLS, ...APPS, ...LAB, ...ENGINE]),
      tier('tools', TOOLS),
      tier('apps', APPS),
      tier('lab', LAB),
      tier('engine', ENGINE),
    ],
  },
});
