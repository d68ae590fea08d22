import { curlCheck, defineService } from './define.js';

// signal-cli-rest-api has no authentication of its own: it must never be routed
// through the gateway. One HTTP port (PORT, default 8080); in json-rpc mode
// receiving is a WebSocket on the same port. Nothing listens on 8081.
// Health: GET /v1/health (the image is Ubuntu based, ships curl and uses it in
// its own HEALTHCHECK). Data: SIGNAL_CLI_CONFIG_DIR=/home/.local/share/signal-cli.
// Modes: normal, native, json-rpc (MODE); json-rpc keeps one signal-cli daemon
// running (`daemon --tcp 127.0.0.1:6001`, loopback inside the container), which
// receiving over WebSocket needs, and so does the bot: OpenClaw's Signal plugin
// uses its `container` transport against this API (clawdbot-signal.ts), the one
// client allowed to 8080 (clawdbot dependsOn signal-api).
// `moat signal` (cli/commands/signal.ts) links or registers the bot's account here:
// GET /v1/qrcodelink/raw, POST /v1/register/{number}[/verify/{code}], GET /v1/accounts.
// 0.100 (upstream/signal-cli-rest-api.ts; signal-cli 0.14.5: old signal-cli
// releases stop working once Signal's servers change). The entrypoint runs as
// root (usermod, chown of the data dir, supervisord in json-rpc mode) and always
// steps down with setpriv; it takes no arguments, so moat sets no command. The
// capabilities cover that: CHOWN (the data dir), SETUID/SETGID (setpriv,
// supervisord's user=signal-api), DAC_OVERRIDE (files of other owners under
// the data dir and /etc).
// Sources: https://github.com/bbernhard/signal-cli-rest-api/blob/0.100/Dockerfile,
// https://github.com/bbernhard/signal-cli-rest-api/blob/0.100/entrypoint.sh,
// https://github.com/bbernhard/signal-cli-rest-api (README, doc/EXAMPLES.md)
export const signalApi = defineService({
  name: 'signal-api',
  title: 'Signal API',
  description: 'signal-cli REST API: the Signal messaging gateway',
  origin: 'reference',
  image: 'bbernhard/signal-cli-rest-api:0.100',
  address: '172.20.0.50',
  ports: [{ port: 8080, protocol: 'tcp', purpose: 'Signal messaging (REST, json-rpc WebSocket; no auth)' }],
  env: { MODE: 'json-rpc', PORT: '8080' },
  volumes: [{ name: 'signal-data', target: '/home/.local/share/signal-cli', purpose: 'linked device keys and state' }],
  healthcheck: { test: curlCheck('http://127.0.0.1:8080/v1/health'), expects: 'GET /v1/health answers 2xx' },
  hardening: { readOnlyRootFs: false, capAdd: ['CHOWN', 'SETUID', 'SETGID', 'DAC_OVERRIDE'] },
  exposure: 'never-route',
  sources: [
    'https://github.com/bbernhard/signal-cli-rest-api',
    'https://github.com/bbernhard/signal-cli-rest-api/blob/0.100/Dockerfile',
    'https://github.com/bbernhard/signal-cli-rest-api/blob/0.100/entrypoint.sh',
  ],
});
