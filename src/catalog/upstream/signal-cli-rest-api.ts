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
// json-rpc mode (src/scripts/jsonrpc2-helper.go, run by entrypoint.sh): one
// supervisord program `signal-cli --output=json --config <dir> daemon …
// --tcp 127.0.0.1:6001`, multi-account, loopback only (no --http), which the
// REST API talks to.
// The API moat uses (src/main.go routes, src/api/api.go handlers at 0.100):
// GET /v1/qrcodelink?device_name= → image/png; GET /v1/qrcodelink/raw?device_name=
// → {"device_link_uri"} (both start the link and finish it in the background);
// POST /v1/register/{number} {"use_voice","captcha"} → 201; POST
// /v1/register/{number}/verify/{token} {"pin"} → 201; GET /v1/accounts → [numbers];
// GET /v1/about → {versions, build, mode, version, capabilities}; GET /v1/health
// → 204; errors {"error": "…"} with 400/500. The bot's plugin uses POST /v2/send
// and the WebSocket GET /v1/receive/{number}.
export const SIGNAL_CLI_REST_API_FACTS: UpstreamFacts = {
  image: 'bbernhard/signal-cli-rest-api',
  version: '0.100',
  released: '2026-06-11',
  entrypoint: ['/entrypoint.sh'],
  user: 'root (steps down to signal-api, uid 1000, with setpriv)',
  writablePaths: ['/home/.local/share/signal-cli', '/etc', '/root', '/var/log', '/var/run', '/tmp'],
  binaries: ['sh', 'bash', 'curl', 'setpriv', 'supervisord', 'java', 'signal-cli', 'signal-cli-rest-api'],
  envRead: [
    'MODE',
    'PORT',
    'SIGNAL_CLI_CONFIG_DIR',
    'SIGNAL_CLI_UID',
    'SIGNAL_CLI_GID',
    'SIGNAL_CLI_CHOWN_ON_STARTUP',
    'JAVA_OPTS',
    'LOG_LEVEL',
    'AUTO_RECEIVE_SCHEDULE',
    'RECEIVE_WEBHOOK_URL',
    'SIGNAL_CLI_CMD_TIMEOUT',
    'JSON_RPC_TRUST_NEW_IDENTITIES',
    'DEFAULT_SIGNAL_TEXT_MODE',
    'SWAGGER_HOST',
    'SWAGGER_IP',
    'ENABLE_PLUGINS',
  ],
  sources: [
    'https://github.com/bbernhard/signal-cli-rest-api/blob/0.100/Dockerfile',
    'https://github.com/bbernhard/signal-cli-rest-api/blob/0.100/entrypoint.sh',
    'https://github.com/bbernhard/signal-cli-rest-api/blob/0.100/src/main.go',
    'https://github.com/bbernhard/signal-cli-rest-api/blob/0.100/src/api/api.go',
    'https://github.com/bbernhard/signal-cli-rest-api/blob/0.100/src/scripts/jsonrpc2-helper.go',
    'https://github.com/bbernhard/signal-cli-rest-api/blob/0.100/.github/workflows/release-productive-version.yml',
  ],
};

/** Routes of src/main.go at 0.100 that moat and the bot's plugin call (method, gin path). */
export const SIGNAL_CLI_REST_API_ROUTES: readonly string[] = [
  'GET /v1/about',
  'GET /v1/health',
  'GET /v1/accounts',
  'GET /v1/qrcodelink',
  'GET /v1/qrcodelink/raw',
  'POST /v1/register/:number',
  'POST /v1/register/:number/verify/:token',
  'POST /v2/send',
  'GET /v1/receive/:number',
  'PUT /v1/typing-indicator/:number',
  'POST /v1/receipts/:number',
  'POST /v1/reactions/:number',
];
