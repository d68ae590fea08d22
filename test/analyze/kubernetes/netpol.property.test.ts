// The NetworkPolicy evaluator against the brute-force reference
// (brute-force.ts) on random small clusters: three namespaces, up to five
// pods with random labels and addresses in 10.0.0.0/29, outside addresses in
// 10.0.0.8/29, two ports over TCP and UDP (one named), and up to four random
// policies (selectors with matchLabels and every operator, peers of every
// kind, ipBlocks with except, numeric, named and ranged ports, every policyType).
// And two soundness properties: a source whose labels are open is admitted
// whenever some concrete labelling of it would be, and a policy replaced by
// allow-all (the ingester's reading of one it cannot read) denies nothing the
// real one allowed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrSet } from '../../../src/analyze/cidr-set.js';
import { egressDecision, ingressDecision, podToPod } from '../../../src/analyze/kubernetes/netpol.js';
import type {
  KubeNamespace,
  KubePod,
  LabelSelector,
  NetworkPolicy,
  PolicyPeer,
  PolicyPort,
  PolicyRule,
  SelectorRequirement,
} from '../../../src/analyze/kubernetes/types.js';
import { bruteForce, type Universe } from './brute-force.js';

const at = { file: 'p', line: 1 };
const NAMESPACES = ['n0', 'n1', 'n2'];
const KEYS = ['app', 'tier'];
const VALUES = ['a', 'b'];
const PORTS = [80, 81];
const OUTSIDE = ['10.0.0.8', '10.0.0.13'];

const labelsArb = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 });

const requirementArb: fc.Arbitrary<SelectorRequirement> = fc
  .record({
    key: fc.constantFrom(...KEYS, 'kubernetes.io/metadata.name'),
    operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'),
    values: fc.subarray([...VALUES, ...NAMESPACES], { minLength: 1, maxLength: 2 }),
  })
  .map((r) => (r.operator === 'Exists' || r.operator === 'DoesNotExist' ? { ...r, values: [] } : r));

const selectorArb: fc.Arbitrary<LabelSelector> = fc
  .record({
    matchLabels: fc.option(labelsArb, { nil: undefined }),
    matchExpressions: fc.option(fc.array(requirementArb, { maxLength: 2 }), { nil: undefined }),
  })
  .map((s) => ({ ...(s.matchLabels ? { matchLabels: s.matchLabels } : {}), ...(s.matchExpressions ? { matchExpressions: s.matchExpressions } : {}) }));

const nsSelectorArb: fc.Arbitrary<LabelSelector> = fc.oneof(
  selectorArb,
  fc.constantFrom(...NAMESPACES).map((n) => ({ matchLabels: { 'kubernetes.io/metadata.name': n } })),
  fc.record({ matchLabels: fc.dictionary(fc.constant('team'), fc.constantFrom('red', 'blue'), { maxKeys: 1 }) }),
);

const cidrArb = fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 28, max: 32 })).map(([i, len]) => {
  const size = 2 ** (32 - len);
  return `10.0.0.${Math.floor(i / size) * size}/${len}`;
});

const peerArb: fc.Arbitrary<PolicyPeer> = fc.oneof(
  selectorArb.map((podSelector) => ({ podSelector })),
  nsSelectorArb.map((namespaceSelector) => ({ namespaceSelector })),
  fc.tuple(selectorArb, nsSelectorArb).map(([podSelector, namespaceSelector]) => ({ podSelector, namespaceSelector })),
  fc
    .tuple(fc.constantFrom('10.0.0.0/28', '10.0.0.0/29', '10.0.0.8/29'), fc.array(cidrArb, { maxLength: 2 }))
    .map(([cidr, except]) => ({ ipBlock: { cidr, except } })),
);

const portArb: fc.Arbitrary<PolicyPort> = fc.oneof(
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP') }),
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP'), port: fc.constantFrom(80, 81) }),
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP'), port: fc.constant(80), endPort: fc.constantFrom(80, 81) }),
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP'), port: fc.constantFrom('web', 'other') }),
);

const ruleArb: fc.Arbitrary<PolicyRule> = fc
  .record({
    peers: fc.option(fc.array(peerArb, { maxLength: 2 }), { nil: undefined }),
    ports: fc.option(fc.array(portArb, { maxLength: 2 }), { nil: undefined }),
  })
  .map((r) => ({ ...(r.peers ? { peers: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}), origin: at }));

const policyArb: fc.Arbitrary<NetworkPolicy> = fc
  .record({
    namespace: fc.constantFrom(...NAMESPACES),
    podSelector: selectorArb,
    policyTypes: fc.constantFrom(['Ingress'] as const, ['Egress'] as const, ['Ingress', 'Egress'] as const),
    ingress: fc.array(ruleArb, { maxLength: 2 }),
    egress: fc.array(ruleArb, { maxLength: 2 }),
  })
  .map((p) => ({ ...p, policyTypes: [...p.policyTypes], name: 'p', origin: at }));

const podArb = (i: number): fc.Arbitrary<KubePod> =>
  fc.record({ namespace: fc.constantFrom(...NAMESPACES), labels: labelsArb, webOn: fc.constantFrom(80, 81) }).map(({ namespace, labels, webOn }) => ({
    namespace,
    workload: `Pod/p${i}`,
    service: `p${i}`,
    labels,
    // port `web` is 80 on some pods and 81 on others: a named port resolves per destination pod
    ports: PORTS.flatMap((port) =>
      (['TCP', 'UDP'] as const).map((protocol) => ({
        port,
        protocol,
        container: 'c',
        origin: at,
        ...(port === webOn && protocol === 'TCP' ? { name: 'web' } : {}),
      })),
    ),
    hostNetwork: false,
    images: [],
    ip: `10.0.0.${i}`,
    origin: at,
  }));

const universeArb: fc.Arbitrary<{ u: Universe; policies: NetworkPolicy[] }> = fc
  .record({
    pods: fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => podArb(i)))),
    nsLabels: fc.tuple(...NAMESPACES.map(() => fc.dictionary(fc.constant('team'), fc.constantFrom('red', 'blue'), { maxKeys: 1 }))),
    policies: fc.array(policyArb, { maxLength: 4 }),
  })
  .map(({ pods, nsLabels, policies }) => {
    const namespaces: KubeNamespace[] = NAMESPACES.map((name, i) => ({ name, labels: nsLabels[i] ?? {}, origin: at }));
    return { u: { namespaces, pods, outside: OUTSIDE, ports: PORTS }, policies };
  });

describe('NetworkPolicy evaluator against a brute force (property)', () => {
  it('pod to pod, outside to pod and pod to outside agree with the expanded rule sets', () => {
    fc.assert(
      fc.property(universeArb, ({ u, policies }) => {
        const brute = bruteForce(u, policies);
        const cluster = { namespaces: u.namespaces, policies };
        for (const [j, dst] of u.pods.entries()) {
          for (const port of PORTS) {
            for (const protocol of ['TCP', 'UDP'] as const) {
              for (const [i, src] of u.pods.entries()) {
                if (i === j) continue;
                expect(podToPod(cluster, src, dst, port, protocol).allowed, `pod:${i} → pod:${j} ${port}/${protocol}`).toBe(
                  brute.allowed.has(`pod:${i}|pod:${j}|${port}|${protocol}`),
                );
              }
              for (const a of OUTSIDE) {
                const inAllowed = ingressDecision(cluster, dst, port, protocol, { kind: 'external', addresses: cidrSet([a]) }).allowed;
                expect(inAllowed, `ip:${a} → pod:${j} ${port}/${protocol}`).toBe(brute.allowed.has(`ip:${a}|pod:${j}|${port}|${protocol}`));
                const outAllowed = egressDecision(cluster, dst, port, protocol, { kind: 'external', addresses: cidrSet([a]) }).allowed;
                expect(outAllowed, `pod:${j} → ip:${a} ${port}/${protocol}`).toBe(brute.egressOut.has(`pod:${j}|ip:${a}|${port}|${protocol}`));
              }
            }
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a source with open labels is admitted whenever some concrete labelling of it is (unknown is open)', () => {
    fc.assert(
      fc.property(universeArb, labelsArb, fc.constantFrom(...NAMESPACES), ({ u, policies }, labels, namespace) => {
        const cluster = { namespaces: u.namespaces, policies };
        const nsLabels = { ...(u.namespaces.find((n) => n.name === namespace)?.labels ?? {}), 'kubernetes.io/metadata.name': namespace };
        for (const dst of u.pods) {
          for (const port of PORTS) {
            const concrete = ingressDecision(cluster, dst, port, 'TCP', {
              kind: 'pod',
              namespace,
              pod: { labels },
              namespaceLabels: { labels: nsLabels },
              ip: '10.0.0.7',
            }).allowed;
            const open = ingressDecision(cluster, dst, port, 'TCP', {
              kind: 'pod',
              namespace,
              pod: { labels: {}, open: true },
              namespaceLabels: { labels: { 'kubernetes.io/metadata.name': namespace }, open: true },
            }).allowed;
            if (concrete) expect(open).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a policy read as allow-all (what the ingester makes of one it cannot read) never denies what the real one allowed', () => {
    fc.assert(
      fc.property(universeArb, fc.nat(), ({ u, policies }, pick) => {
        if (policies.length === 0) return;
        const i = pick % policies.length;
        const real = policies[i] as NetworkPolicy;
        const all: PolicyRule = { origin: at };
        const unread = policies.map((p, j) =>
          j === i ? { ...real, podSelector: {}, policyTypes: ['Ingress', 'Egress'] as ('Ingress' | 'Egress')[], ingress: [all], egress: [all] } : p,
        );
        for (const src of u.pods) {
          for (const dst of u.pods) {
            if (src === dst) continue;
            for (const port of PORTS) {
              if (podToPod({ namespaces: u.namespaces, policies }, src, dst, port, 'TCP').allowed)
                expect(podToPod({ namespaces: u.namespaces, policies: unread }, src, dst, port, 'TCP').allowed).toBe(true);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
