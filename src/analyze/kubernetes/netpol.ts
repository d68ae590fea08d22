// The NetworkPolicy evaluator: does a connection from a source (a pod, or
// cluster-external addresses) to a destination (a pod's port, or external
// addresses) pass? Pure; every rule of semantics below is from
// https://kubernetes.io/docs/concepts/services-networking/network-policies/
// (cited as [np] with its section):
// - [np "The two sorts of pod isolation"] a pod is isolated for ingress (egress)
//   only if some policy that selects it has Ingress (Egress) in its policyTypes;
//   then only what the union of those policies' rules allows passes ("Network
//   policies do not conflict; they are additive"). For a connection between two
//   pods, both the source's egress and the destination's ingress must allow it.
// - [np "The NetworkPolicy resource", policyTypes] no policyTypes: Ingress
//   always, Egress if the policy has egress rules.
// - [np ingress/egress] a rule allows traffic matching both its from/to and
//   its ports; an empty or absent from/to or ports matches all; no rules at all
//   (absent or empty `ingress`) allows nothing.
// - [np "Behavior of to and from selectors"] podSelector: pods of the policy's
//   namespace; namespaceSelector: every pod of the matching namespaces; both in
//   one element: pods matching podSelector in namespaces matching
//   namespaceSelector; ipBlock with except. ipBlock "should be cluster-external
//   IPs, since Pod IPs are ephemeral and unpredictable", and source and
//   destination rewriting makes its effect on Service traffic undefined: the
//   evaluator still matches a pod whose address it knows against an ipBlock,
//   and a pod whose address it does not know as possibly inside it (unknown is open).
// - [np "Targeting a range of ports", endPort] port..endPort, numeric only.
// - [np named ports, NetworkPolicyPort] a named port is looked up on the
//   destination pod (its containerPort of that name and protocol); the protocol
//   defaults to TCP.
// - [np "Targeting a Namespace by its name"] every namespace carries
//   kubernetes.io/metadata.name = its name.
// - [np overview] "a pod cannot block access to itself".
import type { CidrSet } from '../cidr-set.js';
import { cidrSet, EMPTY, intersect, isEmpty, minus, union, WORLD } from '../cidr-set.js';
import { type LabelView, NAMESPACE_NAME_LABEL, selects } from './selectors.js';
import type { IpBlock, KubeNamespace, KubePod, KubeProtocol, Labels, NetworkPolicy, PolicyPeer, PolicyPort, PolicyRule } from './types.js';

export interface Cluster {
  readonly namespaces: readonly KubeNamespace[];
  readonly policies: readonly NetworkPolicy[];
  /** Where pod addresses lie; absent: anywhere (a pod of unknown address may be inside any ipBlock). */
  readonly podNetwork?: CidrSet;
}

/** A pod as a peer: its namespace (undefined: unknown), its labels and its namespace's. */
export interface PodPeer {
  readonly kind: 'pod';
  readonly namespace?: string;
  readonly pod: LabelView;
  readonly namespaceLabels: LabelView;
  readonly ip?: string;
  /**
   * Set when the source is the very pod the destination is (its own traffic is
   * always allowed). A KubePod stands for every replica of a workload: another
   * replica of the same workload is another pod, and the policies decide.
   */
  readonly self?: KubePod;
}

/** Cluster-external addresses (a set: the internet, an admin /32). */
export interface ExternalPeer {
  readonly kind: 'external';
  readonly addresses: CidrSet;
}

export type Peer = PodPeer | ExternalPeer;

export interface Decision {
  /** For an external source or destination: the addresses that pass (empty: none). */
  readonly addresses: CidrSet;
  readonly allowed: boolean;
  /** Some policy selects the pod for this direction. */
  readonly isolated: boolean;
  /** The policies whose rules allowed it, or (denied) the ones that isolate the pod. */
  readonly by: readonly NetworkPolicy[];
}

/** The namespace's labels, with the one the API server sets; a namespace the manifests do not declare has open labels. */
export function namespaceView(cluster: Pick<Cluster, 'namespaces'>, name: string): LabelView {
  const declared = cluster.namespaces.find((n) => n.name === name);
  return { labels: { ...(declared?.labels ?? {}), [NAMESPACE_NAME_LABEL]: name }, ...(declared ? {} : { open: true }) };
}

export function podPeer(cluster: Pick<Cluster, 'namespaces'>, pod: KubePod): PodPeer {
  return {
    kind: 'pod',
    namespace: pod.namespace,
    pod: { labels: pod.labels },
    namespaceLabels: namespaceView(cluster, pod.namespace),
    ...(pod.ip ? { ip: pod.ip } : {}),
  };
}

// Which policies select a pod, once per cluster and pod: a matrix asks for every pair of pods.
const selections = new WeakMap<Cluster, WeakMap<KubePod, Readonly<Record<'Ingress' | 'Egress', readonly NetworkPolicy[]>>>>();

/** The policies of the pod's namespace that select it for this direction. */
export function selecting(cluster: Cluster, pod: KubePod, direction: 'Ingress' | 'Egress'): readonly NetworkPolicy[] {
  let byPod = selections.get(cluster);
  if (!byPod) selections.set(cluster, (byPod = new WeakMap()));
  let known = byPod.get(pod);
  if (!known) {
    const mine = cluster.policies.filter((p) => p.namespace === pod.namespace && selects(p.podSelector, { labels: pod.labels }));
    known = { Ingress: mine.filter((p) => p.policyTypes.includes('Ingress')), Egress: mine.filter((p) => p.policyTypes.includes('Egress')) };
    byPod.set(pod, known);
  }
  return known[direction];
}

function portMatches(ports: readonly PolicyPort[] | undefined, port: number, protocol: KubeProtocol, dst: KubePod | undefined): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((p) => {
    if (p.protocol !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number') return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
    return dst?.ports.some((c) => c.name === p.port && c.protocol === protocol && c.port === port);
  });
}

function blockSet(block: IpBlock): CidrSet {
  return minus(cidrSet([block.cidr]), cidrSet(block.except));
}

/** Which of the external addresses a peer list admits (all of them when the list is empty). */
function externalAdmitted(peers: readonly PolicyPeer[] | undefined, addresses: CidrSet): CidrSet {
  if (peers === undefined || peers.length === 0) return addresses;
  // Selectors name pods and namespaces only: cluster-external addresses match ipBlocks alone.
  return union(...peers.map((p) => (p.ipBlock && !p.podSelector && !p.namespaceSelector ? intersect(addresses, blockSet(p.ipBlock)) : EMPTY)));
}

function podMatchesPeer(peer: PolicyPeer, policyNamespace: string, src: PodPeer, podNetwork: CidrSet): boolean {
  if (peer.ipBlock) {
    const block = blockSet(peer.ipBlock);
    return src.ip !== undefined ? !isEmpty(intersect(block, cidrSet([src.ip]))) : !isEmpty(intersect(block, podNetwork));
  }
  if (peer.namespaceSelector) {
    if (!selects(peer.namespaceSelector, src.namespaceLabels)) return false;
  } else if (src.namespace !== undefined && src.namespace !== policyNamespace) {
    return false; // a podSelector alone names pods of the policy's own namespace
  }
  return peer.podSelector === undefined || selects(peer.podSelector, src.pod);
}

function ruleAdmitsPod(rule: PolicyRule, policy: NetworkPolicy, src: PodPeer, podNetwork: CidrSet): boolean {
  return rule.peers === undefined || rule.peers.length === 0 || rule.peers.some((p) => podMatchesPeer(p, policy.namespace, src, podNetwork));
}

function decide(
  policies: readonly NetworkPolicy[],
  direction: 'Ingress' | 'Egress',
  admits: (rule: PolicyRule, policy: NetworkPolicy) => CidrSet,
  all: CidrSet,
): Decision {
  if (policies.length === 0) return { addresses: all, allowed: true, isolated: false, by: [] };
  let addresses = EMPTY;
  const by: NetworkPolicy[] = [];
  for (const policy of policies) {
    for (const rule of direction === 'Ingress' ? policy.ingress : policy.egress) {
      const admitted = admits(rule, policy);
      if (isEmpty(admitted)) continue;
      addresses = union(addresses, admitted);
      if (!by.includes(policy)) by.push(policy);
    }
  }
  return { addresses, allowed: !isEmpty(addresses), isolated: true, by: by.length > 0 ? by : [...policies] };
}

/** For a pod peer the answer is yes or no: no address sets to build (a check of the built-in platform asks thousands of times). */
function decidePod(
  policies: readonly NetworkPolicy[],
  direction: 'Ingress' | 'Egress',
  admits: (rule: PolicyRule, policy: NetworkPolicy) => boolean,
): Decision {
  if (policies.length === 0) return { addresses: WORLD, allowed: true, isolated: false, by: [] };
  const by = policies.filter((policy) => (direction === 'Ingress' ? policy.ingress : policy.egress).some((rule) => admits(rule, policy)));
  return { addresses: by.length > 0 ? WORLD : EMPTY, allowed: by.length > 0, isolated: true, by: by.length > 0 ? by : [...policies] };
}

/** Whether the destination pod's ingress admits the source on this port. */
export function ingressDecision(cluster: Cluster, dst: KubePod, port: number, protocol: KubeProtocol, src: Peer): Decision {
  const policies = selecting(cluster, dst, 'Ingress');
  if (src.kind === 'external')
    return decide(
      policies,
      'Ingress',
      (rule) => (portMatches(rule.ports, port, protocol, dst) ? externalAdmitted(rule.peers, src.addresses) : EMPTY),
      src.addresses,
    );
  if (src.self === dst) return { addresses: WORLD, allowed: true, isolated: policies.length > 0, by: [] };
  const podNetwork = cluster.podNetwork ?? WORLD;
  return decidePod(policies, 'Ingress', (rule, policy) => portMatches(rule.ports, port, protocol, dst) && ruleAdmitsPod(rule, policy, src, podNetwork));
}

/** Whether the source pod's egress admits the destination (a pod, or external addresses) on this port. */
export function egressDecision(
  cluster: Cluster,
  src: KubePod,
  port: number,
  protocol: KubeProtocol,
  dst: { readonly kind: 'pod'; readonly pod: KubePod } | ExternalPeer,
): Decision {
  const policies = selecting(cluster, src, 'Egress');
  if (dst.kind === 'external')
    return decide(
      policies,
      'Egress',
      (rule) => (portMatches(rule.ports, port, protocol, undefined) ? externalAdmitted(rule.peers, dst.addresses) : EMPTY),
      dst.addresses,
    );
  const podNetwork = cluster.podNetwork ?? WORLD;
  const peer = podPeer(cluster, dst.pod);
  return decidePod(policies, 'Egress', (rule, policy) => portMatches(rule.ports, port, protocol, dst.pod) && ruleAdmitsPod(rule, policy, peer, podNetwork));
}

export interface ConnectionVerdict {
  readonly allowed: boolean;
  readonly egress: Decision;
  readonly ingress: Decision;
}

/** Pod to pod: the source's egress and the destination's ingress must both allow it (`samePod`: a pod to itself, always allowed). */
export function podToPod(cluster: Cluster, src: KubePod, dst: KubePod, port: number, protocol: KubeProtocol, samePod = false): ConnectionVerdict {
  if (samePod) {
    const self: Decision = { addresses: WORLD, allowed: true, isolated: false, by: [] };
    return { allowed: true, egress: self, ingress: self };
  }
  const egress = egressDecision(cluster, src, port, protocol, { kind: 'pod', pod: dst });
  const ingress = ingressDecision(cluster, dst, port, protocol, podPeer(cluster, src));
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

/** A source that is not a pod of the manifests (a proxy, a controller): its namespace's and its own labels, possibly unknown. */
export function foreignPeer(namespace: string | undefined, labels: Labels, namespaceLabels: LabelView): PodPeer {
  return { kind: 'pod', ...(namespace !== undefined ? { namespace } : {}), pod: { labels, open: true }, namespaceLabels };
}
