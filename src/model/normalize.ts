// Schema input → the readonly Platform. Parsing fills defaults once, here, and
// derives what every consumer needs from other fields, so renderers, the
// probe and deploy read one answer instead of computing their own: where each
// route is served (its path on the main origin, or its own origin), its public
// URL, and the gateway's publications (one TLS port per origin, on the
// Tailscale address only).
import { gatewayOrigins } from './lookup.js';
import { Platform as PlatformSchema } from './schema.js';
import type { Platform, PlatformInput } from './types.js';

type Parsed = ReturnType<typeof PlatformSchema.parse>;
type ParsedRoute = Parsed['gateway']['routes'][number];

/** The tailnet name users open: `hostname.tailnet`. */
export function tailnetName(host: Parsed['host']): string {
  return `${host.tailscale.hostname}.${host.tailscale.tailnet}`;
}

function servedAt(route: ParsedRoute, originPerApp: boolean): ParsedRoute['servedAt'] {
  if (route.originPort === undefined) return 'path';
  return route.prefix === 'none' || originPerApp ? 'origin' : 'path';
}

export function normalizePlatform(input: PlatformInput): Platform {
  const parsed = PlatformSchema.parse(input);
  const { gateway, host } = parsed;
  parsed.kubernetes.namespace ??= parsed.project;
  const name = tailnetName(host);
  for (const route of gateway.routes) {
    route.servedAt = servedAt(route, gateway.originPerApp);
    route.url =
      route.servedAt === 'origin' ? `https://${name}:${route.originPort}/` : `https://${name}:${gateway.listenPort}${route.path.replace(/\/+$/, '')}/`;
  }
  // Every TLS port the gateway serves, main origin first, as every consumer sees them.
  const ports = gatewayOrigins(parsed).map((o) => o.port);
  // The policy admits the tailnet to every own origin of an app (the reference names the main
  // one, 8443), so the proof and the artifacts agree.
  for (const port of ports.slice(1)) {
    if (parsed.policy.allow.some((r) => r.zone === 'tailnet' && r.port === port && r.protocol === 'tcp')) continue;
    const route = gateway.routes.find((r) => r.servedAt === 'origin' && r.originPort === port);
    parsed.policy.allow.push({
      zone: 'tailnet',
      port,
      protocol: 'tcp',
      target: 'host',
      why: `HTTPS origin of ${route?.service ?? 'the gateway'}, tailnet only`,
    });
  }
  for (const service of parsed.services) {
    if (service.name !== gateway.service) continue;
    for (const port of ports) {
      if (!service.ports.some((p) => p.port === port && p.protocol === 'tcp')) {
        const route = gateway.routes.find((r) => r.servedAt === 'origin' && r.originPort === port);
        service.ports.push({ port, protocol: 'tcp', purpose: route ? `HTTPS origin of ${route.service} (tailnet only)` : 'HTTPS gateway (tailnet only)' });
      }
    }
    // The gateway publishes its ports on the Tailscale address only, unless the
    // input says otherwise (which the analyzer then judges).
    if (service.publish.length === 0) {
      for (const port of ports) service.publish.push({ hostAddress: host.tailscale.address, hostPort: port, containerPort: port, protocol: 'tcp' });
    }
  }
  return parsed;
}
