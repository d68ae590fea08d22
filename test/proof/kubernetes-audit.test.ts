// `moat audit` of Kubernetes manifests end to end through main(): a helm
// template output and a List (test/ingest/kubernetes-corpus), alone and beside
// a host's compose file, in every format.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runMoat } from '../support/run-moat.js';

const corpus = fileURLToPath(new URL('../ingest/kubernetes-corpus/', import.meta.url));
const sealed = fileURLToPath(new URL('../analyze/kubernetes/fixtures/sealed.yaml', import.meta.url));
const compose = fileURLToPath(new URL('../cli/audit-fixtures/exposed/compose.yaml', import.meta.url));

interface AuditJson {
  findings: { code: string; severity: string; path: string; location: { file: string; line: number } | null }[];
  matrix: { zone: string; service?: string; port: number; verdict: string; via: string }[];
  missing: { layer: string }[];
  artifacts: { file: string; kind?: string }[];
  policy: { platformOnly: { service: string }[] };
}

const audit = async (...args: string[]) => {
  const r = await runMoat('audit', ...args, '--format', 'json');
  return { code: r.code, report: JSON.parse(r.out) as AuditJson };
};

describe('moat audit of Kubernetes manifests', () => {
  it('reads a helm template output and a List: Ollama exposed by a LoadBalancer is critical, located in the template', async () => {
    const { code, report } = await audit(corpus);
    expect(code).toBe(1);
    expect(report.artifacts.map((a) => a.kind)).toEqual(['kubernetes', 'kubernetes']);
    // Only manifests: no host layer is missing, there is no host.
    expect(report.missing).toEqual([]);
    // Platform-only by image (ollama/ollama, redis), not by name.
    expect(report.policy.platformOnly.map((p) => p.service)).toEqual(['ollama', 'redis']);
    const ollama = report.findings.find((f) => f.code === 'exposure.unexpected-open' && f.severity === 'critical');
    expect(ollama?.location).toEqual(expect.objectContaining({ file: `${corpus}helm-template.yaml`, line: 114 }));
    expect(ollama?.path).toContain('ai-stack/charts/ollama/templates/deployment.yaml');
    expect(new Set(report.findings.map((f) => f.code))).toEqual(
      new Set([
        'exposure.unexpected-open',
        'exposure.kubernetes.no-default-deny',
        'exposure.kubernetes.host-network',
        'exposure.kubernetes.unauthenticated-reachable',
      ]),
    );
    expect(report.matrix.filter((r) => r.zone === 'internet' && r.verdict === 'open').map((r) => `${r.service}:${r.port}`)).toEqual([
      'debug:9000',
      'debug:9000',
      'ollama:11434',
      'ollama:30000',
      'webui:30000',
      'debug:30900',
      'webui:443',
    ]);
  });

  it('a sealed platform passes with the reference policy: exit 0, the tailnet reaches only the gateway on 8443', async () => {
    const { code, report } = await audit(sealed);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.matrix.filter((r) => r.verdict === 'open' && r.zone !== 'platform').map((r) => `${r.zone} ${r.service}:${r.port}`)).toEqual([
      'tailnet nginx:8443',
    ]);
  });

  it('beside a compose file, both are judged and the host layers the artifacts do not give are named', async () => {
    const { code, report } = await audit(compose, sealed);
    expect(code).toBe(1);
    expect(report.artifacts.map((a) => a.kind).sort()).toEqual(['compose', 'kubernetes']);
    expect(report.missing.map((m) => m.layer)).toContain('firewall');
    expect(report.matrix.some((r) => r.service === 'nginx' && r.zone === 'tailnet' && r.verdict === 'open')).toBe(true);
    expect(report.findings.some((f) => f.code === 'exposure.unexpected-open' && f.location?.file === compose)).toBe(true);
  });

  it('prints text and SARIF too', async () => {
    const text = await runMoat('audit', corpus);
    expect(text.out).toContain('exposure.kubernetes.no-default-deny');
    expect(text.out).toContain('ai/ai-ollama:11434/tcp');
    const sarif = JSON.parse((await runMoat('audit', corpus, '--format', 'sarif')).out) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]?.results.map((r) => r.ruleId)).toContain('exposure.kubernetes.unauthenticated-reachable');
  });
});
