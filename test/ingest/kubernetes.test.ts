// The Kubernetes manifest ingester on real-world shaped input: a `helm
// template` stream (with its `# Source:` comments), `kubectl get -o yaml`
// Lists, anchors and merge keys, and hostile or broken documents: every
// problem located, nothing thrown, what cannot be read resolved towards exposure.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { KubeState } from '../../src/analyze/kubernetes/types.js';
import { detectKind } from '../../src/ingest/detect.js';
import { ingestKubernetes } from '../../src/ingest/kubernetes.js';
import { INGESTERS } from '../../src/ingest/registry.js';

const corpus = (name: string) => ({ file: `k8s/${name}`, text: readFileSync(new URL(`kubernetes-corpus/${name}`, import.meta.url), 'utf8') });
const read = (text: string, file = 'm.yaml') => {
  const r = ingestKubernetes({ file, text });
  return { state: r.fragment.kubernetes as KubeState, problems: r.problems };
};
const codes = (problems: readonly { code: string; location?: { line: number } }[]) => problems.map((p) => [p.code, p.location?.line]);

describe('kubernetes ingester: helm template output', () => {
  const artifact = corpus('helm-template.yaml');
  const { state, problems } = read(artifact.text, artifact.file);

  it('is claimed by the Kubernetes ingester only', () => {
    expect(INGESTERS.filter((i) => i.detect(artifact)).map((i) => i.kind)).toEqual(['kubernetes']);
    expect(detectKind(artifact)).toBe('kubernetes');
  });

  it('reads every workload kind as pods, with labels, namespace and named ports at their lines', () => {
    expect(problems).toEqual([]);
    expect(state.pods.map((p) => [p.workload, p.namespace, p.service])).toEqual([
      ['Deployment/ai-ollama', 'ai', 'ollama'],
      ['StatefulSet/ai-redis-master', 'ai', 'redis'],
      ['Deployment/ai-webui', 'ai', 'webui'],
      ['CronJob/ai-backup', 'ai', 'backup'],
    ]);
    const ollama = state.pods[0];
    expect(ollama?.ports).toEqual([
      {
        name: 'http',
        port: 11434,
        protocol: 'TCP',
        container: 'ollama',
        origin: {
          file: 'k8s/helm-template.yaml',
          line: 114,
          key: 'ai-stack/charts/ollama/templates/deployment.yaml: Deployment/ai/ai-ollama spec.containers[0].ports[0]',
        },
      },
    ]);
    expect(ollama?.images).toEqual(['ollama/ollama:0.32.15']);
    expect(state.pods[3]?.labels).toEqual({ app: 'backup', 'ai-redis-client': 'true' });
  });

  it('reads Services with their types, classes, selectors and named targetPorts', () => {
    expect(
      state.services.map((s) => [s.name, s.type, s.loadBalancerClass ?? '', s.nodePorts, s.ports.map((p) => `${p.port}->${String(p.targetPort)}`).join(',')]),
    ).toEqual([
      ['ai-redis-master', 'ClusterIP', '', false, '6379->redis'],
      ['ai-ollama', 'LoadBalancer', '', true, '11434->http'],
      ['ai-webui', 'LoadBalancer', 'tailscale', true, '443->8080'],
    ]);
    expect(state.services[1]?.selector).toEqual({ 'app.kubernetes.io/name': 'ollama', 'app.kubernetes.io/instance': 'ai' });
  });

  it('reads the Ingress and the NetworkPolicy (named port, matchExpressions, both types) with their lines', () => {
    expect(state.ingresses).toEqual([
      {
        namespace: 'ai',
        name: 'ai-webui',
        className: 'nginx',
        backends: [expect.objectContaining({ service: 'ai-webui', port: 443, path: '/' })],
        origin: expect.objectContaining({ line: 161 }),
      },
    ]);
    const [policy] = state.policies;
    expect(policy?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy?.egress).toEqual([{ origin: expect.objectContaining({ line: 20 }) }]);
    expect(policy?.ingress[0]?.ports).toEqual([{ protocol: 'TCP', port: 'redis' }]);
    expect(policy?.ingress[0]?.peers?.[1]).toEqual({
      podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['webui'] }] },
    });
    expect(policy?.origin).toEqual({
      file: 'k8s/helm-template.yaml',
      line: 3,
      key: 'ai-stack/charts/redis/templates/networkpolicy.yaml: NetworkPolicy/ai/ai-redis metadata.name',
    });
  });
});

describe('kubernetes ingester: Lists and namespaces', () => {
  const { state, problems } = read(corpus('list.yaml').text);

  it('reads a List, and a ServiceList inside it, item by item', () => {
    expect(problems).toEqual([]);
    expect(state.namespaces.map((n) => [n.name, n.labels])).toEqual([['tools', { team: 'ops' }]]);
    expect(state.pods.map((p) => [p.workload, p.hostNetwork, p.ports.map((c) => c.hostPort)])).toEqual([['Pod/debug', true, [9000]]]);
    expect(state.services.map((s) => [s.name, s.type, s.ports[0]?.nodePort])).toEqual([['debug', 'NodePort', 30900]]);
  });

  it('puts objects without a namespace into the default one (or the one given)', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n';
    expect(read(text).state.pods[0]?.namespace).toBe('default');
    expect((ingestKubernetes({ file: 'm', text }, { defaultNamespace: 'moat' }).fragment.kubernetes as KubeState).pods[0]?.namespace).toBe('moat');
  });
});

describe('kubernetes ingester: YAML features and hostile input', () => {
  it('expands anchors and merge keys, keeping the lines where values were written', () => {
    const { state, problems } = read(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ns}
spec:
  template:
    metadata:
      labels: &labels
        app: web
    spec:
      containers:
      - &c
        name: web
        image: nginx
        ports: [{containerPort: 80, name: http}]
      - <<: *c
        name: sidecar
  selector: {matchLabels: *labels}
`);
    expect(problems).toEqual([]);
    expect(state.pods[0]?.ports.map((p) => [p.container, p.port, p.origin.line])).toEqual([
      ['web', 80, 14],
      ['sidecar', 80, 14],
    ]);
    expect(state.pods[0]?.labels).toEqual({ app: 'web' });
  });

  it('anchors do not cross documents: an alias of another document is a located syntax problem, not a bomb', () => {
    const { state, problems } = read(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a, labels: &l {app: a}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: *l}\n',
    );
    expect(state.pods).toHaveLength(1);
    expect(codes(problems)).toEqual([['ingest.yaml.syntax', 8]]); // the line of the alias
  });

  it('refuses an alias bomb, located, without expanding it', () => {
    const bomb = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol}', 'data:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++)
      bomb.push(
        `  ${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const { problems } = read(bomb.join('\n'));
    expect(codes(problems)).toEqual([['ingest.yaml.alias-bomb', 1]]);
  });

  it('reads the documents around one that does not parse, and says where', () => {
    const { state, problems } = read(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: [b\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: c}\n',
    );
    expect(state.pods.map((p) => p.workload)).toEqual(['Pod/a', 'Pod/c']);
    expect(problems.map((p) => p.code)).toContain('ingest.yaml.syntax');
    expect(problems.every((p) => (p.location?.line ?? 0) >= 5 && (p.location?.line ?? 0) <= 8)).toBe(true);
  });

  it('reports fields of the wrong type at their line and reads the rest', () => {
    const { state, problems } = read(`apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec:
  hostNetwork: "yes"
  containers:
  - name: c
    image: x
    ports:
    - containerPort: http
    - containerPort: 8080
      protocol: ICMP
`);
    expect(codes(problems)).toEqual([
      ['ingest.kubernetes.bad-field', 10],
      ['ingest.kubernetes.bad-field', 12],
      ['ingest.kubernetes.bad-field', 5],
    ]);
    // the unreadable hostNetwork is read as true (towards exposure); the port with a bad protocol is kept as TCP
    expect(state.pods[0]?.hostNetwork).toBe(true);
    expect(state.pods[0]?.ports.map((p) => p.port)).toEqual([8080]);
  });

  it('reads a NetworkPolicy it cannot fully read as allowing what it might (never as denying)', () => {
    const policy = (spec: string) => read(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n${spec}`);
    const badSelector = policy('  podSelector: [app]\n  policyTypes: [Ingress]\n');
    expect(badSelector.state.policies[0]).toMatchObject({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] });
    expect(codes(badSelector.problems)).toEqual([['ingest.kubernetes.bad-field', 5]]);
    const badTypes = policy('  podSelector: {}\n  policyTypes: [Sideways]\n');
    expect(badTypes.state.policies[0]?.ingress).toHaveLength(1);
    const badPeer = policy('  podSelector: {}\n  ingress:\n  - from: [{ipBlock: {cidr: not-a-cidr}}]\n    ports: [{port: 80}]\n');
    expect(badPeer.state.policies[0]?.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 80 }], origin: expect.anything() }]);
    const badPort = policy('  podSelector: {}\n  ingress:\n  - from: [{podSelector: {}}]\n    ports: [{port: 80, endPort: 70}]\n');
    expect(badPort.state.policies[0]?.ingress[0]?.ports).toBeUndefined();
    const badOperator = policy('  podSelector: {}\n  ingress:\n  - from: [{podSelector: {matchExpressions: [{key: a, operator: Near}]}}]\n');
    expect(badOperator.state.policies[0]?.ingress[0]?.peers).toBeUndefined();
    for (const r of [badTypes, badPeer, badPort, badOperator]) expect(r.problems.map((p) => p.code)).toEqual(['ingest.kubernetes.bad-field']);
  });

  it('names documents that are not objects, and objects that may expose but are not modelled', () => {
    const { problems } = read('just: a map\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r}\n---\n- a\n- list\n');
    expect(codes(problems)).toEqual([
      ['ingest.kubernetes.not-an-object', 1],
      ['ingest.kubernetes.unmodelled-exposure', 3],
      ['ingest.kubernetes.not-an-object', 7],
    ]);
  });

  it('claims an unrendered chart template (so its error is reported) but not compose, CloudFormation or prose', () => {
    const template = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "x.fullname" . }}\n  {{- with .Values.labels }}\nspec: {}\n';
    expect(detectKind({ file: 't.yaml', text: template })).toBe('kubernetes');
    expect(read(template).problems.length).toBeGreaterThan(0);
    expect(INGESTERS.find((i) => i.kind === 'kubernetes')?.detect({ file: 'c.yaml', text: 'services:\n  web:\n    image: nginx\n' })).toBe(false);
    expect(INGESTERS.find((i) => i.kind === 'kubernetes')?.detect({ file: 'c.yaml', text: 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n' })).toBe(
      false,
    );
    expect(INGESTERS.find((i) => i.kind === 'kubernetes')?.detect({ file: 'r.md', text: 'The kind: of apiVersion: talk\n' })).toBe(false);
  });

  it('refuses a stream of more documents than it reads, and reads a large one', () => {
    const one = 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n';
    expect(codes(read(Array(20_001).fill('---\na: 1\n').join('')).problems)).toEqual([['ingest.kubernetes.too-large', 1]]);
    const big = read(Array(3000).fill(one).join('---\n'));
    expect(big.problems).toEqual([]);
    expect(big.state.services).toHaveLength(3000);
    expect(big.state.services[2999]?.origin.line).toBe(2999 * 5 + 1);
  });

  it('survives absurd nesting with a located problem', () => {
    const deep = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const { problems } = read(deep);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.location?.file === 'm.yaml' && (p.location.line ?? 0) >= 1)).toBe(true);
  });
});
