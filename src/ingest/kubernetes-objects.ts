// One Kubernetes object (a located tree) → the facts the Kubernetes layer
// reads: the pods a workload runs, Services, Ingresses, NetworkPolicies,
// Namespaces. Field names and defaults are the API's (kubernetes.io/docs/
// reference/kubernetes-api: core/v1 Pod, Service; networking/v1 Ingress,
// NetworkPolicy). What cannot be read is a located problem, and is resolved
// towards exposure: an unreadable peer or port of a NetworkPolicy rule matches
// everything, a policy whose selector or types cannot be read allows all.
import type {
  IngressBackend,
  KubeConfigMap,
  KubeIngress,
  KubeNamespace,
  KubePod,
  KubeProtocol,
  KubeService,
  LabelSelector,
  NetworkPolicy,
  PolicyPeer,
  PolicyPort,
  PolicyRule,
  SelectorRequirement,
  ServicePort,
} from '../analyze/kubernetes/types.js';
import { toCidr } from '../model/net.js';
import { get, type LNode, mapEntries, text } from './compose-yaml.js';
import type { Reader } from './kubernetes-read.js';

/** Kinds whose pods moat reads, and where their pod template is. */
const TEMPLATE_PATH: Readonly<Record<string, readonly string[]>> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export interface ObjectFacts {
  readonly configMaps: KubeConfigMap[];
  readonly pods: KubePod[];
  readonly services: KubeService[];
  readonly ingresses: KubeIngress[];
  readonly policies: NetworkPolicy[];
  readonly namespaces: KubeNamespace[];
}

const PROTOCOLS: readonly KubeProtocol[] = ['TCP', 'UDP', 'SCTP'];

function protocolOf(r: Reader, parent: LNode, path: string): KubeProtocol | undefined {
  const p = r.str(parent, 'protocol', `${path}.protocol`);
  if (p === undefined) return 'TCP';
  if ((PROTOCOLS as readonly string[]).includes(p)) return p as KubeProtocol;
  r.bad(get(parent, 'protocol') as LNode, `${path}.protocol`, 'TCP, UDP or SCTP', 'the entry is read as matching every protocol');
  return undefined;
}

function readPod(r: Reader, kind: string, name: string, namespace: string, root: LNode, facts: ObjectFacts): void {
  let template: LNode | undefined = root;
  for (const key of (Object.hasOwn(TEMPLATE_PATH, kind) ? TEMPLATE_PATH[kind] : undefined) ?? []) template = r.map(template, key, key);
  if (template === undefined) return;
  const labels = r.labels(r.map(template, 'metadata', 'metadata'), 'labels', 'metadata.labels') ?? {};
  const spec = r.map(template, 'spec', 'spec');
  const ports: KubePod['ports'][number][] = [];
  const images: string[] = [];
  const containers: [LNode, string][] = (r.list(spec, 'containers', 'spec.containers') ?? []).map((c, i) => [c, `spec.containers[${i}]`]);
  // Init containers with restartPolicy Always are sidecars that keep serving (Kubernetes 1.29+, "Sidecar containers").
  (r.list(spec, 'initContainers', 'spec.initContainers') ?? []).forEach((c, i) => {
    if (text(get(c, 'restartPolicy')) === 'Always') containers.push([c, `spec.initContainers[${i}]`]);
  });
  for (const [c, path] of containers) {
    const image = r.str(c, 'image', `${path}.image`);
    if (image !== undefined) images.push(image);
    const container = r.str(c, 'name', `${path}.name`) ?? path;
    (r.list(c, 'ports', `${path}.ports`) ?? []).forEach((p, j) => {
      const at = `${path}.ports[${j}]`;
      const port = r.int(p, 'containerPort', `${at}.containerPort`, 1, 65535);
      const protocol = protocolOf(r, p, at) ?? 'TCP';
      const hostPort = r.int(p, 'hostPort', `${at}.hostPort`, 1, 65535);
      const portName = r.str(p, 'name', `${at}.name`);
      if (port === undefined) return;
      ports.push({ port, protocol, container, origin: r.origin(p, root, at), ...(portName ? { name: portName } : {}), ...(hostPort ? { hostPort } : {}) });
    });
  }
  const hostNetwork = r.bool(spec, 'hostNetwork', 'spec.hostNetwork') === true;
  const configMaps = (r.list(spec, 'volumes', 'spec.volumes') ?? []).flatMap((v) => {
    const name = text(get(get(v, 'configMap'), 'name'));
    return name !== undefined ? [name] : [];
  });
  const service = labels['app.kubernetes.io/name'] ?? labels.app ?? name;
  facts.pods.push({
    namespace,
    workload: `${kind}/${name}`,
    service,
    labels,
    ports,
    hostNetwork,
    images,
    ...(configMaps.length > 0 ? { configMaps } : {}),
    origin: r.origin(root, root, 'metadata.name'),
  });
}

function readSelector(r: Reader, node: LNode | undefined, path: string): LabelSelector | undefined {
  if (node === undefined) return {};
  if (node.kind !== 'map') {
    if (node.kind === 'scalar' && node.value === null) return {};
    r.bad(node, path, 'a label selector', 'it is read as selecting everything');
    return undefined;
  }
  const matchLabels = r.labels(node, 'matchLabels', `${path}.matchLabels`);
  const expressions: SelectorRequirement[] = [];
  let ok = matchLabels !== undefined;
  (r.list(node, 'matchExpressions', `${path}.matchExpressions`) ?? []).forEach((e, i) => {
    const key = r.str(e, 'key', `${path}.matchExpressions[${i}].key`);
    const operator = r.str(e, 'operator', `${path}.matchExpressions[${i}].operator`);
    const values = (r.list(e, 'values', `${path}.matchExpressions[${i}].values`) ?? []).map((v) => text(v) ?? '');
    if (key === undefined || !['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(operator ?? '')) {
      r.bad(
        e,
        `${path}.matchExpressions[${i}]`,
        'a requirement with a key and an operator In, NotIn, Exists or DoesNotExist',
        'the selector is read as selecting everything',
      );
      ok = false;
      return;
    }
    expressions.push({ key, operator: operator as SelectorRequirement['operator'], values });
  });
  if (get(node, 'matchExpressions') !== undefined && get(node, 'matchExpressions')?.kind !== 'seq' && !(get(node, 'matchExpressions')?.kind === 'scalar'))
    ok = false;
  if (!ok) return undefined;
  return {
    ...(matchLabels && Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(expressions.length > 0 ? { matchExpressions: expressions } : {}),
  };
}

/** A peer, or undefined when any part of it cannot be read (the rule then admits every peer). */
function readPeer(r: Reader, p: LNode, path: string): PolicyPeer | undefined {
  if (p.kind !== 'map') {
    r.bad(p, path, 'a peer (podSelector, namespaceSelector or ipBlock)', 'the rule is read as admitting every peer');
    return undefined;
  }
  const peer: { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: NonNullable<PolicyPeer['ipBlock']> } = {};
  for (const key of ['podSelector', 'namespaceSelector'] as const) {
    if (get(p, key) === undefined) continue;
    const s = readSelector(r, get(p, key), `${path}.${key}`);
    if (s === undefined) return undefined;
    peer[key] = s;
  }
  const block = get(p, 'ipBlock');
  if (block !== undefined) {
    const cidr = r.str(block, 'cidr', `${path}.ipBlock.cidr`);
    const except = (r.list(block, 'except', `${path}.ipBlock.except`) ?? []).map((e) => text(e) ?? '');
    const all = [cidr ?? '', ...except];
    if (cidr === undefined || all.some((c) => toCidr(c) === undefined) || peer.podSelector || peer.namespaceSelector) {
      r.bad(block, `${path}.ipBlock`, 'a CIDR with optional `except` CIDRs, alone in its peer', 'the rule is read as admitting every peer');
      return undefined;
    }
    peer.ipBlock = { cidr: toCidr(cidr)?.text ?? cidr, except: except.map((e) => toCidr(e)?.text ?? e) };
  }
  if (!peer.podSelector && !peer.namespaceSelector && !peer.ipBlock) {
    r.bad(p, path, 'a peer with podSelector, namespaceSelector or ipBlock', 'the rule is read as admitting every peer');
    return undefined;
  }
  return peer;
}

function readPorts(r: Reader, rule: LNode, path: string): PolicyPort[] | undefined {
  const out: PolicyPort[] = [];
  for (const [i, p] of (r.list(rule, 'ports', `${path}.ports`) ?? []).entries()) {
    const at = `${path}.ports[${i}]`;
    const protocol = protocolOf(r, p, at);
    const raw = get(p, 'port');
    const endPort = r.int(p, 'endPort', `${at}.endPort`, 1, 65535);
    let port: number | string | undefined;
    if (raw !== undefined && !(raw.kind === 'scalar' && raw.value === null)) {
      if (raw.kind === 'scalar' && typeof raw.value === 'number' && Number.isInteger(raw.value) && raw.value >= 1 && raw.value <= 65535) port = raw.value;
      else if (raw.kind === 'scalar' && typeof raw.value === 'string' && /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(raw.value) && /[a-z]/.test(raw.value))
        port = raw.value;
      else {
        r.bad(raw, `${at}.port`, 'a port number or a port name', 'the rule is read as admitting every port');
        return undefined;
      }
    }
    if (protocol === undefined || (get(p, 'endPort') !== undefined && endPort === undefined)) return undefined;
    if (endPort !== undefined && (typeof port !== 'number' || endPort < port)) {
      r.bad(p, at, 'a numeric port not above endPort', 'the rule is read as admitting every port');
      return undefined;
    }
    out.push({ protocol, ...(port !== undefined ? { port } : {}), ...(endPort !== undefined ? { endPort } : {}) });
  }
  return out;
}

function readRules(r: Reader, spec: LNode, key: 'ingress' | 'egress', root: LNode): PolicyRule[] | undefined {
  const peersKey = key === 'ingress' ? 'from' : 'to';
  const rules = r.list(spec, key, `spec.${key}`);
  if (rules === undefined) return get(spec, key) === undefined || (text(get(spec, key)) === undefined && get(spec, key)?.kind === 'scalar') ? [] : undefined;
  return rules.map((rule, i) => {
    const path = `spec.${key}[${i}]`;
    const list = rule.kind === 'map' ? r.list(rule, peersKey, `${path}.${peersKey}`) : undefined;
    const peers = list?.map((p, j) => readPeer(r, p, `${path}.${peersKey}[${j}]`));
    const ports = rule.kind === 'map' ? readPorts(r, rule, path) : undefined;
    if (rule.kind !== 'map') r.bad(rule, path, 'a rule', 'it is read as admitting everything');
    const allPeers = peers === undefined || peers.some((p) => p === undefined);
    return { ...(allPeers ? {} : { peers: peers as PolicyPeer[] }), ...(ports && ports.length > 0 ? { ports } : {}), origin: r.origin(rule, root, path) };
  });
}

function readPolicy(r: Reader, name: string, namespace: string, root: LNode, facts: ObjectFacts): void {
  const spec = r.map(root, 'spec', 'spec');
  const origin = r.origin(root, root, 'metadata.name');
  const allowAll = (): void => {
    const all: PolicyRule = { origin };
    facts.policies.push({ namespace, name, podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [all], egress: [all], origin });
  };
  if (spec === undefined) return allowAll();
  const podSelector = readSelector(r, get(spec, 'podSelector'), 'spec.podSelector');
  const ingress = readRules(r, spec, 'ingress', root);
  const egress = readRules(r, spec, 'egress', root);
  const typesNode = r.list(spec, 'policyTypes', 'spec.policyTypes');
  const types = typesNode?.map((t) => text(t));
  if (
    podSelector === undefined ||
    ingress === undefined ||
    egress === undefined ||
    (get(spec, 'policyTypes') !== undefined && types === undefined) ||
    types?.some((t) => t !== 'Ingress' && t !== 'Egress')
  ) {
    if (types?.some((t) => t !== 'Ingress' && t !== 'Egress'))
      r.bad(get(spec, 'policyTypes') as LNode, 'spec.policyTypes', 'a list of Ingress and Egress', 'the policy is read as allowing everything');
    return allowAll();
  }
  // No policyTypes: Ingress always, Egress when egress rules are present (the API's defaulting).
  const policyTypes =
    types && types.length > 0
      ? ([...new Set(types)] as ('Ingress' | 'Egress')[])
      : get(spec, 'egress') !== undefined && egress.length > 0
        ? (['Ingress', 'Egress'] as const)
        : (['Ingress'] as const);
  facts.policies.push({ namespace, name, podSelector, policyTypes: [...policyTypes], ingress, egress, origin });
}

function readService(r: Reader, name: string, namespace: string, root: LNode, annotations: Record<string, string>, facts: ObjectFacts): void {
  const spec = r.map(root, 'spec', 'spec');
  const type = r.str(spec, 'type', 'spec.type') ?? 'ClusterIP';
  if (!['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(type)) {
    r.bad(get(spec, 'type') as LNode, 'spec.type', 'ClusterIP, NodePort, LoadBalancer or ExternalName', 'it is read as LoadBalancer');
  }
  const ports: ServicePort[] = [];
  (r.list(spec, 'ports', 'spec.ports') ?? []).forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    const port = r.int(p, 'port', `${at}.port`, 1, 65535);
    const raw = get(p, 'targetPort');
    const target =
      raw === undefined
        ? port
        : raw.kind === 'scalar' && typeof raw.value === 'number'
          ? raw.value
          : raw.kind === 'scalar' && typeof raw.value === 'string'
            ? /^\d+$/.test(raw.value)
              ? Number(raw.value)
              : raw.value
            : undefined;
    if (raw !== undefined && target === undefined) r.bad(raw, `${at}.targetPort`, 'a port number or a container port name', 'the port is not read');
    const nodePort = r.int(p, 'nodePort', `${at}.nodePort`, 1, 65535);
    const portName = r.str(p, 'name', `${at}.name`);
    if (port === undefined || target === undefined) return;
    ports.push({
      port,
      targetPort: target,
      protocol: protocolOf(r, p, at) ?? 'TCP',
      origin: r.origin(p, root, at),
      ...(portName ? { name: portName } : {}),
      ...(nodePort ? { nodePort } : {}),
    });
  });
  const selectorNode = get(spec, 'selector');
  const selector =
    selectorNode === undefined || (selectorNode.kind === 'scalar' && selectorNode.value === null) ? undefined : r.labels(spec, 'selector', 'spec.selector');
  const lbClass = r.str(spec, 'loadBalancerClass', 'spec.loadBalancerClass');
  const etp = r.str(spec, 'externalTrafficPolicy', 'spec.externalTrafficPolicy');
  // The API server allocates node ports for a LoadBalancer too, whatever its class, unless told not to: SetDefaults_Service
  // (kubernetes/kubernetes pkg/apis/core/v1/defaults.go) sets allocateLoadBalancerNodePorts to true when it is absent.
  const allocate = r.bool(spec, 'allocateLoadBalancerNodePorts', 'spec.allocateLoadBalancerNodePorts');
  facts.services.push({
    namespace,
    name,
    type: (['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(type) ? type : 'LoadBalancer') as KubeService['type'],
    ...(lbClass !== undefined ? { loadBalancerClass: lbClass } : {}),
    // The Tailscale operator also exposes a Service annotated tailscale.com/expose: "true" (tailscale.com/kb/1439/kubernetes-operator-cluster-ingress).
    tailscaleExpose: annotations['tailscale.com/expose'] === 'true',
    externalIPs: (r.list(spec, 'externalIPs', 'spec.externalIPs') ?? []).map((e) => text(e) ?? ''),
    externalTrafficPolicy: etp === 'Local' ? 'Local' : 'Cluster',
    nodePorts: type === 'NodePort' || (type !== 'ClusterIP' && type !== 'ExternalName' && allocate !== false),
    ...(selector !== undefined ? { selector } : {}),
    ports,
    origin: r.origin(root, root, 'metadata.name'),
  });
}

function backendOf(r: Reader, b: LNode | undefined, path: string, root: LNode, where: string): IngressBackend | undefined {
  if (b === undefined) return undefined;
  const service = get(b, 'service');
  // networking.k8s.io/v1: backend.service.{name, port.{number|name}}; extensions/v1beta1: serviceName, servicePort.
  const name = service ? r.str(service, 'name', `${path}.service.name`) : r.str(b, 'serviceName', `${path}.serviceName`);
  const portNode = service ? (get(get(service, 'port'), 'number') ?? get(get(service, 'port'), 'name')) : get(b, 'servicePort');
  const port = portNode?.kind === 'scalar' && portNode.value !== null && typeof portNode.value !== 'boolean' ? portNode.value : undefined;
  if (name === undefined || port === undefined) return undefined;
  return { service: name, port: typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port, path: where, origin: r.origin(b, root, path) };
}

function readIngress(r: Reader, name: string, namespace: string, root: LNode, annotations: Record<string, string>, facts: ObjectFacts): void {
  const spec = r.map(root, 'spec', 'spec');
  const className = r.str(spec, 'ingressClassName', 'spec.ingressClassName') ?? annotations['kubernetes.io/ingress.class'];
  const backends: IngressBackend[] = [];
  const def = backendOf(r, get(spec, 'defaultBackend') ?? get(spec, 'backend'), 'spec.defaultBackend', root, '/');
  if (def) backends.push(def);
  (r.list(spec, 'rules', 'spec.rules') ?? []).forEach((rule, i) => {
    (r.list(r.map(rule, 'http', `spec.rules[${i}].http`), 'paths', `spec.rules[${i}].http.paths`) ?? []).forEach((p, j) => {
      const b = backendOf(r, get(p, 'backend'), `spec.rules[${i}].http.paths[${j}].backend`, root, text(get(p, 'path')) ?? '/');
      if (b) backends.push(b);
    });
  });
  facts.ingresses.push({ namespace, name, ...(className !== undefined ? { className } : {}), backends, origin: r.origin(root, root, 'metadata.name') });
}

/** Reads one object (not a List) into `facts`; what it cannot read goes to the reader's problems. */
export function readObject(root: LNode, kind: string, defaultNamespace: string, facts: ObjectFacts, reader: Reader): void {
  const metadata = reader.map(root, 'metadata', 'metadata');
  const name = reader.str(metadata, 'name', 'metadata.name') ?? reader.str(metadata, 'generateName', 'metadata.generateName') ?? '(unnamed)';
  const namespace = reader.str(metadata, 'namespace', 'metadata.namespace') ?? defaultNamespace;
  const annotations = reader.labels(metadata, 'annotations', 'metadata.annotations') ?? {};
  if (Object.hasOwn(TEMPLATE_PATH, kind)) readPod(reader, kind, name, namespace, root, facts);
  else if (kind === 'Service') readService(reader, name, namespace, root, annotations, facts);
  else if (kind === 'Ingress') readIngress(reader, name, namespace, root, annotations, facts);
  else if (kind === 'NetworkPolicy') readPolicy(reader, name, namespace, root, facts);
  else if (kind === 'ConfigMap') {
    // A block scalar's text starts on the line after its `|`: lines inside it are counted from there.
    const data = mapEntries(reader.map(root, 'data', 'data')).flatMap(([key, v]) =>
      v.kind === 'scalar' && typeof v.value === 'string'
        ? [{ key, text: v.value, origin: { file: v.file, line: v.line + 1, key: `${reader.object} data.${key}` } }]
        : [],
    );
    facts.configMaps.push({ namespace, name, data });
  } else if (kind === 'Namespace')
    facts.namespaces.push({ name, labels: reader.labels(metadata, 'labels', 'metadata.labels') ?? {}, origin: reader.origin(root, root, 'metadata.name') });
}
