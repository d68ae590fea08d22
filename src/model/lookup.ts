// Small, total look-ups into a Platform.

import { byText } from './order.js';
import type { Platform, Service } from './types.js';

export function serviceByName(platform: Platform, name: string): Service | undefined {
  return platform.services.find((s) => s.name === name);
}

export function requireService(platform: Platform, name: string): Service {
  const service = serviceByName(platform, name);
  if (!service) throw new Error(`service ${name} is not in the platform (this is a bug in moat)`);
  return service;
}

/** The gateway's base URL as users reach it over the tailnet. */
export function gatewayUrl(platform: Platform): string {
  const { hostname, tailnet } = platform.host.tailscale;
  return `https://${hostname}.${tailnet}:${platform.gateway.listenPort}`;
}

/** Every secret of the platform, once each, sorted by name. */
export function allSecrets(platform: Platform): Service['secrets'][number][] {
  const byName = new Map<string, Service['secrets'][number]>();
  for (const service of platform.services) for (const s of service.secrets) if (!byName.has(s.name)) byName.set(s.name, s);
  return [...byName.values()].sort((a, b) => byText(a.name, b.name));
}

/** A TLS origin the gateway serves: the main one (the routes under paths) or an app's own. */
export interface GatewayOrigin {
  readonly port: number;
  /** The base URL (`https://host.tailnet:8444`), without a trailing slash. */
  readonly url: string;
  /** The route served at `/` of an own origin; absent for the main origin. */
  readonly route?: Platform['gateway']['routes'][number];
}

/** Every origin of the gateway: the main one first, then each app's own by port. */
export function gatewayOrigins(platform: Platform): GatewayOrigin[] {
  const { hostname, tailnet } = platform.host.tailscale;
  const base = (port: number): string => `https://${hostname}.${tailnet}:${port}`;
  const origins: GatewayOrigin[] = [{ port: platform.gateway.listenPort, url: base(platform.gateway.listenPort) }];
  for (const route of platform.gateway.routes) {
    if (route.servedAt !== 'origin' || route.originPort === undefined) continue;
    if (origins.some((o) => o.port === route.originPort)) continue;
    origins.push({ port: route.originPort, url: base(route.originPort), route });
  }
  const [main, ...rest] = origins;
  return main ? [main, ...rest.sort((a, b) => a.port - b.port)] : [];
}

/**
 * The public URL of a service's route without a trailing slash: its own origin
 * (`https://host.tailnet:8444`) or its path on the main origin
 * (`https://host.tailnet:8443/n8n`); undefined if not routed.
 */
export function routeUrl(platform: Platform, service: string): string | undefined {
  const route = platform.gateway.routes.find((r) => r.service === service);
  return route ? route.url.replace(/\/+$/, '') : undefined;
}
