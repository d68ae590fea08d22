// Findings of the Kubernetes layer. Each is a small pure check over the
// Kubernetes state and its matrix; codes are documented in src/codes/kubernetes.ts.
import type { Finding } from '../../model/findings.js';
import type { Policy } from '../../model/types.js';
import { isEmpty, WORLD } from '../cidr-set.js';
import { platformOnlyHas } from '../policy.js';
import { at } from '../rules/located.js';
import { backendsOf, type Door, resolveTarget } from './doors.js';
import type { KubeMatrixOptions } from './matrix.js';
import { podAddress } from './matrix.js';
import { type Cluster, foreignPeer, ingressDecision, podToPod } from './netpol.js';
import { isEmptySelector } from './selectors.js';
import type { KubePod, KubeState } from './types.js';

export interface KubeRuleContext {
  readonly state: KubeState;
  readonly policy: Policy;
  readonly options: KubeMatrixOptions;
  /** The cluster view and the doors the matrix was computed with. */
  readonly cluster: Cluster;
  readonly doors: readonly Door[];
  /** service → the services that may connect to it (moat's dependsOn and routes); absent in an audit. */
  readonly dependents?: ReadonlyMap<string, readonly string[]>;
}

/** [np "Default policies"]: an empty podSelector, the direction in policyTypes, no rules for it. */
export function hasDefaultDeny(state: KubeState, namespace: string, direction: 'Ingress' | 'Egress'): boolean {
  return state.policies.some(
    (p) =>
      p.namespace === namespace &&
      isEmptySelector(p.podSelector) &&
      p.policyTypes.includes(direction) &&
      (direction === 'Ingress' ? p.ingress : p.egress).length === 0,
  );
}

function noDefaultDeny({ state }: KubeRuleContext): Finding[] {
  const namespaces = [...new Set(state.pods.map((p) => p.namespace))].sort();
  return namespaces.flatMap((ns): Finding[] => {
    const missing = (['Ingress', 'Egress'] as const).filter((d) => !hasDefaultDeny(state, ns, d));
    if (missing.length === 0) return [];
    const where = state.namespaces.find((n) => n.name === ns)?.origin ?? state.pods.find((p) => p.namespace === ns)?.origin;
    return [
      {
        code: 'exposure.kubernetes.no-default-deny',
        severity: missing.includes('Ingress') ? 'high' : 'medium',
        ...at(where, `namespace ${ns}`),
        message: `namespace ${ns} has no default-deny NetworkPolicy for ${missing.join(' and ')}: pods no policy selects accept (and open) every connection`,
        hint: `add a NetworkPolicy in ${ns} with \`podSelector: {}\`, \`policyTypes: [Ingress, Egress]\` and no rules, then one policy per connection the platform needs`,
      },
    ];
  });
}

function exposedBeyondPolicy({ cluster, doors }: KubeRuleContext): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const door of doors) {
    if (door.zone !== 'internet' || door.kind === 'ingress' || door.kind === 'host-network') continue;
    const d = ingressDecision(cluster, door.pod, door.target.port, door.target.protocol, { kind: 'external', addresses: WORLD });
    if (!d.isolated || !isEmpty(d.addresses)) continue;
    const origin = door.servicePort?.origin ?? door.target.origin;
    const key = `${origin.file}:${origin.line}:${door.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      code: 'exposure.kubernetes.exposed-beyond-policy',
      severity: 'medium',
      ...at(origin, `${door.address}:${door.port}`),
      message: `${door.service ? `Service ${door.service.namespace}/${door.service.name}` : podAddress(door.pod)} exposes ${podAddress(door.pod)} ${door.target.port}/${door.target.protocol} outside the cluster (${door.kind} ${door.address}:${door.port}), but NetworkPolicy ${d.by.map((p) => p.name).join(', ')} admits no outside address: whether it applies to that traffic is undefined`,
      hint:
        door.kind === 'node-port' && door.service?.type === 'LoadBalancer'
          ? 'set `spec.allocateLoadBalancerNodePorts: false` (a load balancer that proxies to the Service, as the Tailscale operator does, needs no node ports)'
          : 'make the Service ClusterIP (expose through the tailnet gateway), or admit the intended addresses with an ipBlock and set externalTrafficPolicy: Local',
    });
  }
  return out;
}

/** The policy lists them (moat.yaml's never-route services; in an audit, the services whose image is known to be open). */
function isPlatformOnly(policy: Policy, pod: KubePod): boolean {
  return platformOnlyHas(policy, pod.service);
}

/** A pod of a namespace the manifests do not name (another tenant's, a compromised one), with labels moat cannot know. */
const OTHER_NAMESPACE = '(another namespace)';

function unauthenticatedReachable({ state, policy, cluster, dependents }: KubeRuleContext): Finding[] {
  const out: Finding[] = [];
  for (const pod of state.pods.filter((p) => isPlatformOnly(policy, p))) {
    const allowedSources = new Set([pod.service, ...(dependents?.get(pod.service) ?? [])]);
    for (const c of pod.ports) {
      const intruders: string[] = [];
      for (const src of state.pods) {
        if (allowedSources.has(src.service) && src.namespace === pod.namespace) continue;
        const v = podToPod(cluster, src, pod, c.port, c.protocol);
        // Without a list of dependents (an audit), only a pod left open to everyone is reported.
        if (v.allowed && (dependents !== undefined || !v.ingress.isolated)) intruders.push(`${src.namespace}/${src.workload}`);
      }
      const foreign = ingressDecision(
        cluster,
        pod,
        c.port,
        c.protocol,
        foreignPeer(OTHER_NAMESPACE, {}, { labels: { 'kubernetes.io/metadata.name': OTHER_NAMESPACE }, open: true }),
      );
      if (foreign.allowed) intruders.push('any pod of another namespace');
      if (intruders.length === 0) continue;
      const shown = intruders.length > 5 ? `${intruders.slice(0, 5).join(', ')}, … (${intruders.length})` : intruders.join(', ');
      out.push({
        code: 'exposure.kubernetes.unauthenticated-reachable',
        severity: 'high',
        ...at(c.origin, `${podAddress(pod)}:${c.port}`),
        message: `${pod.service} (${podAddress(pod)}) has no authentication of its own, and ${shown} can connect to ${c.port}/${c.protocol}${foreign.isolated ? '' : ' (no NetworkPolicy isolates it)'}`,
        hint: `admit only ${[...allowedSources].filter((s) => s !== pod.service).join(', ') || 'the services that use it'} to ${pod.service} in a NetworkPolicy, over a namespace-wide default deny`,
      });
    }
  }
  return out;
}

function hostNetwork({ state }: KubeRuleContext): Finding[] {
  return state.pods.flatMap((pod): Finding[] => {
    const bound = pod.ports.filter((c) => c.hostPort !== undefined);
    if (!pod.hostNetwork && bound.length === 0) return [];
    const what = pod.hostNetwork
      ? "runs on the node's network (hostNetwork)"
      : `binds node ports ${bound.map((c) => `${c.hostPort}/${c.protocol}`).join(', ')} (hostPort)`;
    return [
      {
        code: 'exposure.kubernetes.host-network',
        severity: 'high',
        ...at(pod.hostNetwork ? pod.origin : bound[0]?.origin, podAddress(pod)),
        message: `${podAddress(pod)} ${what}: reachable wherever the nodes are`,
        hint: 'drop hostNetwork/hostPort and reach the pod through a ClusterIP Service',
      },
    ];
  });
}

function serviceUnresolved({ state }: KubeRuleContext): Finding[] {
  const out: Finding[] = [];
  for (const s of state.services) {
    if (s.type === 'ExternalName') continue;
    const name = `Service ${s.namespace}/${s.name}`;
    const finding = (message: string, origin = s.origin): Finding => ({
      code: 'exposure.kubernetes.service-unresolved',
      severity: 'low',
      ...at(origin, name),
      message,
      hint: 'give the Service a selector that matches its pods, and targetPorts they declare',
    });
    if (s.selector === undefined) {
      out.push(finding(`${name} has no selector: its endpoints are managed elsewhere, so what it reaches is unknown`));
      continue;
    }
    const pods = backendsOf(state, s);
    if (pods.length === 0) out.push(finding(`${name} selects no pod of the manifests`));
    for (const sp of s.ports) {
      const missing = pods.filter((p) => resolveTarget(p, sp) === undefined);
      if (missing.length > 0)
        out.push(finding(`${name} port ${sp.port} targets ${String(sp.targetPort)}, which ${missing.map(podAddress).join(', ')} do not declare`, sp.origin));
    }
  }
  return out;
}

export const KUBERNETES_RULES: readonly ((context: KubeRuleContext) => Finding[])[] = [
  noDefaultDeny,
  exposedBeyondPolicy,
  unauthenticatedReachable,
  hostNetwork,
  serviceUnresolved,
];
