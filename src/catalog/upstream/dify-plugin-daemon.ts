import type { UpstreamFacts } from './dify-types.js';

// langgenius/dify-plugin-daemon:0.6.10-local (2026-08-07), the daemon Dify
// 1.17.1's compose pins. ubuntu:24.04 with curl and python3.12
// (docker/local.dockerfile: `apt-get install -y curl python3.12 ...`), run by
// tini as root: `/app/commandline migrate && exec /app/main`. Env names from
// internal/types/app/config.go at 0.6.10 (its own names: SERVER_KEY,
// DIFY_INNER_API_KEY, MAX_PLUGIN_PACKAGE_SIZE, not the API's). Plugin
// processes inherit the daemon's environment (internal/core/local_runtime/
// subprocess.go:35 `cmd.Env = cmd.Environ()`), secrets included.
export const DIFY_PLUGIN_DAEMON_FACTS: UpstreamFacts = {
  image: 'langgenius/dify-plugin-daemon',
  version: '0.6.10-local',
  released: '2026-08-07',
  entrypoint: ['/usr/bin/tini', '-g', '--'],
  cmd: ['/bin/bash', '-c', '/app/commandline migrate && exec /app/main'],
  user: 'root',
  writablePaths: ['/app/storage', '/app/.tiktoken', '/root', '/tmp'],
  binaries: ['sh', 'bash', 'curl', 'python3', 'tini'],
  envRead: [
    'SERVER_PORT',
    'SERVER_KEY',
    'DIFY_INNER_API_URL',
    'DIFY_INNER_API_KEY',
    'DB_USERNAME',
    'DB_PASSWORD',
    'DB_HOST',
    'DB_PORT',
    'DB_DATABASE',
    'DB_DEFAULT_DATABASE',
    'DB_SSL_MODE',
    'REDIS_HOST',
    'REDIS_PORT',
    'REDIS_PASSWORD',
    'REDIS_DB',
    'REDIS_USE_SSL',
    'PLUGIN_REMOTE_INSTALLING_ENABLED',
    'PLUGIN_REMOTE_INSTALLING_HOST',
    'PLUGIN_REMOTE_INSTALLING_PORT',
    'PLUGIN_WORKING_PATH',
    'PLUGIN_STORAGE_TYPE',
    'PLUGIN_STORAGE_LOCAL_ROOT',
    'PLUGIN_INSTALLED_PATH',
    'PLUGIN_PACKAGE_CACHE_PATH',
    'PLUGIN_MEDIA_CACHE_PATH',
    'FORCE_VERIFYING_SIGNATURE',
    'PYTHON_ENV_INIT_TIMEOUT',
    'PLUGIN_MAX_EXECUTION_TIMEOUT',
    'MAX_PLUGIN_PACKAGE_SIZE',
    'PPROF_ENABLED',
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'NO_PROXY',
    'LOG_LEVEL',
  ],
  sources: [
    'https://github.com/langgenius/dify-plugin-daemon/blob/0.6.10/internal/types/app/config.go (envconfig names)',
    'https://github.com/langgenius/dify-plugin-daemon/blob/0.6.10/docker/local.dockerfile (ubuntu:24.04, curl, python3.12, tini, CMD)',
    'https://github.com/langgenius/dify-plugin-daemon/blob/0.6.10/internal/server/http_server.go (GET /health/check)',
    'https://github.com/langgenius/dify-plugin-daemon/blob/0.6.10/internal/core/local_runtime/subprocess.go (cmd.Env = cmd.Environ())',
  ],
};
