// The check path on Kubernetes with a renderer passed in: what the model adds
// to the proof (who depends on whom, the policy) and how the render's
// warnings and unreadable manifests become findings. The rendered built-in
// platform is checked in kubernetes-platform.test.ts, with the real renderer.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { proveKubernetes, platformDependents } from '../../src/proof/kubernetes.js';
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
    const proof = proveKubernetes(platform, () => ({ files: [{ path: 'kubernetes/all.yaml', content: SEALED }, { path: 'compose.yaml', content: 'services: {}\n' }], warnings: [] }));
    expect(proof.findings).toEqual([]);
    expect(proof.state.pods.map((p) => p.service)).toEqual(['nginx', 'n8n', 'litellm', 'ollama']);
    expect(proof.matrix.filter((r) => r.verdict === 'open' && r.zone === 'tailnet').map((r) => r.service)).toEqual(['nginx']);
  });

  it("reports a backend a non-dependent reaches, with the model's dependents", () => {
    // anythingllm depends on ollama in the model: admitting it is no finding; n8n does not.
    const open = SEALED.replace('{podSelector: {matchLabels: {app.kubernetes.io/name: litellm}}}], ports: [{port: 11434}]}]', '{podSelector: {}}], ports: [{port: 11434}]}]') + '---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: out, namespace: moat}\nspec: {podSelector: {}, policyTypes: [Egress], egress: [{}]}\n';
    const proof = proveKubernetes(platform, () => ({ files: [{ path: 'kubernetes/all.yaml', content: open }], warnings: [] }));
    const f = proof.findings.filter((x) => x.code === 'exposure.kubernetes.unauthenticated-reachable');
    expect(f.map((x) => x.message)).toEqual([expect.stringMatching(/^ollama .*moat\/Deployment\/nginx, moat\/Deployment\/n8n can connect/)]);
  });

  it("makes the render's warnings and a manifest it cannot read back findings", () => {
    const warning = { code: 'render.compose.broad-capability' as const, severity: 'medium' as const, path: 'x', message: 'm', hint: 'h' };
    const proof = proveKubernetes(platform, () => ({ files: [{ path: 'kubernetes/bad.yaml', content: 'apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n' }], warnings: [warning] }));
    expect([...new Set(proof.findings.map((f) => f.code))]).toEqual(['ingest.yaml.syntax', 'render.compose.broad-capability']);
    expect(proof.findings[0]?.location?.file).toBe('kubernetes/bad.yaml');
  });
});
