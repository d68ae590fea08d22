// The Kubernetes exposure state: what the Kubernetes ingester reads from
// manifests (src/ingest/kubernetes*.ts) and the Kubernetes layer of the
// analyzer judges. Plain data with a file:line origin on every fact, like the
// one-host state (../state.ts), whose Origin it reuses.
//
// Soundness, as on one host: what the manifests do not say is resolved
// towards exposure. A source whose labels are not all known (the Tailscale
// operator's proxy pods, an ingress controller, a namespace the manifests do
// not declare) has `open` labels: a selector requirement on a key it does not
// know is taken as met.
import type { GatewayServer, Origin } from '../state.js';

export type KubeProtocol = 'TCP' | 'UDP' | 'SCTP';

export type Labels = Readonly<Record<string, string>>;

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
}

/** A metav1.LabelSelector; both parts empty: selects everything. */
export interface LabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly SelectorRequirement[];
}

export interface KubeNamespace {
  readonly name: string;
  /** As written; `kubernetes.io/metadata.name` is added by the analyzer (the API server sets it). */
  readonly labels: Labels;
  readonly origin: Origin;
}

export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: KubeProtocol;
  /** The node port this container port is bound to (`hostPort`). */
  readonly hostPort?: number;
  readonly container: string;
  readonly origin: Origin;
}

/** The pods one workload runs (a Deployment's template, a bare Pod...): one identity for the policies. */
export interface KubePod {
  readonly namespace: string;
  /** `Deployment/ollama`, `Pod/debug`. */
  readonly workload: string;
  /** The platform service it runs: app.kubernetes.io/name, else app, else the workload's name. */
  readonly service: string;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
  readonly hostNetwork: boolean;
  readonly images: readonly string[];
  /** Its address, when known (tests); unknown pod addresses are anywhere in the pod network. */
  readonly ip?: string;
  /** The ConfigMaps its volumes mount (a gateway's nginx.conf lives in one). */
  readonly configMaps?: readonly string[];
  readonly origin: Origin;
}

/** A ConfigMap's text entries, each with the line its value starts on. */
export interface KubeConfigMap {
  readonly namespace: string;
  readonly name: string;
  readonly data: readonly { readonly key: string; readonly text: string; readonly origin: Origin }[];
}

/** An HTTP gateway running in a pod (nginx with its config in a ConfigMap): its servers, as the nginx ingester read them. */
export interface KubeGateway {
  readonly namespace: string;
  readonly workload: string;
  readonly servers: readonly GatewayServer[];
}

export interface PolicyPort {
  /** Absent: TCP (the API's default). */
  readonly protocol: KubeProtocol;
  /** Absent: every port of the protocol; a string is a named container port of the destination pod. */
  readonly port?: number | string;
  /** With a numeric port: the range port..endPort. */
  readonly endPort?: number;
}

export interface IpBlock {
  readonly cidr: string;
  readonly except: readonly string[];
}

/** One `from`/`to` element: selectors in one element are ANDed. */
export interface PolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IpBlock;
}

export interface PolicyRule {
  /** Absent or empty: every peer. */
  readonly peers?: readonly PolicyPeer[];
  /** Absent or empty: every port. */
  readonly ports?: readonly PolicyPort[];
  readonly origin: Origin;
}

export interface NetworkPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  /** As written or defaulted (Ingress always; Egress when egress rules are present). */
  readonly policyTypes: readonly ('Ingress' | 'Egress')[];
  readonly ingress: readonly PolicyRule[];
  readonly egress: readonly PolicyRule[];
  readonly origin: Origin;
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  /** A number, or the name of a container port (resolved per pod). */
  readonly targetPort: number | string;
  readonly protocol: KubeProtocol;
  readonly nodePort?: number;
  readonly origin: Origin;
}

export interface KubeService {
  readonly namespace: string;
  readonly name: string;
  readonly type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  readonly loadBalancerClass?: string;
  /** The Tailscale operator exposes a Service on the tailnet with this annotation too. */
  readonly tailscaleExpose: boolean;
  readonly externalIPs: readonly string[];
  readonly externalTrafficPolicy: 'Cluster' | 'Local';
  /** Node ports are open on every node: a NodePort Service, and a LoadBalancer unless allocateLoadBalancerNodePorts is false. */
  readonly nodePorts: boolean;
  /** Absent: no selector (endpoints managed by hand: the backends are unknown). */
  readonly selector?: Labels;
  readonly ports: readonly ServicePort[];
  readonly origin: Origin;
}

export interface IngressBackend {
  readonly service: string;
  readonly port: number | string;
  readonly path: string;
  readonly origin: Origin;
}

export interface KubeIngress {
  readonly namespace: string;
  readonly name: string;
  readonly className?: string;
  readonly backends: readonly IngressBackend[];
  readonly origin: Origin;
}

export interface KubeState {
  readonly namespaces: readonly KubeNamespace[];
  readonly pods: readonly KubePod[];
  readonly services: readonly KubeService[];
  readonly ingresses: readonly KubeIngress[];
  readonly policies: readonly NetworkPolicy[];
  readonly configMaps?: readonly KubeConfigMap[];
  /** Filled by the proof from the ConfigMaps (the analyzer reads no nginx). */
  readonly gateways?: readonly KubeGateway[];
}
