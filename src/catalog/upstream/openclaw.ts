import type { UpstreamFacts } from './types.js';

// OpenClaw 2026.9.6 (npm publish 2026-09-24; the image is built from the same
// tag). Image: runtime stage on node:24-bookworm-slim (openclaw/openclaw#85079
// reproduces on that base), `USER node` (uid 1000), `ENTRYPOINT ["tini", "-s",
// "--"]` (#78777, merged 2026-05-07) before `CMD ["node", "openclaw.mjs",
// "gateway", "--allow-unconfigured"]` (WORKDIR /app), an `openclaw` symlink
// and a node-fetch HEALTHCHECK on /healthz (docs/install/docker-vm-runtime.md:
// "non-root uid 1000 setup, tini entrypoint, health check, and openclaw
// symlink"). The state directory /home/node/.openclaw is pre-created node:node
// 0700 before `USER node` (#72662, merged 2026-04-27), and so are
// /home/node/.openclaw/workspace and /home/node/.config/openclaw (#85454,
// merged 2026-05-22): a named volume there starts owned by uid 1000.
// Env names: docs/help/environment.md of the package (OPENCLAW_CONFIG_PATH,
// OPENCLAW_STATE_DIR, OPENCLAW_HOME, OPENCLAW_GATEWAY_PORT/TOKEN,
// OPENCLAW_CONFIG_READONLY, OPENCLAW_OFFLINE; LITELLM_API_KEY is the bundled
// LiteLLM provider's key, dist/extensions/litellm/openclaw.plugin.json). HOME
// is what os.homedir() reads for every ~ default.
// Writable: the state dir, /home/node/.config/openclaw (auth-profile
// secrets), /tmp/openclaw (rolling logs, docs/install/docker/networking-and-storage.md).
export const OPENCLAW_FACTS: UpstreamFacts = {
  image: 'ghcr.io/openclaw/openclaw',
  version: '2026.9.6',
  released: '2026-09-24',
  entrypoint: ['tini', '-s', '--'],
  cmd: ['node', 'openclaw.mjs', 'gateway', '--allow-unconfigured'],
  user: 'node (uid 1000)',
  writablePaths: ['/home/node/.openclaw', '/home/node/.config/openclaw', '/tmp'],
  binaries: ['sh', 'bash', 'node', 'tini', 'openclaw'],
  envRead: [
    'HOME',
    'OPENCLAW_HOME',
    'OPENCLAW_STATE_DIR',
    'OPENCLAW_CONFIG_PATH',
    'OPENCLAW_CONFIG_READONLY',
    'OPENCLAW_GATEWAY_PORT',
    'OPENCLAW_GATEWAY_TOKEN',
    'OPENCLAW_GATEWAY_PASSWORD',
    'OPENCLAW_GATEWAY_URL',
    'OPENCLAW_OFFLINE',
    'OPENCLAW_LOG_LEVEL',
    'OPENCLAW_SKIP_CHANNELS',
    'LITELLM_API_KEY',
    'NODE_ENV',
  ],
  sources: [
    'https://registry.npmjs.org/openclaw/-/openclaw-2026.9.6.tgz (docs/help/environment.md, docs/cli/config.md, docs/cli/devices.md, docs/providers/litellm.md, docs/gateway/health.md, docs/install/docker*.md, dist/extensions/litellm/*)',
    'https://github.com/openclaw/openclaw/pull/72662',
    'https://github.com/openclaw/openclaw/pull/85454',
    'https://github.com/openclaw/openclaw/pull/78777',
    'https://github.com/openclaw/openclaw/pull/85079',
  ],
};
