// What lies behind a gateway pod: a zone that reaches the gateway reaches,
// at the HTTP level, every upstream its servers route to, if the gateway
// pod may connect to the upstream's pods (NetworkPolicy, both sides). Rows in
// the one-host matrix's gateway shape (../reachability.ts gatewayRows).
// Upstream names are Service DNS names: `svc`, `svc.ns`, `svc.ns.svc`,
// `svc.ns.svc.cluster.local` (kubernetes.io/docs/concepts/services-networking/dns-pod-service/).
import type { MatrixRow } from '../reachability.js';
import { backendsOf, type Door, resolveTarget } from './doors.js';
import { type Cluster, podToPod } from './netpol.js';
import type { KubeService, KubeState } from './types.js';

function serviceOfHost(state: KubeState, host: string, namespace: string): KubeService | undefined {
  const parts = host.toLowerCase().replace(/\.$/, '').split('.');
  const [name, ns = namespace, ...rest] = parts;
  if (rest.length > 0 && rest[0] !== 'svc') return undefined;
  return state.services.find((s) => s.name === name && s.namespace === ns);
}

export function gatewayRows(state: KubeState, cluster: Cluster, doors: readonly { readonly door: Door; readonly row: MatrixRow }[]): MatrixRow[] {
  const rows: MatrixRow[] = [];
  const seen = new Set<string>();
  for (const { door, row } of doors) {
    if (row.verdict !== 'open' || row.via === 'gateway') continue;
    const gw = state.gateways?.find((g) => g.namespace === door.pod.namespace && g.workload === door.pod.workload);
    if (!gw) continue;
    const listenPort = door.target.port;
    for (const server of gw.servers) {
      if (server.rejectsHandshake || !server.listens.some((l) => l.port === listenPort)) continue;
      for (const location of server.locations) {
        for (const up of location.upstreams ?? []) {
          const base = {
            zone: row.zone,
            address: up.host,
            port: up.port,
            protocol: 'tcp' as const,
            via: 'gateway' as const,
            route: { path: location.path, origin: listenPort },
            cause: location.origin,
          };
          const service = serviceOfHost(state, up.host, gw.namespace);
          const sp = service?.ports.find((p) => p.port === up.port && p.protocol === 'TCP');
          const targets =
            service && sp
              ? backendsOf(state, service).flatMap((pod) => {
                  const t = resolveTarget(pod, sp);
                  return t ? [{ pod, t }] : [];
                })
              : [];
          if (targets.length === 0) {
            // Not a Service of the manifests (an outside name, a Service without pods): what it is stays unknown, and open.
            const key = `${row.zone}|${up.host}|${up.port}|${location.path}|${listenPort}`;
            if (seen.has(key)) continue;
            seen.add(key);
            rows.push({
              ...base,
              verdict: 'open',
              decidedBy: 'gateway',
              service: up.host,
              reason: `gateway location ${location.path} on ${listenPort}/tcp to ${up.host}:${up.port}, which the manifests do not resolve to pods`,
            });
            continue;
          }
          for (const { pod, t } of targets) {
            const key = `${row.zone}|${pod.service}|${up.port}|${location.path}|${listenPort}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const v = podToPod(cluster, door.pod, pod, t.port, t.protocol);
            rows.push(
              v.allowed
                ? {
                    ...base,
                    verdict: 'open',
                    decidedBy: 'gateway',
                    service: pod.service,
                    ...(row.source ? { source: `${row.source} via ${location.path}` } : {}),
                    reason: `gateway location ${location.path} on ${listenPort}/tcp`,
                  }
                : {
                    ...base,
                    verdict: 'blocked',
                    decidedBy: 'firewall',
                    service: pod.service,
                    reason: `gateway location ${location.path} on ${listenPort}/tcp, but NetworkPolicy does not let the gateway connect to ${pod.service} ${t.port}/${t.protocol}`,
                    cause: (v.egress.allowed ? v.ingress : v.egress).by[0]?.origin ?? location.origin,
                  },
            );
          }
        }
      }
    }
  }
  return rows;
}
