import type { UpstreamFacts } from './types.js';

// n8n 2.41.3 (npm publish 2026-09-26). Env names: the GlobalConfig of
// @n8n/config (2.41.3 depends on @n8n/config 2.39.1, which is not on the
// registry; read at 2.39.0, the nearest published) plus packages/cli's own
// (N8N_PUSH_BACKEND in push/push.config.js; WEBHOOK_URL is still read by
// services/url.service.js as a fallback, but deprecation.service.js says "Use
// N8N_WEBHOOK_URL instead" and lists N8N_RUNNERS_ENABLED as "no longer
// needed"). The image: docker/images/n8n/Dockerfile (2.x layout: n8nio/base,
// task-runner launcher, `USER node`, `ENTRYPOINT ["tini", "--",
// "/docker-entrypoint.sh"]`, `ENV SHELL=/bin/sh`, /home/node/.n8n created and
// chowned). The base image's busybox (wget) is not guaranteed: 2.x bases moved
// to hardened Node images (docker/images/n8n-base/Dockerfile: dhi.io/node …
// -alpine-dev), so checks use node, which the image certainly has.
// Writable: /home/node/.n8n (config, SQLite, binary data) and
// /home/node/.cache/n8n/public (commands/start.js copies the editor there,
// replacing /{{BASE_PATH}}/ with N8N_PATH; InstanceSettings.staticCacheDir).
export const N8N_FACTS: UpstreamFacts = {
  image: 'n8nio/n8n',
  version: '2.41.3',
  released: '2026-09-26',
  entrypoint: ['tini', '--', '/docker-entrypoint.sh'],
  user: 'node (uid 1000)',
  writablePaths: ['/home/node/.n8n', '/home/node/.cache/n8n'],
  binaries: ['sh', 'node', 'npm', 'tini', 'n8n'],
  envRead: [
    'N8N_PORT',
    'N8N_LISTEN_ADDRESS',
    'N8N_PATH',
    'N8N_PROTOCOL',
    'N8N_HOST',
    'N8N_EDITOR_BASE_URL',
    'N8N_WEBHOOK_URL',
    'WEBHOOK_URL',
    'N8N_PROXY_HOPS',
    'N8N_PUSH_BACKEND',
    'N8N_SECURE_COOKIE',
    'N8N_DIAGNOSTICS_ENABLED',
    'N8N_VERSION_NOTIFICATIONS_ENABLED',
    'N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS',
    'GENERIC_TIMEZONE',
    'N8N_ENCRYPTION_KEY',
    'N8N_RUNNERS_MODE',
    'N8N_RUNNERS_AUTH_TOKEN',
    'N8N_ENDPOINT_HEALTH',
    'N8N_METRICS',
    'N8N_TEMPLATES_ENABLED',
    'N8N_PERSONALIZATION_ENABLED',
    'N8N_HIRING_BANNER_ENABLED',
    'DB_TYPE',
    'NODE_ENV',
  ],
  sources: [
    'https://registry.npmjs.org/n8n/-/n8n-2.41.3.tgz (dist/deprecation/deprecation.service.js, dist/services/url.service.js, dist/push/push.config.js, dist/push/origin-validator.js, dist/commands/start.js)',
    'https://registry.npmjs.org/@n8n/config/-/config-2.39.0.tgz (dist/index.js, dist/configs/*.js: @Env names)',
    'https://github.com/n8n-io/n8n/blob/master/docker/images/n8n/Dockerfile',
    'https://github.com/n8n-io/n8n/blob/master/docker/images/n8n-base/Dockerfile',
  ],
};

/** Env names 2.41.3 still reads but deprecates (deprecation.service.js): moat must not render them. */
export const N8N_DEPRECATED_ENV: Readonly<Record<string, string>> = {
  WEBHOOK_URL: 'Use N8N_WEBHOOK_URL instead, which sets the base URL for both test and production webhooks.',
  N8N_RUNNERS_ENABLED: 'Remove this environment variable; it is no longer needed.',
};
