import type { z } from 'zod';
import type { ReferenceNote } from '../model/schema.js';

// Where the port & security reference contradicts itself or upstream, moat
// follows what works and says so in `moat plan` and in PORTS.md.
export const REFERENCE_NOTES: z.input<typeof ReferenceNote>[] = [
  {
    code: 'ref.rclone-rc-not-webdav', subject: 'gdrive 5572/tcp',
    reference: 'Google 5572 HTTP: rclone WebDAV',
    moat: "5572 is rclone's remote-control API (`rclone rcd`), served with --rc-user/--rc-pass and never routed",
    source: 'https://rclone.org/rc/',
  },
  {
    code: 'ref.signal-8081-unused', subject: 'signal-api 8081/tcp',
    reference: 'Signal API 8081 HTTP: Signal messaging secondary',
    moat: 'signal-cli-rest-api listens on one port (PORT, 8080); nothing listens on 8081, so moat opens nothing there',
    source: 'https://github.com/bbernhard/signal-cli-rest-api',
  },
  {
    code: 'ref.weaviate-owner', subject: 'dify-weaviate 8080/tcp',
    reference: 'Weaviate 8080: AnythingLLM vector database; static address table: dify-weaviate',
    moat: "one Weaviate, at dify-weaviate, serving Dify; AnythingLLM keeps its embedded LanceDB (set VECTOR_DB=weaviate in moat.yaml to share)",
    source: 'https://github.com/langgenius/dify/blob/main/docker/docker-compose.yaml',
  },
  {
    code: 'ref.weaviate-grpc', subject: 'dify-weaviate 50051/tcp',
    reference: 'Weaviate: 8080 only',
    moat: "also 50051 (gRPC) on the platform network: Dify 1.9.2 uses the Weaviate v4 client, which needs it",
    source: 'https://weaviate.io/developers/weaviate/client-libraries/python',
  },
  {
    code: 'ref.sandbox-not-routed', subject: 'dify-sandbox 8194/tcp',
    reference: 'Dify NGINX route /sandbox → Sandbox 8194',
    moat: "not routed: upstream Dify's nginx has no /sandbox location; the API reaches the sandbox directly, and code execution must not face users",
    source: 'https://github.com/langgenius/dify/blob/main/docker/nginx/conf.d/default.conf.template',
  },
  {
    code: 'ref.dify-routes', subject: 'dify-nginx routes',
    reference: 'Dify NGINX routes /api → 5001 and / → 3000',
    moat: 'also /console/api, /v1, /files and /mcp → dify-api:5001 and /e/ → dify-plugin-daemon:5002, as upstream',
    source: 'https://github.com/langgenius/dify/blob/main/docker/nginx/conf.d/default.conf.template',
  },
  {
    code: 'ref.dify-additions', subject: 'dify-web, dify-sandbox, dify-plugin-daemon, dify-ssrf-proxy',
    reference: 'not in the static address table',
    moat: 'added at 172.20.0.36-39 on ai-platform: Dify 1.9 cannot run without them, and every service gets a static address (docker/compose#11899)',
    source: 'https://github.com/langgenius/dify/blob/main/docker/docker-compose.yaml',
  },
  {
    code: 'ref.sg-8443', subject: 'security group 8443/tcp',
    reference: 'AWS security group: TCP 8443 from Tailscale (optional)',
    moat: 'no security-group rule: tailnet traffic arrives inside WireGuard on 41641/udp, and the gateway binds only the Tailscale address',
    source: 'https://tailscale.com/kb/1082/firewall-ports',
  },
  {
    code: 'ref.subpath-apps', subject: '/anythingllm and /dify',
    reference: 'served under sub-paths of https://HOST:8443',
    moat: "neither app supports a runtime base path; the gateway strips the prefix and rewrites absolute URLs (best effort). A dedicated host name is more robust",
    source: 'https://github.com/Mintplex-Labs/anything-llm/issues/2078, https://github.com/langgenius/dify/issues/25352',
  },
  {
    code: 'ref.tailscale-udp-optional', subject: '41641/udp',
    reference: 'Required',
    moat: 'kept open as the reference chooses (direct WireGuard paths); Tailscale would fall back to DERP relays without it',
    source: 'https://tailscale.com/kb/1082/firewall-ports',
  },
];
