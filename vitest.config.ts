import { defineConfig } from 'vitest/config';

// Test tiers (vitest projects). `unit` needs no root, no network namespaces and
// none of the real tools (nginx, nft, iptables, squid, redis, postgres, podman,
// chromium): membership was decided by running it as nobody with PATH=/usr/bin:/bin
// on this machine. `npm run test:unit` runs it with its files in parallel; the
// other tiers run one file at a time (`npm test` runs every tier in turn).
// A file moves out of `unit` only because it needs the real thing, never by
// weakening it.

/** Real tools, run as root (nginx -t, nft --check, redis-server, squid, rclone...). */
const TOOLS = [
  'test/catalog/dify-squid.test.ts',
  'test/probe/unreachable.test.ts',
  'test/deploy/compose-engine.test.ts',
];
/** Real apps and browsers. */
const APPS: string[] = [];
const LAB = ['test/lab/**/*.test.ts'];
const ENGINE = ['test/deploy/engine/**/*.test.ts'];

const tier = (name: string, include: string[], exclude: string[] = []) => ({
  extends: true as const,
  test: { name, include, exclude: ['**/node_modules/**', ...exclude] },
});

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Lab and engine suites share kernel namespaces and a container engine: files run one at a
    // time unless a script says otherwise (`test:unit` passes --fileParallelism).
    fileParallelism: false,
    reporters: ['default'],
    projects: [
      tier('unit', ['test/**/*.test.ts'], [...TOOLS, ...APPS, ...LAB, ...ENGINE]),
      tier('tools', TOOLS),
      ...(APPS.length > 0 ? [tier('apps', APPS)] : []),
      tier('lab', LAB),
      tier('engine', ENGINE),
    ],
  },
});
