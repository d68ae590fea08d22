// Small clusters for the NetworkPolicy tests: the upstream conformance suite's
// pod grid (namespaces x, y, z; pods a, b, c labelled pod=<name>, serving
// 80 and 81 over TCP and UDP on ports named serve-<port>-<proto>, as
// kubernetes/kubernetes test/e2e/network/netpol/kubemanager.go creates them),
// and policies written as manifests, read by the real ingester.

import type { Cluster } from '../../../src/analyze/kubernetes/netpol.js';
import type { KubeNamespace, KubePod, KubeState, NetworkPolicy } from '../../../src/analyze/kubernetes/types.js';
import { ingestKubernetes } from '../../../src/ingest/kubernetes.js';

const at = { file: 'grid', line: 1 };

/** `x/a` → a pod of namespace x with label pod=a and the suite's four serving ports. */
export function gridPod(name: string, ip?: string): KubePod {
  const [namespace = '', pod = ''] = name.split('/');
  const ports = [80, 81].flatMap((port) =>
    (['TCP', 'UDP'] as const).map((protocol) => ({
      name: `serve-${port}-${protocol.toLowerCase()}`,
      port,
      protocol,
      container: `cont-${port}-${protocol.toLowerCase()}`,
      origin: at,
    })),
  );
  return {
    namespace,
    workload: `Pod/${pod}`,
    service: pod,
    labels: { pod },
    ports,
    hostNetwork: false,
    images: ['agnhost'],
    ...(ip ? { ip } : {}),
    origin: at,
  };
}

export function gridNamespaces(names: readonly string[]): KubeNamespace[] {
  return names.map((name) => ({ name, labels: { ns: name }, origin: at }));
}

/** Policies from YAML (one or more documents); the test fails on any problem the ingester reports. */
export function policiesFrom(yaml: string, namespace = 'default'): NetworkPolicy[] {
  const result = ingestKubernetes({ file: 'case.yaml', text: yaml }, { defaultNamespace: namespace });
  if (result.problems.length > 0) throw new Error(`the case's YAML has problems: ${result.problems.map((p) => p.message).join('; ')}`);
  return [...(result.fragment.kubernetes?.policies ?? [])];
}

export function stateFrom(yaml: string): KubeState {
  const result = ingestKubernetes({ file: 'case.yaml', text: yaml });
  if (result.problems.length > 0) throw new Error(`the case's YAML has problems: ${result.problems.map((p) => p.message).join('; ')}`);
  return result.fragment.kubernetes as KubeState;
}

export function cluster(namespaces: readonly KubeNamespace[], policies: readonly NetworkPolicy[]): Cluster {
  return { namespaces, policies };
}
