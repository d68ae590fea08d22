import type { z } from 'zod';
import type { ReferenceNote } from '../model/schema.js';

// Where the port & security reference contradicts itself or upstream, moat
// follows what works and says so in `moat plan` and in PORTS.md.
export const REFERENCE_NOTES: z.input<typeof ReferenceNote>[] = [
  {
    code: 'ref.rclone-rc-not-webdav',
    subject: 'gdrive 5572/tcp',
    reference: 'Google 5572 HTTP: rclone WebDAV',
    moat: "5572 is rclone's remote-control API (`rclone rcd`), served with --rc-user/--rc-pass and never routed",
    source: 'https://rclone.org/rc/',
  },
  {
    code: 'ref.signal-8081-unused',
    subject: 'signal-api 8081/tcp',
    reference: 'Signal API 8081 HTTP: Signal messaging secondary',
    moat: 'signal-cli-rest-api listens on one port (PORT, 8080); nothing listens on 8081, so moat opens nothing there',
    source: 'https://github.com/bbernhard/signal-cli-rest-api/blob/master/Dockerfile',
  },
  {
    code: 'ref.weaviate-owner',
    subject: 'dify-weaviate 8080/tcp',
    reference: 'Weaviate 8080: AnythingLLM vector database; static address table: dify-weaviate',
    moat: "one Weaviate, at dify-weaviate, serving Dify and AnythingLLM (VECTOR_DB=weaviate, with Weaviate's one API key); the address table's name is kept",
    source: 'https://github.com/langgenius/dify/blob/1.9.2/docker/docker-compose.yaml',
  },
  {
    code: 'ref.weaviate-grpc',
    subject: 'dify-weaviate 50051/tcp',
    reference: 'Weaviate: 8080 only',
    moat: 'also 50051 (gRPC) on the platform network: Dify uses the Weaviate v4 client (4.20 at 1.13), which needs Weaviate >= 1.27 and its gRPC port',
    source: 'https://github.com/langgenius/dify/pull/26964, https://github.com/langgenius/dify/issues/27818',
  },
  {
    code: 'ref.sandbox-not-routed',
    subject: 'dify-sandbox 8194/tcp',
    reference: 'Dify NGINX route /sandbox → Sandbox 8194',
    moat: "not routed: upstream Dify's nginx has no /sandbox location; the API reaches the sandbox directly (CODE_EXECUTION_ENDPOINT), and code execution must not face users",
    source: 'https://github.com/langgenius/dify/blob/1.9.2/docker/nginx/conf.d/default.conf.template',
  },
  {
    code: 'ref.dify-routes',
    subject: 'dify-nginx routes',
    reference: 'Dify NGINX routes /api → 5001 and / → 3000',
    moat: 'also /console/api, /v1, /files, /mcp, /triggers and /openapi → dify-api:5001, /explore → dify-web:3000 and /e/ → dify-plugin-daemon:5002, as upstream (1.17 adds /triggers and /openapi)',
    source: 'https://github.com/langgenius/dify/blob/1.9.2/docker/nginx/conf.d/default.conf.template',
  },
  {
    code: 'ref.dify-additions',
    subject: 'dify-web, dify-sandbox, dify-plugin-daemon, dify-ssrf-proxy, dify-worker-beat',
    reference: 'not in the static address table',
    moat: 'added at 172.20.0.36-39 (and dify-worker-beat, Celery beat, at .41); the sandbox only on the internal network dify-sandbox: Dify cannot run without them, and every service gets a static address (docker/compose#11899)',
    source: 'https://github.com/langgenius/dify/blob/1.9.2/docker/docker-compose.yaml, https://github.com/docker/compose/issues/11899',
  },
  {
    code: 'ref.sg-8443',
    subject: 'security group 8443/tcp',
    reference: 'AWS security group: TCP 8443 from Tailscale (optional)',
    moat: 'no security-group rule: tailnet traffic arrives inside WireGuard on 41641/udp, and the gateway binds only the Tailscale address',
    source: 'https://tailscale.com/kb/1082/firewall-ports',
  },
  {
    code: 'ref.subpath-apps',
    subject: '/anythingllm and /dify',
    reference: 'served under sub-paths of https://HOST:8443',
    moat: 'neither app supports a base path (rewriting their JavaScript corrupts it), so each gets its own origin: AnythingLLM at https://HOST:8444/, Dify at https://HOST:8445/ (TLS on the Tailscale address, tailnet only); /anythingllm and /dify on 8443 redirect there. gateway.originPerApp: true gives n8n and Clawdbot their own origins too',
    source: 'https://github.com/Mintplex-Labs/anything-llm/issues/2078, https://github.com/langgenius/dify/issues/25352, shared/reviews/apps.md F4, F9',
  },
  {
    code: 'ref.tailscale-udp-optional',
    subject: '41641/udp',
    reference: 'Required',
    moat: 'kept open as the reference chooses (direct WireGuard paths); Tailscale would fall back to DERP relays without it',
    source: 'https://tailscale.com/kb/1082/firewall-ports',
  },
  {
    code: 'ref.subpath-n8n',
    subject: '/n8n',
    reference: 'served under https://HOST:8443/n8n',
    moat: 'N8N_PATH=/n8n/ with the prefix stripped by the gateway (raw URI passed on), N8N_WEBHOOK_URL and N8N_EDITOR_BASE_URL set to the public URL, Host and X-Forwarded-Host keep the port for the push origin check; upstream does not test sub-paths and recommends a subdomain (gateway.originPerApp: true gives n8n its own origin)',
    source: 'https://github.com/n8n-io/n8n/issues/9191, https://docs.n8n.io/hosting/configuration/configuration-examples/webhook-url/',
  },
  {
    code: 'ref.clawdbot-port',
    subject: 'clawdbot 3000/tcp',
    reference: 'Clawdbot 3000',
    moat: "kept at 3000 with `--port 3000` (OpenClaw's default is 18789); bind, trusted proxy (the gateway's address) and the /clawdbot base path come from a rendered config file, OpenClaw has no env variables for them",
    source: 'https://github.com/openclaw/openclaw/blob/main/docs/gateway/config-gateway.md',
  },
  {
    code: 'ref.own-origins',
    subject: 'gateway 8444/tcp, 8445/tcp',
    reference: 'one gateway port, 8443, tailnet only',
    moat: "also 8444 (AnythingLLM) and 8445 (Dify), TLS on the Tailscale address only, granted to the same tailnet group: apps without base-path support need an origin of their own, and separate origins keep one app's page from reading another's tokens",
    source: 'shared/reviews/apps.md F4, F9; https://web.dev/articles/same-site-same-origin',
  },
  {
    code: 'ref.clawdbot-signal',
    subject: 'clawdbot ↔ signal-api',
    reference: 'Signal API 8080: Signal messaging primary (for the bot)',
    moat: "wired when moat.yaml names the bot's number (services.clawdbot.env.SIGNAL_ACCOUNT): OpenClaw's Signal plugin (@openclaw/signal) uses its `container` transport, signal-api's REST (/v2/send) and WebSocket (/v1/receive/{account}) in json-rpc mode; no second signal-cli daemon (signal-api's own runs on its loopback, and one account takes one daemon). Only clawdbot may reach 8080",
    source:
      'https://registry.npmjs.org/openclaw/-/openclaw-2026.9.6.tgz (docs/channels/signal.md), https://registry.npmjs.org/@openclaw/signal/-/signal-2026.9.6.tgz (dist/.setup/client-*.mjs), https://github.com/bbernhard/signal-cli-rest-api/blob/0.100/src/scripts/jsonrpc2-helper.go',
  },
  {
    code: 'ref.dify-ssrf-egress',
    subject: 'dify-ssrf-proxy 3128/tcp',
    reference: 'not in the reference',
    moat: "squid denies every private, loopback, CGNAT (tailnet) and link-local destination (the AWS metadata address), so a workflow's HTTP requests cannot reach Ollama, signal-api or rclone's rc API; upstream's template restricts ports and clients only. Sandboxed code runs with ENABLE_NETWORK=true (the API always asks for network), but the sandbox sits only on the internal network dify-sandbox (no route out), shared with the proxy, the API, the worker and beat: its only way out is this proxy",
    source: 'https://github.com/langgenius/dify/blob/1.9.2/docker/ssrf_proxy/squid.conf.template',
  },
  {
    code: 'ref.gdrive-not-configured',
    subject: 'gdrive 5572/tcp',
    reference: 'Google Drive sync',
    moat: 'rclone rcd serves only its authenticated remote-control API; the Drive remote and the sync schedule are configured by `moat drive` (not yet available), so nothing syncs until then',
    source: 'https://rclone.org/rc/, https://rclone.org/commands/rclone_authorize/',
  },
  {
    code: 'ref.dify-plugin-debug',
    subject: 'dify-plugin-daemon 5003/tcp',
    reference: 'not in the reference',
    moat: 'remote plugin debugging is off (PLUGIN_REMOTE_INSTALLING_ENABLED=false): upstream publishes 5003 on the host for it; moat publishes nothing',
    source: 'https://github.com/langgenius/dify/blob/1.9.2/docker/docker-compose.yaml',
  },
];
