// Dify's environment that depends on the host: its public URLs. Dify has its
// own origin on the gateway (`https://<tailnet name>:<dify port>`, served at
// `/`, no prefix, no response rewriting), which routeUrl() returns.
// host-env.ts merges this map into its own (hostDependentEnv).
//
// Why each one (read at 1.13.3, 0055b98; see upstream/dify-api.ts):
// - The image sets CONSOLE_API_URL, CONSOLE_WEB_URL, SERVICE_API_URL and
//   APP_WEB_URL to http://127.0.0.1:5001 / :3000 (api/Dockerfile ENV); upstream's
//   compose overrides them to '' (x-shared-env). Unset here would keep 127.0.0.1.
// - CONSOLE_API_URL: icon URLs, OAuth redirect_uris of plugins, MCP and Notion.
//   SERVICE_API_URL: the API base shown under "API Access". APP_WEB_URL: share
//   links of published apps. FILES_URL: signed file-preview links.
//   ENDPOINT_URL_TEMPLATE: the public URL of plugin endpoints (nginx's /e/).
// - CONSOLE_WEB_URL stays '': libs/token.py is_secure() is
//   `CONSOLE_WEB_URL.startswith("https") and CONSOLE_API_URL.startswith("https")`,
//   and when true every cookie becomes `__Host-<name>`; the web picks its CSRF
//   cookie name from its own API prefix (relative here: dify-web's
//   CONSOLE_API_URL is ''), so it would keep reading `csrf_token` and every
//   console POST would fail "CSRF token is missing or invalid". With '' both
//   sides use the plain names, and redirects to the console are relative,
//   which on Dify's own origin at `/` land where they should.
import { routeUrl } from '../model/lookup.js';
import type { Platform } from '../model/types.js';

const API_FAMILY = ['dify-api', 'dify-worker', 'dify-worker-beat'] as const;

/** Service name → Dify env vars that depend on the host; empty when Dify is not routed. */
export function difyHostEnv(platform: Platform): Record<string, Record<string, string>> {
  const url = routeUrl(platform, 'dify-nginx');
  if (url === undefined) return {};
  const base = url.replace(/\/+$/, '');
  const env = {
    CONSOLE_API_URL: base,
    CONSOLE_WEB_URL: '',
    SERVICE_API_URL: base,
    APP_WEB_URL: base,
    FILES_URL: base,
    ENDPOINT_URL_TEMPLATE: `${base}/e/{hook_id}`,
  };
  const present = new Set(platform.services.map((s) => s.name));
  return Object.fromEntries(API_FAMILY.filter((name) => present.has(name)).map((name) => [name, { ...env }]));
}
