// Clawdbot (OpenClaw) is configured by a JSON5 file, not by environment
// variables: bind, trusted proxies, the Control UI's base path and auth mode
// exist only as `gateway.*` keys. This pure function gives that file; a renderer
// writes it as `clawdbot/openclaw.json` and the service reads it through
// OPENCLAW_CONFIG_PATH (mounted read-only: moat owns it; `openclaw config set`
// inside the container will fail, by design).
// Only env: OPENCLAW_GATEWAY_TOKEN (the token of `auth.mode: token`),
// OPENCLAW_GATEWAY_PORT (< --port, > gateway.port), OPENCLAW_CONFIG_PATH.
// Sources: https://docs.openclaw.ai/gateway/configuration,
// https://github.com/openclaw/openclaw/blob/main/docs/gateway/config-gateway.md,
// https://docs.openclaw.ai/gateway/trusted-proxy-auth
import { gatewayUrl, serviceByName } from '../model/lookup.js';
import type { Platform } from '../model/types.js';

export const CLAWDBOT_CONFIG_PATH = '/etc/openclaw/openclaw.json';

export function clawdbotConfig(platform: Platform): Record<string, unknown> {
  const self = serviceByName(platform, 'clawdbot');
  const gateway = serviceByName(platform, platform.gateway.service);
  const route = platform.gateway.routes.find((r) => r.service === 'clawdbot');
  const port = self?.ports[0]?.port ?? 3000;
  return {
    gateway: {
      mode: 'local',
      port,
      // `lan` = 0.0.0.0 inside the container's own network namespace: the only
      // interface there is the platform network (nothing is published on the
      // host). `loopback`, the default, would be unreachable from the gateway.
      bind: 'lan',
      // Token auth: non-loopback binds require auth; the token comes from
      // OPENCLAW_GATEWAY_TOKEN. Not `trusted-proxy`: the gateway authenticates no user.
      auth: { mode: 'token' },
      // X-Forwarded-For is believed only from the gateway's static address.
      trustedProxies: gateway ? [gateway.address] : [],
      tailscale: { mode: 'off' },
      controlUi: {
        enabled: true,
        // Under a path on the main origin, or at `/` of its own origin.
        ...(route?.servedAt === 'path' ? { basePath: route.path } : {}),
        // The browser's Origin: scheme, host and port of where the UI is served.
        allowedOrigins: [route ? new URL(route.url).origin : gatewayUrl(platform)],
      },
    },
  };
}

/** The file's text: stable key order as written above, two-space JSON (valid JSON5). */
export function clawdbotConfigJson(platform: Platform): string {
  return `${JSON.stringify(clawdbotConfig(platform), null, 2)}\n`;
}
