import type { z } from 'zod';
import type { InternalProxy, Route } from '../model/schema.js';

// The gateway's four routes, each with what its app needs (see the catalog
// entry of each app for the sources).
export const GATEWAY_ROUTES: z.input<typeof Route>[] = [
  {
    path: '/anythingllm', service: 'anythingllm', port: 3001, prefix: 'rewrite',
    websocket: true, streaming: true, maxBodyMegabytes: 512, readTimeoutSeconds: 600,
    notes: ['no base-path support upstream (Mintplex-Labs/anything-llm#2078): absolute URLs are rewritten, best effort', 'agents use WebSocket; chat streams tokens; document upload needs a large body'],
  },
  {
    path: '/clawdbot', service: 'clawdbot', port: 3000, prefix: 'native',
    websocket: true, streaming: false, maxBodyMegabytes: 10, readTimeoutSeconds: 3600,
    notes: ['the Control UI is served under gateway.controlUi.basePath=/clawdbot (clawdbot-config.ts): the prefix is kept', 'the gateway is a long-lived WebSocket; the bot trusts only the gateway address as proxy (gateway.trustedProxies)'],
  },
  {
    path: '/dify', service: 'dify-nginx', port: 80, prefix: 'rewrite',
    websocket: false, streaming: true, maxBodyMegabytes: 100, readTimeoutSeconds: 600,
    notes: ["the web app's base path is build-time (langgenius/dify#25352): absolute URLs are rewritten, best effort", 'chat and workflow runs stream SSE'],
  },
  {
    path: '/n8n', service: 'n8n', port: 5678, prefix: 'strip',
    websocket: true, streaming: true, maxBodyMegabytes: 64, readTimeoutSeconds: 3600,
    notes: ['N8N_PATH=/n8n/ with the prefix stripped by the proxy (n8n-io/n8n#9191); the editor pushes over WebSocket'],
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
  ],
};
