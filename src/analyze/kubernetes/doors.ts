// The doors into a cluster: which Service, Ingress or node binding lets a
// zone in, to which pod port. What a door does is Kubernetes' documented
// behaviour, not moat's choice:
// - ClusterIP: a virtual address inside the cluster only; NodePort: the port
//   on every node; LoadBalancer: an external load balancer plus node ports
//   unless allocateLoadBalancerNodePorts is false; externalIPs: whatever routes
//   those addresses to a node (kubernetes.io/docs/concepts/services-networking/service/,
//   "Service type", "External IPs").
// - targetPort is a number, or a container port's name resolved on each
//   selected pod ("Port definitions": pods of one Service may use different numbers).
// - loadBalancerClass "tailscale", the annotation tailscale.com/expose, and an
//   Ingress of class "tailscale" are served by the Tailscale operator, which
//   exposes them on the tailnet only, through a proxy pod in its own namespace
//   (tailscale.com/kb/1439/kubernetes-operator-cluster-ingress).
// - Other Ingress classes are taken as internet-facing unless the caller says otherwise.
import { selects } from './selectors.js';
import type { ContainerPort, KubeIngress, KubePod, KubeService, KubeState, ServicePort } from './types.js';

export const TAILSCALE_CLASS = 'tailscale';

export type DoorZone = 'internet' | 'tailnet';

export interface Door {
  readonly zone: DoorZone;
  readonly kind: 'load-balancer' | 'node-port' | 'external-ip' | 'tailscale' | 'ingress' | 'host-port' | 'host-network';
  /** What the zone connects to: `ns/service`, `node`, an external IP. */
  readonly address: string;
  readonly port: number;
  readonly portEnd?: number;
  readonly pod: KubePod;
  /** The container port the traffic arrives on (undeclared numeric targetPorts get a synthetic one). */
  readonly target: ContainerPort;
  readonly service?: KubeService;
  readonly servicePort?: ServicePort;
  readonly ingress?: KubeIngress;
  readonly path?: string;
}

/** The pods a Service selects (its namespace, every selector label); none without a selector. */
export function backendsOf(state: KubeState, service: KubeService): KubePod[] {
  const { selector } = service;
  if (selector === undefined || service.type === 'ExternalName') return [];
  return state.pods.filter((p) => p.namespace === service.namespace && selects({ matchLabels: selector }, { labels: p.labels }));
}

/** The container port a Service port reaches on one pod, or undefined when a named targetPort is not declared there. */
export function resolveTarget(pod: KubePod, sp: ServicePort): ContainerPort | undefined {
  if (typeof sp.targetPort === 'string') return pod.ports.find((c) => c.name === sp.targetPort && c.protocol === sp.protocol);
  // A numeric targetPort need not be declared: the pod may listen there anyway.
  return (
    pod.ports.find((c) => c.port === sp.targetPort && c.protocol === sp.protocol) ?? {
      port: sp.targetPort,
      protocol: sp.protocol,
      container: '(undeclared)',
      origin: sp.origin,
    }
  );
}

export function isTailscaleService(s: KubeService): boolean {
  return (s.type === 'LoadBalancer' && s.loadBalancerClass === TAILSCALE_CLASS) || s.tailscaleExpose;
}

/** NodePort's default range (kube-apiserver --service-node-port-range). */
const NODE_PORT_RANGE = { from: 30000, to: 32767 };

export interface DoorOptions {
  /** Ingress class → the zone it faces; a class not listed faces the internet (tailscale: the tailnet). */
  readonly ingressZones?: Readonly<Record<string, DoorZone>>;
}

function serviceDoors(state: KubeState, s: KubeService): Door[] {
  const doors: Door[] = [];
  for (const pod of backendsOf(state, s)) {
    for (const sp of s.ports) {
      const target = resolveTarget(pod, sp);
      if (!target) continue;
      const base = { pod, target, service: s, servicePort: sp };
      const name = `${s.namespace}/${s.name}`;
      if (isTailscaleService(s)) doors.push({ ...base, zone: 'tailnet', kind: 'tailscale', address: name, port: sp.port });
      if (s.type === 'LoadBalancer' && s.loadBalancerClass !== TAILSCALE_CLASS)
        doors.push({ ...base, zone: 'internet', kind: 'load-balancer', address: name, port: sp.port });
      if (s.nodePorts)
        doors.push({
          ...base,
          zone: 'internet',
          kind: 'node-port',
          address: 'node',
          ...(sp.nodePort !== undefined ? { port: sp.nodePort } : { port: NODE_PORT_RANGE.from, portEnd: NODE_PORT_RANGE.to }),
        });
      for (const ip of s.externalIPs) doors.push({ ...base, zone: 'internet', kind: 'external-ip', address: ip, port: sp.port });
    }
  }
  return doors;
}

function ingressDoors(state: KubeState, ing: KubeIngress, options: DoorOptions): Door[] {
  const told =
    options.ingressZones && ing.className !== undefined && Object.hasOwn(options.ingressZones, ing.className) ? options.ingressZones[ing.className] : undefined;
  const zone: DoorZone = ing.className === TAILSCALE_CLASS ? 'tailnet' : (told ?? 'internet');
  const doors: Door[] = [];
  for (const b of ing.backends) {
    const s = state.services.find((x) => x.namespace === ing.namespace && x.name === b.service);
    const sp = s?.ports.find((p) => (typeof b.port === 'number' ? p.port === b.port : p.name === b.port));
    if (!s || !sp) continue;
    for (const pod of backendsOf(state, s)) {
      const target = resolveTarget(pod, sp);
      if (target)
        doors.push({
          zone,
          kind: 'ingress',
          address: `${s.namespace}/${s.name}`,
          port: sp.port,
          pod,
          target,
          service: s,
          servicePort: sp,
          ingress: ing,
          path: b.path,
        });
    }
  }
  return doors;
}

function nodeDoors(pod: KubePod): Door[] {
  const doors: Door[] = [];
  for (const c of pod.ports)
    if (c.hostPort !== undefined) doors.push({ zone: 'internet', kind: 'host-port', address: 'node', port: c.hostPort, pod, target: c });
  if (pod.hostNetwork) {
    // The pod's sockets are the node's: its declared ports, or (none declared) any port.
    const ports = pod.ports.length > 0 ? pod.ports : [{ port: 1, protocol: 'TCP' as const, container: '(any)', origin: pod.origin }];
    for (const c of ports)
      doors.push({
        zone: 'internet',
        kind: 'host-network',
        address: 'node',
        port: c.port,
        ...(pod.ports.length === 0 ? { portEnd: 65535 } : {}),
        pod,
        target: c,
      });
  }
  return doors;
}

export function doorsOf(state: KubeState, options: DoorOptions = {}): Door[] {
  return [
    ...state.services.flatMap((s) => serviceDoors(state, s)),
    ...state.ingresses.flatMap((i) => ingressDoors(state, i, options)),
    ...state.pods.flatMap(nodeDoors),
  ];
}
