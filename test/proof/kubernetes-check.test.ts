// The check path on Kubernetes with a renderer passed in: what the model adds
// to the proof (who depends on whom, the policy) and how the render's
// warnings and unreadable manifests become findings. The rendered built-in
// platform is checked in kubernetes-platform.test.ts, with the real renderer.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { platformDependents, proveKubernetes } from '../../src/proof/kubernetes.js';
import { goldenPlatform } from '../support/golden.js';

const SEALED = readFileSync(new URL('../analyze/kubernetes/fixtures/sealed.yaml', import.meta.url), 'utf8');
const platform = goldenPlatform('');

describe('proveKubernetes with a renderer passed in', () => {
  it('takes who may connect to whom from dependsOn, the gateway routes and the internal proxies', () => {
    const d = platformDependents(platform);
    expect(d.get('ollama')).toEqual(['anythingllm', 'litellm']);
    expect(d.get('n8n')).toEqual(['nginx']);
    expect(d.get('dify-api')).toEqual(expect.arrayContaining(['dify-nginx']));
    expect(d.get('dify-sandbox')).toEqual(['dify-api']);
  });

  it('reads only kubernetes/*.yaml of the render and analyzes it with the platform policy', () => {
    const proof = proveKubernetes(platform, () => ({
      files: [
        { path: 'kubernetes/all.yaml', content: SEALED },
        { path: 'compose.yaml', content: 'services: {}\n' },
      ],
      warnings: [],
    }));
    expect(proof.findings).toEqual([]);
    expect(proof.state.pods.map((p) => p.service)).toEqual(['nginx', 'n8n', 'litellm', 'ollama']);
    expect(proof.matrix.filter((r) => r.verdict === 'open' && r.zone === 'tailnet').map((r) => r.service)).toEqual(['nginx']);
  });

  it("reports a backend a non-dependent reaches, with the model's dependents", () => {
    // anythingllm depends on ollama in the model: admitting it is no finding; n8n does not.
    const open =
      SEALED.replace(
        '{podSelector: {matchLabels: {app.kubernetes.io/name: litellm}}}], ports: [{port: 11434}]}]',
        '{podSelector: {}}], ports: [{port: 11434}]}]',
      ) +
      '---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: out, namespace: moat}\nspec: {podSelector: {}, policyTypes: [Egress], egress: [{}]}\n';
    const proof = proveKubernetes(platform, () => ({ files: [{ path: 'kubernetes/all.yaml', content: open }], warnings: [] }));
    const f = proof.findings.filter((x) => x.code === 'exposure.kubernetes.unauthenticated-reachable');
    expect(f.map((x) => x.message)).toEqual([expect.stringMatching(/^ollama .*moat\/Deployment\/nginx, moat\/Deployment\/n8n can connect/)]);
  });

  it("makes the render's warnings and a manifest it cannot read back findings", () => {
    const warning = { code: 'render.compose.broad-capability' as const, severity: 'medium' as const, path: 'x', message: 'm', hint: 'h' };
    const proof = proveKubernetes(platform, () => ({
      files: [{ path: 'kubernetes/bad.yaml', content: 'apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n' }],
      warnings: [warning],
    }));
    expect([...new Set(proof.findings.map((f) => f.code))]).toEqual(['ingest.yaml.syntax', 'render.compose.broad-capability']);
    expect(proof.findings[0]?.location?.file).toBe('kubernetes/bad.yaml');
  });
});

describe('the gateway behind a Kubernetes door', () => {
  const conf = (upstream: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: gateway-conf, namespace: moat}
data:
  nginx.conf: |
    events {}
    http {
      server {
        listen 8443 ssl;
        server_name ai.example.ts.net;
        location /n8n/ { proxy_pass http://${upstream}; }
      }
    }
`;
  const withConf = (upstream: string, extra = '') =>
    `${SEALED.replace('        ports: [{name: tcp-8443, containerPort: 8443}]\n', '        ports: [{name: tcp-8443, containerPort: 8443}]\n      volumes: [{name: conf, configMap: {name: gateway-conf}}]\n')}---\n${conf(upstream)}${extra}---\napiVersion: v1\nkind: Service\nmetadata: {name: n8n, namespace: moat}\nspec:\n  selector: {app.kubernetes.io/name: n8n}\n  ports: [{port: 5678}]\n`;
  const prove = (text: string) => proveKubernetes(platform, () => ({ files: [{ path: 'kubernetes/all.yaml', content: text }], warnings: [] }));
  const routes = (text: string) =>
    prove(text)
      .matrix.filter((r) => r.via === 'gateway')
      .map((r) => [r.zone, r.service, r.port, r.verdict, r.decidedBy, r.route?.path, r.cause?.line]);

  it('follows a route to the Service its upstream names, open when the policies let the gateway through, at the line of the location', () => {
    const text = withConf('n8n.moat.svc.cluster.local:5678');
    const line = text.split('\n').findIndex((l) => l.includes('location /n8n/')) + 1;
    expect(routes(text)).toEqual([['tailnet', 'n8n', 5678, 'open', 'gateway', '/n8n/', line]]);
  });

  it('a route the NetworkPolicy does not allow is blocked, decided by it', () => {
    const text = withConf('n8n:5678').replace(
      'egress: [{to: [{podSelector: {matchLabels: {app.kubernetes.io/name: n8n}}}], ports: [{port: 5678}]}]',
      'egress: [{to: [{podSelector: {matchLabels: {app.kubernetes.io/name: n8n}}}], ports: [{port: 5679}]}]',
    );
    expect(routes(text).map((r) => r.slice(0, 5))).toEqual([['tailnet', 'n8n', 5678, 'blocked', 'firewall']]);
  });

  it('an upstream the manifests do not resolve stays open and unknown', () => {
    expect(routes(withConf('example.org:443')).map((r) => r.slice(0, 5))).toEqual([['tailnet', 'example.org', 443, 'open', 'gateway']]);
  });
});
