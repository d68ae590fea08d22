import type { UpstreamFacts } from './types.js';

// signal-cli-rest-api 0.100 (tag 2026-06-11; signal-cli 0.14.5). Dockerfile:
// ubuntu:noble with util-linux (setpriv), supervisor, openjdk-25-jre, curl;
// user signal-api uid 1000 created but no USER (root); `ENV PORT=8080`,
// `SIGNAL_CLI_CONFIG_DIR=/home/.local/share/signal-cli`,
// `ENTRYPOINT ["/entrypoint.sh"]`, `HEALTHCHECK … curl -f
// http://localhost:${PORT}/v1/health`. entrypoint.sh (as root): usermod/groupmod,
// chown -R of the config dir (unless SIGNAL_CLI_CHOWN_ON_STARTUP=false), appends
// to /root/.bashrc, in json-rpc modes writes the supervisor config and starts
// supervisord, then `exec setpriv --reuid … signal-cli-rest-api`: it takes no
// arguments and always steps down. Env names: src/main.go and src/ at the tag
// (utils.GetEnv). Published as bbernhard/signal-cli-rest-api:<version>
// (.github/workflows/release-productive-version.yml).
export const SIGNAL_CLI_REST_API_FACTS: UpstreamFacts = {
  image: 'bbernhard/signal-cli-rest-api',
  version: '0.100',
  released: '2026-06-11',
  entrypoint: ['/entrypoint.sh'],
  user: 'root (steps down to signal-api, uid 1000, with setpriv)',
  writablePaths: ['/home/.local/share/signal-cli', '/etc', '/root', '/var/log', '/var/run', '/tmp'],
  binaries: ['sh', 'bash', 'curl', 'setpriv', 'supervisord', 'java', 'signal-cli', 'signal-cli-rest-api'],
  envRead: [
    'MODE', 'PORT', 'SIGNAL_CLI_CONFIG_DIR', 'SIGNAL_CLI_UID', 'SIGNAL_CLI_GID', 'SIGNAL_CLI_CHOWN_ON_STARTUP',
    'JAVA_OPTS', 'LOG_LEVEL', 'AUTO_RECEIVE_SCHEDULE', 'RECEIVE_WEBHOOK_URL', 'SIGNAL_CLI_CMD_TIMEOUT',
    'JSON_RPC_TRUST_NEW_IDENTITIES', 'DEFAULT_SIGNAL_TEXT_MODE', 'SWAGGER_HOST', 'SWAGGER_IP', 'ENABLE_PLUGINS',
  ],
  sources: [
    'https://github.com/bbernhard/signal-cli-rest-api/blob/0.100/Dockerfile',
    'https://github.com/bbernhard/signal-cli-rest-api/blob/0.100/entrypoint.sh',
    'https://github.com/bbernhard/signal-cli-rest-api/blob/0.100/src/main.go',
    'https://github.com/bbernhard/signal-cli-rest-api/blob/0.100/.github/workflows/release-productive-version.yml',
  ],
};
