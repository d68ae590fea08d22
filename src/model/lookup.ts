// Small, total look-ups into a Platform.
import type { Platform, Service } from './types.js';
import { byText } from './order.js';

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
