import type { UpstreamFacts } from './dify-types.js';

// langgenius/dify-sandbox:0.2.15 (2026-04-21), the sandbox Dify 1.17.1's
// compose pins (1.13.3 pinned 0.2.14). Its entrypoint (bash) unpacks Node.js
// into /opt, links /usr/local/bin/node, then runs /main as root; runners keep
// their libraries under /var/sandbox. The server reads conf/config.yaml
// relative to / and these env names (internal/static/config.go); GIN_MODE is
// read by gin itself. The API always asks for network access
// (`"enable_network": True` in api/core/helper/code_executor/code_executor.py),
// and the sandbox refuses it when ENABLE_NETWORK is false
// (internal/service/check.go: ErrNetworkDisabled): ENABLE_NETWORK must be true.
export const DIFY_SANDBOX_FACTS: UpstreamFacts = {
  image: 'langgenius/dify-sandbox',
  version: '0.2.15',
  released: '2026-04-21',
  entrypoint: ['/entrypoint.sh'],
  user: 'root',
  writablePaths: ['/opt', '/usr/local/bin', '/var/sandbox', '/tmp'],
  binaries: ['sh', 'bash', 'curl', 'wget', 'python3', 'tar'],
  envRead: [
    'DEBUG',
    'MAX_WORKERS',
    'MAX_REQUESTS',
    'SANDBOX_PORT',
    'WORKER_TIMEOUT',
    'API_KEY',
    'PYTHON_PATH',
    'PYTHON_LIB_PATH',
    'PIP_MIRROR_URL',
    'PYTHON_DEPS_UPDATE_INTERVAL',
    'NODEJS_PATH',
    'ENABLE_NETWORK',
    'ENABLE_PRELOAD',
    'ALLOWED_SYSCALLS',
    'SOCKS5_PROXY',
    'HTTPS_PROXY',
    'HTTP_PROXY',
    'GIN_MODE',
  ],
  sources: [
    'https://github.com/langgenius/dify-sandbox/blob/0.2.15/internal/static/config.go (env names, l.33-150)',
    'https://github.com/langgenius/dify-sandbox/blob/0.2.15/internal/service/check.go (ErrNetworkDisabled)',
    'https://github.com/langgenius/dify-sandbox/blob/0.2.15/docker/templates/production.dockerfile (curl, wget, ENTRYPOINT)',
    'https://github.com/langgenius/dify-sandbox/blob/0.2.15/docker/entrypoint.sh',
  ],
};
