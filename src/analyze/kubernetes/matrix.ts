// The Kubernetes layer's exposure matrix, in the one-host matrix's shape
// (../reachability.ts MatrixRow) so that the same reports, policy judgement
// and comparisons read it. Zones: internet and tailnet (through the doors of
// doors.ts), platform (the pods of the destination's namespace). Layers, as
// the rows name them: `publishing` (a Service, hostPort or Ingress decides
// what is exposed), `firewall` (NetworkPolicy), `sockets` (hostNetwork),
// `tailnet` (the Tailscale operator), `gateway` (an Ingress route).
// Addresses: `ns/Kind/name` for a pod, `ns/service` for a Service's door,
// `node` for node ports and hostNetwork; behind a gateway pod, its routes (routes.ts).
import type { Protocol } from '../../model/types.js';
import type { CidrSet } from '../cidr-set.js';
import { isEmpty, setEquals, toList, WORLD } from '../cidr-set.js';
import type { MatrixRow } from '../reachability.js';
import { sortRows } from '../reachability.js';
import type { Door, DoorOptions } from './doors.js';
import { doorsOf } from './doors.js';
import { type Cluster, type Decision, foreignPeer, ingressDecision, namespaceView, type PodPeer, podToPod } from './netpol.js';
import { gatewayRows } from './routes.js';
import type { ContainerPort, KubePod, KubeProtocol, KubeState } from './types.js';

export interface KubeMatrixOptions extends DoorOptions {
  /** Where the Tailscale operator runs its proxies (its manifests' default: `tailscale`). */
  readonly tailscaleNamespace?: string;
  readonly podNetwork?: CidrSet;
}

export const DEFAULT_TAILSCALE_NAMESPACE = 'tailscale';

export function protocolOf(p: KubeProtocol): Protocol | undefined {
  return p === 'TCP' ? 'tcp' : p === 'UDP' ? 'udp' : undefined; // SCTP is not in the matrix's protocols
}

export const podAddress = (pod: KubePod): string => `${pod.namespace}/${pod.workload}`;

export function clusterOf(state: KubeState, options: KubeMatrixOptions): Cluster {
  return { namespaces: state.namespaces, policies: state.policies, ...(options.podNetwork ? { podNetwork: options.podNetwork } : {}) };
}

/** Who connects to the pod when traffic comes through a door: the operator's proxy, an ingress controller, or (node and load-balancer doors) outside addresses. */
export function doorPeer(state: KubeState, door: Door, options: KubeMatrixOptions): PodPeer | undefined {
  if (door.kind === 'tailscale' || (door.kind === 'ingress' && door.zone === 'tailnet')) {
    const ns = options.tailscaleNamespace ?? DEFAULT_TAILSCALE_NAMESPACE;
    return foreignPeer(ns, {}, namespaceView(state, ns));
  }
  // An ingress controller: a pod of a namespace and labels the manifests do not say.
  if (door.kind === 'ingress') return foreignPeer(undefined, {}, { labels: {}, open: true });
  return undefined;
}

function policyCause(d: Decision): Pick<MatrixRow, 'cause'> {
  const origin = d.by[0]?.origin;
  return origin ? { cause: origin } : {};
}

function doorRow(state: KubeState, cluster: Cluster, door: Door, options: KubeMatrixOptions): MatrixRow | undefined {
  const protocol = protocolOf(door.target.protocol);
  if (!protocol) return undefined;
  const base = {
    zone: door.zone,
    address: door.address,
    port: door.port,
    ...(door.portEnd !== undefined ? { portEnd: door.portEnd } : {}),
    protocol,
    service: door.pod.service,
    at: door.target.origin,
  } as const;
  const what = door.service ? `Service ${door.service.namespace}/${door.service.name} (${door.kind})` : `${door.kind} of ${podAddress(door.pod)}`;
  const peer = doorPeer(state, door, options);
  if (peer) {
    const d = ingressDecision(cluster, door.pod, door.target.port, door.target.protocol, peer);
    const via = door.kind === 'ingress' ? ('gateway' as const) : ('publish' as const);
    const route = door.kind === 'ingress' ? { route: { path: door.path ?? '/', origin: door.port } } : {};
    if (!d.allowed)
      return {
        ...base,
        via,
        ...route,
        verdict: 'blocked',
        decidedBy: 'firewall',
        reason: `${what}: NetworkPolicy ${d.by.map((p) => p.name).join(', ')} does not admit its proxy to ${door.target.port}/${protocol}`,
        ...policyCause(d),
      };
    const cause = door.ingress?.origin ?? door.servicePort?.origin;
    return {
      ...base,
      via,
      ...route,
      verdict: 'open',
      decidedBy: door.kind === 'ingress' ? 'gateway' : 'tailnet',
      source: door.zone === 'tailnet' ? 'tailnet (Tailscale operator)' : 'any',
      reason: `${what}${d.isolated ? `, admitted by NetworkPolicy ${d.by.map((p) => p.name).join(', ')}` : ''}`,
      ...(cause ? { cause } : {}),
    };
  }
  // Node ports, load balancers, external IPs, hostPort, hostNetwork: outside addresses arrive, possibly rewritten.
  const via = door.kind === 'host-port' || door.kind === 'host-network' ? ('host' as const) : ('publish' as const);
  const cause = door.servicePort?.origin ?? door.target.origin;
  if (door.kind === 'host-network') {
    return {
      ...base,
      via,
      verdict: 'open',
      decidedBy: 'sockets',
      source: 'any',
      reason: `${podAddress(door.pod)} runs on the node's network (NetworkPolicy does not reliably apply)`,
      cause,
      ...(door.pod.ports.length === 0 ? { assumed: true } : {}),
    };
  }
  const d = ingressDecision(cluster, door.pod, door.target.port, door.target.protocol, { kind: 'external', addresses: WORLD });
  const admitted = isEmpty(d.addresses)
    ? 'admits no outside address, but Services rewrite sources (undefined which the policy sees): counted as open'
    : setEquals(d.addresses, WORLD)
      ? d.isolated
        ? 'admitted by NetworkPolicy'
        : 'no NetworkPolicy isolates the pod'
      : `NetworkPolicy admits ${toList(d.addresses).join(', ')}`;
  return {
    ...base,
    via,
    verdict: 'open',
    decidedBy: 'publishing',
    source: isEmpty(d.addresses) || setEquals(d.addresses, WORLD) ? 'any' : toList(d.addresses).join(', '),
    sourceCidrs: toList(isEmpty(d.addresses) ? WORLD : d.addresses),
    reason: `${what}; ${admitted}`,
    cause,
  };
}

function platformRow(state: KubeState, cluster: Cluster, pod: KubePod, c: ContainerPort): MatrixRow[] {
  const protocol = protocolOf(c.protocol);
  if (!protocol) return [];
  const base = { address: podAddress(pod), port: c.port, protocol, service: pod.service, via: 'container' as const, at: c.origin };
  const outside = (zone: 'internet' | 'tailnet'): MatrixRow => ({
    ...base,
    zone,
    verdict: 'blocked',
    decidedBy: 'publishing',
    reason: 'pod addresses are not routed from outside the cluster; only its doors are',
    cause: c.origin,
  });
  const verdicts = state.pods.filter((s) => s.namespace === pod.namespace).map((src) => ({ src, v: podToPod(cluster, src, pod, c.port, c.protocol) }));
  const allowed = verdicts.filter((x) => x.v.allowed);
  const isolated = verdicts.some((x) => x.v.ingress.isolated || x.v.egress.isolated);
  let row: MatrixRow;
  if (allowed.length > 0) {
    const by = allowed.flatMap((x) => [...x.v.ingress.by, ...x.v.egress.by])[0];
    row = {
      ...base,
      zone: 'platform',
      verdict: 'open',
      decidedBy: isolated ? 'firewall' : 'sockets',
      source: allowed.map((x) => x.src.workload).join(', '),
      reason: isolated ? 'admitted by NetworkPolicy' : 'no NetworkPolicy isolates these pods',
      cause: by?.origin ?? c.origin,
    };
  } else {
    const d = verdicts.find((x) => !x.v.ingress.allowed)?.v.ingress ?? verdicts[0]?.v.egress;
    row = {
      ...base,
      zone: 'platform',
      verdict: 'blocked',
      decidedBy: 'firewall',
      reason: verdicts.length === 0 ? 'no other pod in the namespace' : 'no pod of the namespace is admitted by NetworkPolicy',
      ...(d ? policyCause(d) : {}),
    };
  }
  return [outside('internet'), outside('tailnet'), row];
}

export function kubernetesMatrix(
  state: KubeState,
  options: KubeMatrixOptions = {},
  cluster = clusterOf(state, options),
  allDoors = doorsOf(state, options),
): MatrixRow[] {
  const doors: { door: Door; row: MatrixRow }[] = [];
  for (const door of allDoors) {
    const row = doorRow(state, cluster, door, options);
    if (row) doors.push({ door, row });
  }
  const rows = doors.map((d) => d.row);
  for (const pod of state.pods) for (const c of pod.ports) rows.push(...platformRow(state, cluster, pod, c));
  return sortRows([...rows, ...gatewayRows(state, cluster, doors)]);
}
