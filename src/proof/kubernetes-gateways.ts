// A gateway in a cluster: a pod that mounts an nginx configuration from a
// ConfigMap (moat's renderer puts the gateway's nginx.conf there; charts do
// the same). The configuration is read by the nginx ingester, the one `moat
// check` reads on one host, and its lines are counted in the manifest file, so
// the Kubernetes layer can follow the gateway's routes to their upstreams.
// The analyzer itself reads no nginx: this is the proof's step between the two.
import type { KubeGateway, KubeState } from '../analyze/kubernetes/types.js';
import type { GatewayServer, Origin } from '../analyze/state.js';
import { detectNginx, ingestNginx } from '../ingest/nginx.js';
import type { Finding } from '../model/findings.js';

function shifted(origin: Origin, base: Origin): Origin {
  return { ...origin, file: base.file, line: base.line + origin.line - 1 };
}

function moveServer(s: GatewayServer, base: Origin): GatewayServer {
  return { ...s, origin: shifted(s.origin, base), locations: s.locations.map((l) => ({ ...l, origin: shifted(l.origin, base) })) };
}

/** The state with its gateways found; and what the nginx ingester could not read in them. */
export function withGateways(state: KubeState): { state: KubeState; problems: Finding[] } {
  const gateways: KubeGateway[] = [];
  const problems: Finding[] = [];
  for (const pod of state.pods) {
    for (const name of pod.configMaps ?? []) {
      const cm = state.configMaps?.find((c) => c.namespace === pod.namespace && c.name === name);
      for (const entry of cm?.data ?? []) {
        const artifact = { file: entry.origin.file, text: entry.text };
        if (!entry.key.endsWith('.conf') || !detectNginx(artifact)) continue;
        const result = ingestNginx(artifact, {});
        const servers = result.fragment.gateway?.servers ?? [];
        problems.push(
          ...result.problems.map((p) =>
            p.location
              ? {
                  ...p,
                  path: `${entry.origin.file}:${entry.origin.line + p.location.line - 1}`,
                  location: { ...p.location, line: entry.origin.line + p.location.line - 1 },
                }
              : p,
          ),
        );
        if (servers.length > 0) gateways.push({ namespace: pod.namespace, workload: pod.workload, servers: servers.map((s) => moveServer(s, entry.origin)) });
      }
    }
  }
  return { state: { ...state, gateways }, problems };
}
