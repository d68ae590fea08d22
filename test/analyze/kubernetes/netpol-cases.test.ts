// The NetworkPolicy evaluator against cases whose expected outcome upstream
// states: the Kubernetes documentation's examples
// (kubernetes.io/docs/concepts/services-networking/network-policies/, cited
// [np]) and the conformance suite (kubernetes/kubernetes
// test/e2e/network/netpol/network_policy.go, cited [e2e] with the test's
// name). The e2e cases run on its grid (support.ts); their expectations are
// written as the suite writes them: everything allowed, then Expect /
// ExpectPeer / ExpectAllIngress / ExpectAllEgress overrides in order, and
// loopback (a pod to itself) ignored, as the suite ignores it (ignoreLoopback).
// The suite's SetSpecEgressRules/SetSpecIngressRules also set policyTypes
// (test/e2e/network/netpol/policies.go), so the YAML here says them.
import { describe, expect, it } from 'vitest';
import { cidrSet, isEmpty } from '../../../src/analyze/cidr-set.js';
import { egressDecision, ingressDecision, podPeer, podToPod } from '../../../src/analyze/kubernetes/netpol.js';
import type { KubePod, KubeProtocol } from '../../../src/analyze/kubernetes/types.js';
import { cluster, gridNamespaces, gridPod, policiesFrom } from './support.js';

/** The grid's addresses: namespace x → 10.1.0.0/24, y → 10.2, z → 10.3; pod a → .1, b → .2, c → .3. */
function ipOf(name: string): string {
  const [ns = 'x', pod = 'a'] = name.split('/');
  return `10.${'xyz'.indexOf(ns) + 1}.0.${'abc'.indexOf(pod) + 1}`;
}

/** [from, to, allowed]: `x/a`, `x/*` (a namespace) or `*`. */
type Override = readonly [string, string, boolean];

interface GridCase {
  readonly source: string;
  readonly pods: readonly string[];
  readonly policies: string;
  readonly port: number;
  readonly protocol?: KubeProtocol;
  readonly expect: readonly Override[];
}

const matches = (pattern: string, pod: string) => pattern === '*' || pattern === pod || (pattern.endsWith('/*') && pod.startsWith(pattern.slice(0, -1)));

const DENY_INGRESS_X = `
kind: NetworkPolicy
apiVersion: networking.k8s.io/v1
metadata: {name: deny-ingress, namespace: x}
spec: {podSelector: {}, policyTypes: [Ingress]}
`;

const CASES: readonly GridCase[] = [
  {
    source: "[e2e] should support a 'default-deny-ingress' policy",
    pods: ['x/a', 'x/b', 'y/a', 'y/b'],
    policies: DENY_INGRESS_X,
    port: 80,
    expect: [['*', 'x/*', false]],
  },
  {
    source: "[e2e] should support a 'default-deny-all' policy",
    pods: ['x/a', 'x/b', 'y/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: deny-all, namespace: x}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n',
    port: 80,
    expect: [
      ['*', 'x/*', false],
      ['x/*', '*', false],
    ],
  },
  {
    source: '[e2e] should enforce policy to allow traffic from pods within server namespace based on PodSelector',
    pods: ['x/a', 'x/b', 'x/c', 'y/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: x-a-allows-x-b, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {pod: b}}}]\n',
    port: 80,
    expect: [
      ['*', 'x/a', false],
      ['x/b', 'x/a', true],
    ],
  },
  {
    source: '[e2e] should enforce policy to allow ingress traffic for a target',
    pods: ['x/a', 'x/b', 'y/a'],
    policies: `${DENY_INGRESS_X}---\nkind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-all-to-a, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress:\n  - from: [{podSelector: {}, namespaceSelector: {}}]\n`,
    port: 80,
    expect: [
      ['*', 'x/a', true],
      ['*', 'x/b', false],
    ],
  },
  {
    source: '[e2e] should enforce policy to allow ingress traffic from pods in all namespaces',
    pods: ['x/a', 'x/b', 'y/a', 'z/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-from-another-ns, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {}}}]\n',
    port: 80,
    expect: [],
  },
  {
    source: '[e2e] should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector',
    pods: ['x/a', 'x/b', 'y/a', 'z/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-client-a-via-ns-selector, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]\n',
    port: 80,
    expect: [
      ['x/*', 'x/a', false],
      ['z/*', 'x/a', false],
    ],
  },
  {
    source: '[e2e] should enforce policy based on PodSelector with MatchExpressions',
    pods: ['x/a', 'x/b', 'y/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: x-a-allows-x-b, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress:\n  - from: [{podSelector: {matchExpressions: [{key: pod, operator: In, values: [b]}]}}]\n',
    port: 80,
    expect: [
      ['*', 'x/a', false],
      ['x/b', 'x/a', true],
    ],
  },
  {
    source: '[e2e] should enforce policy based on PodSelector or NamespaceSelector',
    pods: ['x/a', 'x/b', 'x/c', 'y/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-ns-y-match-selector, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress:\n  - from:\n    - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}]}\n    - podSelector: {matchLabels: {pod: b}}\n',
    port: 80,
    expect: [
      ['x/a', 'x/a', false],
      ['x/c', 'x/a', false],
    ],
  },
  {
    source: '[e2e] should enforce policy based on PodSelector and NamespaceSelector',
    pods: ['x/a', 'x/b', 'y/a', 'y/b', 'z/b'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-ns-y-podselector-and-nsselector, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress:\n  - from:\n    - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}]}\n      podSelector: {matchLabels: {pod: b}}\n',
    port: 80,
    expect: [
      ['*', 'x/a', false],
      ['y/b', 'x/a', true],
      ['z/b', 'x/a', true],
    ],
  },
  {
    source: '[e2e] should enforce policy based on Multiple PodSelectors and NamespaceSelectors',
    pods: ['x/a', 'x/b', 'y/a', 'y/b', 'y/c'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-ns-y-z-pod-b-c, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress:\n  - from:\n    - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}]}\n      podSelector: {matchExpressions: [{key: pod, operator: In, values: [b, c]}]}\n',
    port: 80,
    expect: [
      ['x/*', 'x/a', false],
      ['y/a', 'x/a', false],
    ],
  },
  {
    source: '[e2e] should enforce policy based on Ports (port 81 from namespace y only)',
    pods: ['x/a', 'x/b', 'y/a', 'y/b', 'z/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-client-a-via-ns-selector, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]\n    ports: [{port: 81, protocol: TCP}]\n',
    port: 81,
    expect: [
      ['x/*', 'x/a', false],
      ['y/*', 'x/a', true],
      ['z/*', 'x/a', false],
    ],
  },
  {
    source: '[e2e] should enforce multiple, stacked policies with overlapping podSelectors (port 80 before the second policy)',
    pods: ['x/a', 'x/b', 'y/a', 'y/b', 'z/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-81, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]\n    ports: [{port: 81, protocol: TCP}]\n',
    port: 80,
    expect: [['*', 'x/a', false]],
  },
  {
    source: '[e2e] should enforce multiple, stacked policies with overlapping podSelectors (port 80 after the second policy: the union)',
    pods: ['x/a', 'x/b', 'y/a', 'y/b', 'z/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-81, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]\n    ports: [{port: 81, protocol: TCP}]\n---\nkind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-80, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]\n    ports: [{port: 80, protocol: TCP}]\n',
    port: 80,
    expect: [
      ['x/*', 'x/a', false],
      ['y/*', 'x/a', true],
      ['z/*', 'x/a', false],
    ],
  },
  {
    source: '[e2e] should support allow-all policy',
    pods: ['x/a', 'x/b', 'y/a'],
    policies: 'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-all, namespace: x}\nspec:\n  podSelector: {}\n  ingress: [{}]\n',
    port: 81,
    expect: [],
  },
  {
    source: '[e2e] should allow ingress access on one named port (port 80 is not the named one)',
    pods: ['x/a', 'x/b', 'y/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-all, namespace: x}\nspec:\n  podSelector: {}\n  ingress: [{ports: [{port: serve-81-tcp}]}]\n',
    port: 80,
    expect: [['*', 'x/*', false]],
  },
  {
    source: '[e2e] should allow ingress access on one named port (the named port 81)',
    pods: ['x/a', 'x/b', 'y/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-all, namespace: x}\nspec:\n  podSelector: {}\n  ingress: [{ports: [{port: serve-81-tcp}]}]\n',
    port: 81,
    expect: [],
  },
  {
    source: '[e2e] should allow ingress access from namespace on one named port (port 81 blocked for all)',
    pods: ['x/a', 'x/b', 'y/a', 'z/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-client-a-via-ns-selector-80, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]\n    ports: [{port: serve-80-tcp, protocol: TCP}]\n',
    port: 81,
    expect: [['*', 'x/a', false]],
  },
  {
    source: '[e2e] should allow egress access on one named port (81 denied from x)',
    pods: ['x/a', 'y/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-egress, namespace: x}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{ports: [{port: serve-80-tcp}]}]\n',
    port: 81,
    expect: [['x/*', '*', false]],
  },
  {
    source: '[e2e] should allow egress access on one named port (80, named on the destination)',
    pods: ['x/a', 'y/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-egress, namespace: x}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{ports: [{port: serve-80-tcp}]}]\n',
    port: 80,
    expect: [],
  },
  {
    source: '[e2e] should work with Ingress, Egress specified together (port 81)',
    pods: ['x/a', 'x/b', 'x/c', 'y/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-client-a-via-pod-selector, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress, Ingress]\n  ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]\n  egress: [{ports: [{port: 80}]}]\n',
    port: 81,
    expect: [
      ['*', 'x/a', false],
      ['x/a', '*', false],
      ['x/b', 'x/a', true],
    ],
  },
  {
    source: '[e2e] should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)',
    pods: ['x/a', 'y/a', 'y/b'],
    policies: `kind: NetworkPolicy
apiVersion: networking.k8s.io/v1
metadata: {name: allow-to-ns-y-pod-a, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}, podSelector: {matchLabels: {pod: a}}}]}]
---
kind: NetworkPolicy
apiVersion: networking.k8s.io/v1
metadata: {name: allow-from-xa-on-ya-match-selector, namespace: y}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}, podSelector: {matchLabels: {pod: a}}}]}]
---
kind: NetworkPolicy
apiVersion: networking.k8s.io/v1
metadata: {name: allow-from-xa-on-yb-match-selector, namespace: y}
spec:
  podSelector: {matchLabels: {pod: b}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}, podSelector: {matchLabels: {pod: a}}}]}]
`,
    port: 80,
    expect: [
      ['x/a', '*', false],
      ['*', 'y/a', false],
      ['x/a', 'y/a', true],
      ['*', 'y/b', false],
    ],
  },
  {
    source: '[e2e] should enforce ingress policy allowing any port traffic to a server on a specific protocol (UDP denied)',
    pods: ['x/a', 'y/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-ingress-by-proto, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{protocol: TCP}]}]\n',
    port: 80,
    protocol: 'UDP',
    expect: [['*', 'x/a', false]],
  },
  {
    source: '[e2e] should enforce multiple egress policies with egress allow-all policy taking precedence',
    pods: ['x/a', 'y/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-egress-port-80, namespace: x}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{ports: [{port: 80}]}]\n---\nkind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-egress, namespace: x}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{}]\n',
    port: 81,
    expect: [],
  },
  {
    source: '[e2e] should allow egress access to server in CIDR block',
    pods: ['x/a', 'y/a', 'y/b'],
    policies: `kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-client-a-via-cidr-egress-rule, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: ${ipOf('y/b')}/32}}]}]\n`,
    port: 80,
    expect: [
      ['x/a', '*', false],
      ['x/a', 'y/b', true],
    ],
  },
  {
    source: '[e2e] should enforce except clause while egress access to server in CIDR block',
    pods: ['x/a', 'x/b', 'x/c'],
    policies: `kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-client-a-via-cidr-egress-rule, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [${ipOf('x/b')}/32]}}]}]\n`,
    port: 80,
    expect: [['x/a', 'x/b', false]],
  },
  {
    source: '[e2e] should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed (after the second policy)',
    pods: ['x/a', 'x/b', 'x/c'],
    policies: `kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-client-a-via-cidr-egress-rule, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: ${ipOf('x/b')}/32}}]}]\n`,
    port: 80,
    expect: [
      ['x/a', '*', false],
      ['x/a', 'x/b', true],
    ],
  },
  {
    source: '[e2e] should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector',
    pods: ['x/a', 'x/b', 'y/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-egress-for-target, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{}]\n---\nkind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: deny-ingress-via-label-selector, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Ingress]\n',
    port: 80,
    expect: [['*', 'x/a', false]],
  },
  {
    source: "[e2e] should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP",
    pods: ['x/a', 'y/a'],
    policies: `${DENY_INGRESS_X}---\nkind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-only-sctp-ingress-on-port-81, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{port: 81, protocol: SCTP}]}]\n`,
    port: 81,
    expect: [['*', 'x/*', false]],
  },
  {
    source: '[e2e] should not allow access by TCP when a policy specifies only UDP',
    pods: ['x/a', 'y/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-only-udp-ingress-on-port-81, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{port: 81, protocol: UDP}]}]\n',
    port: 81,
    expect: [['*', 'x/a', false]],
  },
  {
    source: '[e2e] should enforce policy based on NamespaceSelector with MatchExpressions using default ns label (egress NotIn y)',
    pods: ['x/a', 'x/b', 'y/a', 'z/a'],
    policies:
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: allow-ns-y-match-selector-for-immutable-ns-label, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [y]}]}}]}]\n',
    port: 80,
    expect: [['x/a', 'y/*', false]],
  },
];

function expected(c: GridCase, from: string, to: string): boolean {
  let allowed = true;
  for (const [f, t, v] of c.expect) if (matches(f, from) && matches(t, to)) allowed = v;
  return allowed;
}

describe('NetworkPolicy evaluator: the upstream conformance grid', () => {
  for (const c of CASES) {
    it(c.source, () => {
      const pods = new Map<string, KubePod>(c.pods.map((name) => [name, gridPod(name, ipOf(name))]));
      const k = cluster(gridNamespaces(['x', 'y', 'z']), policiesFrom(c.policies));
      const wrong: string[] = [];
      for (const [from, src] of pods) {
        for (const [to, dst] of pods) {
          if (from === to) continue; // the suite ignores loopback
          const got = podToPod(k, src, dst, c.port, c.protocol ?? 'TCP').allowed;
          if (got !== expected(c, from, to)) wrong.push(`${from} → ${to}: got ${got}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }
});

// [np "The NetworkPolicy resource"]: the test-network-policy example, and what the page says it allows.
const DOCS_EXAMPLE = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: test-network-policy
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except:
        - 172.17.1.0/24
    - namespaceSelector:
        matchLabels:
          project: myproject
    - podSelector:
        matchLabels:
          role: frontend
    ports:
    - protocol: TCP
      port: 6379
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/24
    ports:
    - protocol: TCP
      port: 5978
`;

const at = { file: 'docs', line: 1 };
/** Pods at an address in a pod network outside every block of the examples (10.244.0.0/16, a common default). */
const pod = (namespace: string, labels: Record<string, string>, ports: number[] = []): KubePod => ({
  namespace,
  ip: '10.244.0.9',
  workload: `Pod/${Object.values(labels).join('-') || 'plain'}`,
  service: 'x',
  labels,
  hostNetwork: false,
  images: [],
  origin: at,
  ports: ports.map((port) => ({ port, protocol: 'TCP' as const, container: 'c', origin: at })),
});

describe('NetworkPolicy evaluator: the documentation', () => {
  const namespaces = [
    { name: 'default', labels: {}, origin: at },
    { name: 'myproject-ns', labels: { project: 'myproject' }, origin: at },
    { name: 'other', labels: { project: 'other' }, origin: at },
  ];
  const k = cluster(namespaces, policiesFrom(DOCS_EXAMPLE));
  const db = pod('default', { role: 'db' }, [6379]);

  it('[np] the example admits role=frontend pods of default on 6379/TCP, and nothing else on other ports', () => {
    expect(podToPod(k, pod('default', { role: 'frontend' }), db, 6379, 'TCP').allowed).toBe(true);
    expect(podToPod(k, pod('default', { role: 'frontend' }), db, 6380, 'TCP').allowed).toBe(false);
    expect(podToPod(k, pod('default', { role: 'frontend' }), db, 6379, 'UDP').allowed).toBe(false);
    expect(podToPod(k, pod('default', { role: 'backend' }), db, 6379, 'TCP').allowed).toBe(false);
  });

  it('[np] the example admits any pod of a namespace labelled project=myproject, and no role=frontend pod of another namespace', () => {
    expect(podToPod(k, pod('myproject-ns', {}), db, 6379, 'TCP').allowed).toBe(true);
    expect(podToPod(k, pod('other', { role: 'frontend' }), db, 6379, 'TCP').allowed).toBe(false);
  });

  it('[np] the example admits 172.17.0.0/16 except 172.17.1.0/24 ("172.17.0.0–172.17.0.255 and 172.17.2.0–172.17.255.255")', () => {
    const admitted = ingressDecision(k, db, 6379, 'TCP', { kind: 'external', addresses: cidrSet(['172.16.0.0/12']) }).addresses;
    expect(admitted.v4).toEqual([
      '172.17.0.0/24',
      '172.17.2.0/23',
      '172.17.4.0/22',
      '172.17.8.0/21',
      '172.17.16.0/20',
      '172.17.32.0/19',
      '172.17.64.0/18',
      '172.17.128.0/17',
    ]);
  });

  it('[np] the example lets role=db pods connect to 10.0.0.0/24 on 5978/TCP only (egress)', () => {
    const out = (cidr: string, port: number) => egressDecision(k, db, port, 'TCP', { kind: 'external', addresses: cidrSet([cidr]) }).addresses;
    expect(out('10.0.0.7/32', 5978).v4).toEqual(['10.0.0.7/32']);
    expect(isEmpty(out('10.0.1.7/32', 5978))).toBe(true);
    expect(isEmpty(out('10.0.0.7/32', 5979))).toBe(true);
    // and to no pod: the egress rule names an ipBlock only, and these pods' addresses lie outside it
    expect(podToPod(k, db, { ...pod('default', { role: 'frontend' }, [5978]), ip: '10.9.0.1' }, 5978, 'TCP').allowed).toBe(false);
  });

  it('[np "Behavior of to and from selectors"] namespaceSelector and podSelector in one element are ANDed; in two elements ORed', () => {
    const and = policiesFrom(
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: and}\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {user: alice}}\n      podSelector: {matchLabels: {role: client}}\n',
    );
    const or = policiesFrom(
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: or}\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {user: alice}}\n    - podSelector: {matchLabels: {role: client}}\n',
    );
    const ns = [...namespaces, { name: 'alice', labels: { user: 'alice' }, origin: at }];
    const server = pod('default', { app: 'server' }, [80]);
    const cases: [KubePod, boolean, boolean][] = [
      [pod('alice', { role: 'client' }), true, true],
      [pod('alice', { role: 'other' }), false, true],
      [pod('default', { role: 'client' }), false, true],
      [pod('other', { role: 'client' }), false, false],
    ];
    for (const [src, viaAnd, viaOr] of cases) {
      expect(podToPod(cluster(ns, and), src, server, 80, 'TCP').allowed, `AND ${src.namespace}/${src.workload}`).toBe(viaAnd);
      expect(podToPod(cluster(ns, or), src, server, 80, 'TCP').allowed, `OR ${src.namespace}/${src.workload}`).toBe(viaOr);
    }
  });

  it('[np "Default policies"] default deny ingress, allow all ingress, default deny egress, allow all egress, deny all', () => {
    const a = pod('default', { app: 'a' }, [80]);
    const b = pod('default', { app: 'b' }, [80]);
    const run = (yaml: string) => podToPod(cluster(namespaces, policiesFrom(yaml)), a, b, 80, 'TCP').allowed;
    const head = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n';
    expect(run(`${head}  policyTypes: [Ingress]\n`)).toBe(false);
    expect(run(`${head}  ingress: [{}]\n  policyTypes: [Ingress]\n`)).toBe(true);
    expect(run(`${head}  policyTypes: [Egress]\n`)).toBe(false);
    expect(run(`${head}  egress: [{}]\n  policyTypes: [Egress]\n`)).toBe(true);
    expect(run(`${head}  policyTypes: [Ingress, Egress]\n`)).toBe(false);
    // Allow-all ingress does not lift a deny-all egress: both sides must allow.
    expect(run(`${head}  ingress: [{}]\n  policyTypes: [Ingress, Egress]\n`)).toBe(false);
  });

  it('[np policyTypes] without policyTypes a policy isolates for Egress only when it has egress rules', () => {
    const a = pod('default', { app: 'a' }, [80]);
    const b = pod('default', { app: 'b' }, [80]);
    const onlyIngress = policiesFrom(
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {matchLabels: {app: a}}\n',
    );
    expect(onlyIngress[0]?.policyTypes).toEqual(['Ingress']);
    expect(podToPod(cluster(namespaces, onlyIngress), a, b, 80, 'TCP').allowed).toBe(true); // a's egress is not isolated
    const withEgress = policiesFrom(
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {matchLabels: {app: a}}\n  egress: [{ports: [{port: 53, protocol: UDP}]}]\n',
    );
    expect(withEgress[0]?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(podToPod(cluster(namespaces, withEgress), a, b, 80, 'TCP').allowed).toBe(false);
  });

  it('[np "Targeting a range of ports"] endPort admits port..endPort, inclusive (the 32000-32768 example)', () => {
    const k2 = cluster(
      namespaces,
      policiesFrom(
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: multi-port-egress}\nspec:\n  podSelector: {matchLabels: {role: db}}\n  policyTypes: [Egress]\n  egress:\n  - to: [{ipBlock: {cidr: 10.0.0.0/24}}]\n    ports: [{protocol: TCP, port: 32000, endPort: 32768}]\n',
      ),
    );
    const out = (port: number) => !isEmpty(egressDecision(k2, db, port, 'TCP', { kind: 'external', addresses: cidrSet(['10.0.0.1/32']) }).addresses);
    expect([31999, 32000, 32500, 32768, 32769].map(out)).toEqual([false, true, true, true, false]);
  });

  it('[np overview] a pod cannot block access to itself', () => {
    const k2 = cluster(
      namespaces,
      policiesFrom(
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n',
      ),
    );
    expect(podToPod(k2, db, db, 6379, 'TCP', true).allowed).toBe(true);
    // another replica of the same workload is another pod: the policy decides
    expect(podToPod(k2, db, db, 6379, 'TCP').allowed).toBe(false);
  });

  it('[np ipBlock caveat] a pod whose address is unknown may lie inside any ipBlock: counted as admitted (unknown is open)', () => {
    const k2 = cluster(
      namespaces,
      policiesFrom(
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: cidr}\nspec:\n  podSelector: {matchLabels: {role: db}}\n  ingress: [{from: [{ipBlock: {cidr: 192.168.0.0/16}}]}]\n',
      ),
    );
    const { ip: _known, ...unknown } = pod('default', { app: 'x' });
    expect(ingressDecision(k2, db, 6379, 'TCP', podPeer(k2, unknown)).allowed).toBe(true);
    expect(ingressDecision(k2, db, 6379, 'TCP', podPeer(k2, { ...unknown, ip: '10.0.0.1' })).allowed).toBe(false);
    // with the pod network known and outside the block, it is not
    expect(ingressDecision({ ...k2, podNetwork: cidrSet(['10.244.0.0/16']) }, db, 6379, 'TCP', podPeer(k2, unknown)).allowed).toBe(false);
  });
});
