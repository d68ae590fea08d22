import type { UpstreamFacts } from './dify-types.js';

// langgenius/dify-api:1.17.1 (api, worker and worker_beat: one image, MODE
// picks the process). 1.17.1 is the newest release (langgenius/dify#42129,
// 2026-09-10); releases up to 1.14.1 carry CVE-2026-41949 (file preview across
// workspaces) and CVE-2026-41950 (<1.14.0, chat-message files of other users),
// and the DifyTap set (CVE-2026-41947, critical) is fully fixed in 1.15.0.
//
// The facts below were read at 1.13.3 (commit 0055b98, the newest Dify source
// this session could read; 1.17.1's tree was not available): 1.17 adds
// services moat does not run (api_websocket, agent_backend, local_sandbox:
// collaboration mode and the agent runtime), which stay optional. Re-read
// docker/docker-compose.yaml and api/docker/entrypoint.sh at 1.17.1 on bump.
//
// The entrypoint (bash) runs `flask upgrade-db` when MIGRATION_ENABLED=true,
// then by MODE: `celery ... worker`, `celery -A app.celery beat`, or gunicorn
// with `--timeout ${GUNICORN_TIMEOUT:-200}`. The image runs as uid 1001
// (upstream's init_permissions chowns /app/api/storage to 1001:1001 for its
// bind mount). curl and python3 are in the image (upstream's health check
// uses curl).
export const DIFY_API_FACTS: UpstreamFacts = {
  image: 'langgenius/dify-api',
  version: '1.17.1',
  released: '2026-09-10',
  entrypoint: ['/bin/bash', '/entrypoint.sh'],
  user: '1001',
  writablePaths: ['/app/api/storage', '/tmp'],
  binaries: ['sh', 'bash', 'curl', 'python3', 'flask', 'celery', 'gunicorn'],
  envRead: [
    // entrypoint
    'MODE',
    'MIGRATION_ENABLED',
    'GUNICORN_TIMEOUT',
    'LOG_LEVEL',
    // x-shared-env names, each read by api/configs at 1.13.3
    'CONSOLE_API_URL',
    'CONSOLE_WEB_URL',
    'SERVICE_API_URL',
    'APP_API_URL',
    'APP_WEB_URL',
    'FILES_URL',
    'INTERNAL_FILES_URL',
    'SECRET_KEY',
    'INIT_PASSWORD',
    'DEPLOY_ENV',
    'CHECK_UPDATE_URL',
    'DB_USERNAME',
    'DB_PASSWORD',
    'DB_HOST',
    'DB_PORT',
    'DB_DATABASE',
    'REDIS_HOST',
    'REDIS_PORT',
    'REDIS_PASSWORD',
    'REDIS_USE_SSL',
    'REDIS_DB',
    'CELERY_BROKER_URL',
    'CELERY_BACKEND',
    'STORAGE_TYPE',
    'OPENDAL_SCHEME',
    'OPENDAL_FS_ROOT',
    'VECTOR_STORE',
    'WEAVIATE_ENDPOINT',
    'WEAVIATE_API_KEY',
    'WEAVIATE_GRPC_ENDPOINT',
    'CODE_EXECUTION_ENDPOINT',
    'CODE_EXECUTION_API_KEY',
    'PLUGIN_DAEMON_URL',
    'PLUGIN_DAEMON_KEY',
    'INNER_API_KEY_FOR_PLUGIN',
    'PLUGIN_MAX_PACKAGE_SIZE',
    'ENDPOINT_URL_TEMPLATE',
    'MARKETPLACE_ENABLED',
    'SSRF_PROXY_HTTP_URL',
    'SSRF_PROXY_HTTPS_URL',
    'RESPECT_XFORWARD_HEADERS_ENABLED',
    'SCARF_NO_ANALYTICS',
    'WORKFLOW_LOG_CLEANUP_ENABLED',
  ],
  sources: [
    'https://github.com/langgenius/dify/pull/42129 (1.17.1, 2026-09-10)',
    'https://github.com/langgenius/dify/blob/0055b983dc32deacc31351c13a555055ffc9b844/docker/docker-compose.yaml (1.13.3: x-shared-env, init_permissions chown 1001:1001, api/worker/worker_beat services)',
    'https://github.com/langgenius/dify/blob/0055b983dc32deacc31351c13a555055ffc9b844/api/pyproject.toml (version 1.13.3)',
    'https://github.com/langgenius/dify/blob/main/api/docker/entrypoint.sh (MIGRATION_ENABLED, MODE, GUNICORN_TIMEOUT)',
    'https://basefortify.eu/cve_reports/2026/05/cve-2026-41949.html',
    'https://www.sentinelone.com/vulnerability-database/cve-2026-41950/',
  ],
};

// langgenius/dify-web:1.17.1: Next.js standalone on node:22-alpine, USER 1001;
// its entrypoint exports NEXT_PUBLIC_API_PREFIX=${CONSOLE_API_URL}/console/api
// and NEXT_PUBLIC_PUBLIC_API_PREFIX=${APP_API_URL}/api, then runs the server
// under pm2 (which writes /.pm2, owned by the image user).
export const DIFY_WEB_FACTS: UpstreamFacts = {
  image: 'langgenius/dify-web',
  version: '1.17.1',
  released: '2026-09-10',
  entrypoint: ['/bin/sh', './entrypoint.sh'],
  user: '1001',
  writablePaths: ['/.pm2', '/tmp'],
  binaries: ['sh', 'node'],
  envRead: ['CONSOLE_API_URL', 'APP_API_URL', 'HOSTNAME', 'PORT', 'NEXT_TELEMETRY_DISABLED', 'MARKETPLACE_API_URL', 'MARKETPLACE_URL'],
  sources: [
    'https://github.com/langgenius/dify/pull/42129 (1.17.1, 2026-09-10)',
    'https://github.com/langgenius/dify/blob/0055b983dc32deacc31351c13a555055ffc9b844/docker/docker-compose.yaml (web service env, 1.13.3)',
    'https://github.com/langgenius/dify/blob/main/web/docker/entrypoint.sh',
  ],
};
