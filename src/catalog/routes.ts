import type { z } from 'zod';
import type { InternalProxy, Route } from '../model/schema.js';
import { CONSOLE_PORT, CONSOLE_SERVICE } from './console.js';

// The gateway's routes, each with what its app needs: the reference's four,
// and the console at / of the main origin (the start page, catalog/console.ts;
// the one route `/` may take, model/config-routes.ts). `prefix` says how
// the app copes with a path prefix, per its upstream source; an app without
// base-path support (`none`) is served at `/` of its own origin (its own TLS
// port on the Tailscale address) and the reference's path redirects there.
// `originPort` is where each app lives when it gets its own origin: always for
// `none`, and for every app with `gateway.originPerApp: true` in moat.yaml.
export const GATEWAY_ROUTES: z.input<typeof Route>[] = [
  {
    path: '/anythingllm',
    service: 'anythingllm',
    port: 3001,
    prefix: 'none',
    originPort: 8444,
    websocket: true,
    websocketPath: '/api/agent-invocation/moat-probe',
    streaming: true,
    maxBodyMegabytes: 512,
    readTimeoutSeconds: 600,
    notes: [
      'no base-path support upstream: the server serves the built UI from / and the UI calls /api and opens its agent WebSocket at window.location.host, so it gets its own origin',
      'agents use WebSocket; chat streams tokens; document upload needs a large body',
    ],
    sources: [
      'https://github.com/Mintplex-Labs/anything-llm/issues/2078 (base path: out of scope)',
      'https://github.com/Mintplex-Labs/anything-llm/blob/v1.8.1/frontend/src/utils/constants.js (API_BASE = "/api")',
      'https://github.com/Mintplex-Labs/anything-llm/blob/v1.8.1/frontend/src/utils/chat/agent.js (WebSocket at window.location.host)',
    ],
  },
  {
    path: '/clawdbot',
    service: 'clawdbot',
    port: 3000,
    prefix: 'native',
    originPort: 8446,
    websocket: true,
    websocketPath: '',
    streaming: false,
    maxBodyMegabytes: 10,
    readTimeoutSeconds: 3600,
    notes: [
      'the Control UI is served under gateway.controlUi.basePath (clawdbot-config.ts): the prefix is kept',
      'the UI opens its WebSocket at the base path WITHOUT a trailing slash (wss://host:8443/clawdbot): that exact URL is proxied, never redirected (a handshake does not follow redirects)',
      'the bot trusts only the gateway address as proxy (gateway.trustedProxies)',
    ],
    sources: [
      'https://github.com/openclaw/openclaw/blob/main/ui/src/ui/storage.ts (loadSettings: gateway URL = origin + normalized base path)',
      'https://github.com/openclaw/openclaw/pull/30228 (wss://host:8443/claw/bot-name)',
      'https://datatracker.ietf.org/doc/html/rfc6455#section-4.1 (a client fails the handshake on any status but 101)',
    ],
  },
  {
    path: '/dify',
    service: 'dify-nginx',
    port: 80,
    prefix: 'none',
    originPort: 8445,
    websocket: false,
    streaming: true,
    maxBodyMegabytes: 100,
    readTimeoutSeconds: 600,
    notes: [
      "the web app's base path is a build-time Next.js setting and the stock image serves from /, so Dify gets its own origin",
      'chat and workflow runs stream SSE',
    ],
    sources: ['https://github.com/langgenius/dify/issues/25352 (base path is build time)'],
  },
  {
    path: '/n8n',
    service: 'n8n',
    port: 5678,
    prefix: 'strip',
    originPort: 8447,
    websocket: true,
    websocketPath: '/rest/push',
    streaming: true,
    maxBodyMegabytes: 64,
    readTimeoutSeconds: 3600,
    notes: [
      'N8N_PATH=/n8n/ makes the editor emit prefixed URLs; the backend serves at / so the proxy strips the prefix, passing the raw URI (an encoded / in a webhook path stays encoded)',
      'the editor pushes over WebSocket and checks Origin against X-Forwarded-Host: the port is kept ($http_host)',
    ],
    sources: [
      'https://github.com/n8n-io/n8n/issues/9191 (N8N_PATH needs the proxy to strip the prefix)',
      'https://github.com/n8n-io/n8n/blob/master/packages/cli/src/push/index.ts (Origin vs X-Forwarded-Host)',
    ],
  },
  {
    path: '/',
    service: CONSOLE_SERVICE,
    port: CONSOLE_PORT,
    prefix: 'native',
    notes: [
      "the start page: moat's console, at / of the main origin (a path the other routes live under, so every other path of that origin is theirs first)",
      'the console sends its own strict Content-Security-Policy; its actions need the operator credential and the Origin of this page',
    ],
    sources: ['src/console/server.ts (moat: serves /, its assets and /api/ at the root)'],
  },
];

// Dify's own nginx, from docker/nginx/conf.d/default.conf.template of 1.9.2
// (later releases add /triggers and /socket.io/). The sandbox is reached by the
// API only; it is not routed (see notes). Order as upstream; nginx picks the
// longest matching prefix, so order does not change the result.
// Source: https://github.com/langgenius/dify/blob/1.9.2/docker/nginx/conf.d/default.conf.template
export const DIFY_PROXY: z.input<typeof InternalProxy> = {
  service: 'dify-nginx',
  listenPort: 80,
  routes: [
    { path: '/console/api', service: 'dify-api', port: 5001, purpose: 'Console API', streaming: true },
    { path: '/api', service: 'dify-api', port: 5001, purpose: 'Backend API (web apps)', streaming: true },
    { path: '/v1', service: 'dify-api', port: 5001, purpose: 'Service API', streaming: true },
    { path: '/files', service: 'dify-api', port: 5001, purpose: 'File previews and uploads' },
    { path: '/explore', service: 'dify-web', port: 3000, purpose: 'Explore (published apps)' },
    { path: '/e/', service: 'dify-plugin-daemon', port: 5002, purpose: 'Plugin endpoints' },
    { path: '/', service: 'dify-web', port: 3000, purpose: 'Frontend interface' },
    { path: '/mcp', service: 'dify-api', port: 5001, purpose: 'MCP server', streaming: true },
    // Newer than 1.9.2's template (reported by the dify helper from copies of the 1.17 template; socket.io
    // is left out: it goes to api_websocket, which moat does not run).
    { path: '/triggers', service: 'dify-api', port: 5001, purpose: 'Trigger webhooks' },
    { path: '/openapi', service: 'dify-api', port: 5001, purpose: 'OpenAPI' },
  ],
};
