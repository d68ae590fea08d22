// Gateway routes: to a service that exists, on a port it listens on, and never
// to a service without authentication of its own. Dify's internal proxy
// routes get the first two checks (its own routes to never-route services,
// like the plugin daemon, are Dify's design and stay on the platform network).

import { didYouMean } from '../../model/did-you-mean.js';
import type { Finding } from '../../model/findings.js';
import type { Platform } from '../../model/types.js';
import type { AnalysisRule } from './types.js';

interface RouteLike {
  readonly service: string;
  readonly port: number;
  readonly path: string;
}

type Service = Platform['services'][number];

// Each route looks its service up: by a scan of the services, 1,000 routes over 10,000
// services was ten million comparisons. One index per platform (the first service of a name
// wins, as find did).
const indexes = new WeakMap<readonly Service[], ReadonlyMap<string, Service>>();
function serviceNamed(platform: Platform, name: string): Service | undefined {
  let index = indexes.get(platform.services);
  if (index === undefined) {
    const built = new Map<string, Service>();
    for (const s of platform.services) if (!built.has(s.name)) built.set(s.name, s);
    indexes.set(platform.services, (index = built));
  }
  return index.get(name);
}

function existence(platform: Platform, route: RouteLike, at: string): Finding[] {
  const service = serviceNamed(platform, route.service);
  if (!service) {
    return [
      {
        code: 'route.unknown-service',
        severity: 'high',
        path: `${at}.service`,
        message: `route ${route.path} points at "${route.service}", which is not a service of the platform`,
        hint: didYouMean(
          route.service,
          platform.services.map((s) => s.name),
          'name a service of the platform, or add the service',
        ),
      },
    ];
  }
  if (!service.ports.some((p) => p.port === route.port && p.protocol === 'tcp')) {
    const ports = service.ports.map((p) => `${p.port}/${p.protocol}`).join(', ') || 'none';
    return [
      {
        code: 'route.not-listening',
        severity: 'high',
        path: `${at}.port`,
        message: `route ${route.path} sends traffic to ${route.service}:${route.port}, but ${route.service} listens on ${ports}`,
        hint: `use one of ${route.service}'s ports (${ports})`,
      },
    ];
  }
  return [];
}

export const routeRules = {
  docs: [
    {
      code: 'route.unknown-service',
      title: 'A route points at a service that does not exist',
      help: 'The gateway would answer 502 for the route; a typo is the usual cause.',
      severity: 'high',
    },
    {
      code: 'route.not-listening',
      title: 'A route targets a port its service does not listen on',
      help: "Nothing answers on the route's upstream port, so the gateway answers 502 for the route. The upstream port must be one of the service's ports: correct the route or the service's ports.",
      severity: 'high',
    },
    {
      code: 'origin.shared',
      title: 'Apps share one browser origin',
      help: 'Apps served under paths of one origin (scheme, host and port) share cookies and storage: a page of one (a webhook response, an XSS) can read the tokens of the others. `gateway.originPerApp: true` in moat.yaml gives every app its own TLS port on the Tailscale address.',
      severity: 'low',
    },
    {
      code: 'route.never-route',
      title: 'A route exposes a service that must never be behind the gateway',
      help: 'Services such as the Signal API, rclone rcd, Ollama and the databases have no authentication of their own; routing them gives every tailnet user full control.',
      severity: 'critical',
    },
  ] as const,
  check({ platform }): Finding[] {
    if (!platform) return [];
    const findings: Finding[] = [];
    platform.gateway.routes.forEach((route, i) => {
      const at = `gateway.routes[${i}]`;
      findings.push(...existence(platform, route, at));
      const service = serviceNamed(platform, route.service);
      if (service?.exposure === 'never-route') {
        findings.push({
          code: 'route.never-route',
          severity: 'critical',
          path: `${at}.service`,
          message: `route ${route.path} exposes ${service.name} (${service.title}) through the gateway; it has no authentication of its own and must never be routed`,
          hint: `remove the route; reach ${service.name} only from the platform network (e.g. through the app that uses it)`,
        });
      }
    });
    const shared = platform.gateway.routes.filter((r) => r.servedAt === 'path' && serviceNamed(platform, r.service) !== undefined);
    if (shared.length > 1) {
      const index = platform.gateway.routes.indexOf(shared[1] as (typeof shared)[number]);
      findings.push({
        code: 'origin.shared',
        severity: 'low',
        path: `gateway.routes[${index}]`,
        message: `${shared.map((r) => `${r.service} (${r.path})`).join(' and ')} share the origin https://…:${platform.gateway.listenPort}: their pages can read each other's cookies and storage`,
        hint: 'set `gateway: { originPerApp: true }` in moat.yaml to give every app its own origin',
      });
    }
    platform.internalProxies.forEach((proxy, p) => {
      proxy.routes.forEach((route, r) => findings.push(...existence(platform, route, `internalProxies[${p}].routes[${r}]`)));
    });
    return findings;
  },
} satisfies AnalysisRule;
