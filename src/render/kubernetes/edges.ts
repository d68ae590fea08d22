// The connections the platform needs, read from the model: the gateway to each
// routed app's port, an internal proxy (Dify's nginx) to each of its routes'
// ports, each service to the ports of the services it dependsOn.
// The NetworkPolicies allow exactly these (and DNS, and the egress the catalog
// names); nothing else is reachable between pods.
import { serviceByName } from '../../model/lookup.js';
import { byText } from '../../model/order.js';
import type { Platform, Protocol } from '../../model/types.js';

export type EdgeKind = 'route' | 'depends-on';

export interface EdgePort {
  readonly port: number;
  readonly protocol: Protocol;
}

export interface Edge {
  readonly from: string;
  readonly to: string;
  /** Why the edge exists, sorted (one edge can be both a route and a dependency). */
  readonly kinds: readonly EdgeKind[];
  readonly ports: readonly EdgePort[];
}

/** Every edge once (from → to), its ports the union of what each reason needs, sorted. */
export function modelEdges(platform: Platform): Edge[] {
  const edges = new Map<string, { from: string; to: string; kinds: Set<EdgeKind>; ports: Map<string, EdgePort> }>();
  const add = (from: string, to: string, kind: EdgeKind, ports: readonly EdgePort[]): void => {
    if (from === to || ports.length === 0 || !serviceByName(platform, from) || !serviceByName(platform, to)) return;
    const key = `${from}\u0000${to}`;
    const edge = edges.get(key) ?? { from, to, kinds: new Set<EdgeKind>(), ports: new Map<string, EdgePort>() };
    edge.kinds.add(kind);
    for (const p of ports) edge.ports.set(`${p.protocol}/${p.port}`, { port: p.port, protocol: p.protocol });
    edges.set(key, edge);
  };
  for (const route of platform.gateway.routes) add(platform.gateway.service, route.service, 'route', [{ port: route.port, protocol: 'tcp' }]);
  // A proxy's route is a connection its dependsOn need not name (the proof counts it as a dependency too: proof/kubernetes.ts).
  for (const proxy of platform.internalProxies)
    for (const route of proxy.routes) add(proxy.service, route.service, 'route', [{ port: route.port, protocol: 'tcp' }]);
  for (const service of platform.services) {
    for (const dep of service.dependsOn) add(service.name, dep, 'depends-on', serviceByName(platform, dep)?.ports ?? []);
  }
  return [...edges.values()]
    .map((e) => ({
      from: e.from,
      to: e.to,
      kinds: [...e.kinds].sort(byText),
      ports: [...e.ports.values()].sort((a, b) => a.port - b.port || byText(a.protocol, b.protocol)),
    }))
    .sort((a, b) => byText(a.from, b.from) || byText(a.to, b.to));
}
