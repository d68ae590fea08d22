// The Kubernetes layer of the analyzer: the matrix (zones internet, tailnet,
// platform) and its findings, on a sealed platform laid out as moat renders
// it (fixtures/sealed.yaml) and on that platform with one mistake at a time.
// Security verdicts are asserted cell by cell, never by snapshot.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MatrixRow } from '../../../src/analyze/index.js';
import { analyzeKubernetes } from '../../../src/analyze/kubernetes/index.js';
import type { Policy } from '../../../src/model/types.js';
import { stateFrom } from './support.js';

const SEALED = readFileSync(new URL('fixtures/sealed.yaml', import.meta.url), 'utf8');
const POLICY: Policy = {
  allow: [{ zone: 'tailnet', port: 8443, protocol: 'tcp', target: 'host', why: 'the gateway, tailnet only' }],
  platformOnly: ['ollama', 'litellm'],
};
const DEPENDENTS = new Map([
  ['ollama', ['litellm']],
  ['n8n', ['nginx']],
  ['litellm', ['n8n']],
]);

const run = (yaml: string, options = {}) => analyzeKubernetes(stateFrom(yaml), POLICY, { dependents: DEPENDENTS, ...options });
const open = (rows: readonly MatrixRow[], zone: string) =>
  rows.filter((r) => r.zone === zone && r.verdict === 'open').map((r) => `${r.service}:${r.port}/${r.protocol} via ${r.via} (${r.decidedBy})`);
const codes = (a: { findings: readonly { code: string }[] }) => a.findings.map((f) => f.code);
/** The sealed platform with one document's text replaced. */
const edit = (from: string, to: string) => {
  if (!SEALED.includes(from)) throw new Error(`the fixture has no ${from}`);
  return SEALED.replace(from, to);
};

describe('Kubernetes layer: the sealed platform', () => {
  const a = run(SEALED);

  it('the internet reaches nothing', () => {
    expect(open(a.matrix, 'internet')).toEqual([]);
    expect(a.matrix.filter((r) => r.zone === 'internet').every((r) => r.decidedBy === 'publishing')).toBe(true);
  });

  it('the tailnet reaches the gateway only, through the Tailscale operator, admitted by its NetworkPolicy', () => {
    expect(open(a.matrix, 'tailnet')).toEqual(['nginx:8443/tcp via publish (tailnet)']);
    const row = a.matrix.find((r) => r.zone === 'tailnet' && r.verdict === 'open');
    expect(row?.address).toBe('moat/nginx-tailnet');
    expect(row?.cause?.line).toBeGreaterThan(1);
  });

  it('inside the namespace, only the edges the policies allow are open', () => {
    const platform = a.matrix.filter((r) => r.zone === 'platform');
    expect(platform.map((r) => [r.service, r.port, r.verdict, r.source ?? ''])).toEqual([
      ['litellm', 4000, 'blocked', ''],
      ['n8n', 5678, 'open', 'Deployment/nginx'],
      ['nginx', 8443, 'blocked', ''],
      ['ollama', 11434, 'open', 'Deployment/litellm'],
    ]);
    expect(platform.find((r) => r.service === 'litellm')?.decidedBy).toBe('firewall');
  });

  it('has no findings', () => {
    expect(a.findings).toEqual([]);
  });
});

describe('Kubernetes layer: one mistake at a time', () => {
  it('a LoadBalancer keeps node ports unless told not to: the gateway is then open to the internet on 30000-32767', () => {
    const a = run(edit('  allocateLoadBalancerNodePorts: false\n', ''));
    expect(open(a.matrix, 'internet')).toEqual(['nginx:30000/tcp via publish (publishing)']);
    expect(a.matrix.find((r) => r.zone === 'internet' && r.verdict === 'open')?.portEnd).toBe(32767);
    expect(codes(a)).toEqual(['exposure.unexpected-open', 'exposure.kubernetes.exposed-beyond-policy']);
  });

  it('a backend made a LoadBalancer is open to the internet whatever its policy says (sources are rewritten), and reported', () => {
    const a = run(
      edit(
        'metadata: {name: ollama, namespace: moat}\nspec:\n  selector',
        'metadata: {name: ollama, namespace: moat}\nspec:\n  type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n  selector',
      ),
    );
    expect(open(a.matrix, 'internet')).toEqual(['ollama:11434/tcp via publish (publishing)']);
    const unexpected = a.findings.find((f) => f.code === 'exposure.unexpected-open');
    expect(unexpected?.severity).toBe('critical');
    expect(codes(a)).toContain('exposure.kubernetes.exposed-beyond-policy');
  });

  it('without the policy admitting the operator, the tailnet is blocked at the NetworkPolicy', () => {
    const a = run(edit('kubernetes.io/metadata.name: tailscale', 'kubernetes.io/metadata.name: other'));
    expect(open(a.matrix, 'tailnet')).toEqual([]);
    expect(a.matrix.find((r) => r.zone === 'tailnet' && r.via === 'publish')).toMatchObject({ verdict: 'blocked', decidedBy: 'firewall' });
  });

  it('a Tailscale proxy elsewhere than in `tailscale` is what the policy must name (the namespace is an option)', () => {
    const a = run(SEALED, { tailscaleNamespace: 'ts' });
    expect(open(a.matrix, 'tailnet')).toEqual([]);
  });

  it('without a default deny, every pod reaches every pod, and the namespace and the open backends are reported', () => {
    const a = run(
      edit('spec: {podSelector: {}, policyTypes: [Ingress, Egress]}', 'spec: {podSelector: {matchLabels: {none: none}}, policyTypes: [Ingress, Egress]}'),
    );
    // litellm is isolated by nothing now; the pods without egress policies (n8n, ollama) reach it
    expect(a.matrix.find((r) => r.zone === 'platform' && r.service === 'litellm')).toMatchObject({
      verdict: 'open',
      source: 'Deployment/n8n, StatefulSet/ollama',
    });
    expect(a.findings.filter((f) => f.code === 'exposure.kubernetes.no-default-deny').map((f) => f.severity)).toEqual(['high']);
    expect(a.findings.filter((f) => f.code === 'exposure.kubernetes.unauthenticated-reachable').map((f) => f.message.split(' has ')[0])).toEqual([
      'litellm (moat/Deployment/litellm)',
    ]);
  });

  it('an ingress-only default deny leaves egress open (medium)', () => {
    const a = run(edit('spec: {podSelector: {}, policyTypes: [Ingress, Egress]}', 'spec: {podSelector: {}, policyTypes: [Ingress]}'));
    expect(a.findings.filter((f) => f.code === 'exposure.kubernetes.no-default-deny').map((f) => [f.severity, f.message.includes('for Egress:')])).toEqual([
      ['medium', true],
    ]);
  });

  it('a pod that does not depend on a backend but is admitted to it is reported', () => {
    const a = run(
      edit(
        'ingress: [{from: [{podSelector: {matchLabels: {app.kubernetes.io/name: litellm}}}], ports: [{port: 11434}]}]',
        'ingress: [{from: [{podSelector: {matchLabels: {app.kubernetes.io/part-of: moat}}}], ports: [{port: 11434}]}]',
      ) +
        '---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n8n-out, namespace: moat}\nspec:\n  podSelector: {matchLabels: {app.kubernetes.io/name: n8n}}\n  policyTypes: [Egress]\n  egress: [{}]\n',
    );
    const f = a.findings.filter((x) => x.code === 'exposure.kubernetes.unauthenticated-reachable');
    expect(f.map((x) => x.message)).toEqual([expect.stringContaining('moat/Deployment/n8n can connect to 11434/TCP')]);
    expect(f[0]?.location?.line).toBeGreaterThan(1);
  });

  it('a peer naming every namespace lets pods of other namespaces in', () => {
    const a = run(
      edit(
        'ingress: [{from: [{podSelector: {matchLabels: {app.kubernetes.io/name: litellm}}}], ports: [{port: 11434}]}]',
        'ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 11434}]}]',
      ),
    );
    expect(a.findings.filter((x) => x.code === 'exposure.kubernetes.unauthenticated-reachable').map((x) => x.message)).toEqual([
      expect.stringContaining('any pod of another namespace'),
    ]);
  });

  it('an Ingress faces the internet (class tailscale: the tailnet; other classes as told), through the controller', () => {
    const ingress = (cls: string) =>
      `${SEALED}---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: n8n, namespace: moat}\nspec:\n  ingressClassName: ${cls}\n  rules: [{http: {paths: [{path: /n8n, pathType: Prefix, backend: {service: {name: n8n, port: {number: 5678}}}}]}}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: n8n, namespace: moat}\nspec:\n  selector: {app.kubernetes.io/name: n8n}\n  ports: [{port: 5678}]\n`;
    // n8n's policy admits the gateway only, so a controller elsewhere would be refused...
    expect(run(ingress('nginx')).matrix.find((r) => r.via === 'gateway')).toMatchObject({
      zone: 'internet',
      verdict: 'open',
      route: { path: '/n8n', origin: 5678 },
    });
    // ...unless the controller's namespace and labels are unknown: then it may be any pod (counted as open)
    expect(run(ingress('tailscale')).matrix.find((r) => r.via === 'gateway')).toMatchObject({ zone: 'tailnet' });
    expect(run(ingress('internal'), { ingressZones: { internal: 'tailnet' } }).matrix.find((r) => r.via === 'gateway')?.zone).toBe('tailnet');
  });

  it('hostNetwork and hostPort pods are on the node and reported', () => {
    const a = run(
      `${SEALED}---\napiVersion: v1\nkind: Pod\nmetadata: {name: debug, namespace: moat}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: busybox}]\n`,
    );
    expect(open(a.matrix, 'internet')).toEqual(['debug:1/tcp via host (sockets)']);
    expect(a.matrix.find((r) => r.service === 'debug')).toMatchObject({ portEnd: 65535, assumed: true });
    expect(codes(a)).toEqual(expect.arrayContaining(['exposure.kubernetes.host-network', 'exposure.unverified-open']));
  });

  it('Services that lead nowhere are reported (no selector, no pod, a targetPort no pod names)', () => {
    const a = run(
      `${SEALED}---\napiVersion: v1\nkind: Service\nmetadata: {name: manual, namespace: moat}\nspec: {ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: ghost, namespace: moat}\nspec: {selector: {app: ghost}, ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: typo, namespace: moat}\nspec: {selector: {app.kubernetes.io/name: n8n}, ports: [{port: 80, targetPort: htp}]}\n`,
    );
    expect(a.findings.filter((f) => f.code === 'exposure.kubernetes.service-unresolved').map((f) => f.message)).toEqual([
      expect.stringContaining('ghost selects no pod'),
      expect.stringContaining('manual has no selector'),
      expect.stringContaining('targets htp'),
    ]);
  });
});
