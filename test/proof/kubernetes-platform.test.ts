// The built-in platform on Kubernetes, proved from the manifests the real
// renderer writes (src/render/kubernetes) and compared with the one-host
// proof (proveBundle) zone by zone: the open cells of the zones the two
// share (internet, tailnet, platform; host sockets such as sshd and
// tailscaled exist only on one host). On the tailnet and the internet the
// two must be equal; inside, Kubernetes is stricter by design (one
// NetworkPolicy per model edge instead of one flat Docker network), and the
// difference must be exactly that.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MatrixRow } from '../../src/analyze/index.js';
import { proveBundle } from '../../src/proof/bundle.js';
import { platformDependents } from '../../src/proof/kubernetes.js';
import { checkKubernetes } from '../../src/proof/kubernetes-check.js';
import { clusterPlatform, renderKubernetes } from '../../src/render/kubernetes/index.js';
import { goldenPlatform } from '../support/golden.js';
import { runMoat } from '../support/run-moat.js';

// The one-host side without the console: the cluster leaves it out (render/kubernetes/index.ts, its own test).
const platform = clusterPlatform(goldenPlatform(''));
const kube = checkKubernetes(goldenPlatform(''));
const host = proveBundle(platform);

const cell = (r: MatrixRow) =>
  `${r.service} ${r.port}/${r.protocol} ${r.via === 'gateway' ? `route ${r.route?.path ?? ''}` : r.via === 'container' ? 'pod' : 'door'}`;
/** One host's container cells are pods on Kubernetes; its publications and Kubernetes' Services are doors. */
const openCells = (matrix: readonly MatrixRow[], zone: string) =>
  [...new Set(matrix.filter((r) => r.zone === zone && r.verdict === 'open' && r.via !== 'host').map(cell))].sort();

describe('the built-in platform on Kubernetes, against one host', () => {
  it('the tailnet reaches the same: the gateway origins, and through them the same routes', () => {
    expect(openCells(kube.matrix, 'tailnet')).toEqual(openCells(host.matrix, 'tailnet'));
    expect(openCells(kube.matrix, 'tailnet')).toEqual(expect.arrayContaining(['nginx 8443/tcp door', 'n8n 5678/tcp route /n8n/', 'dify-nginx 80/tcp route /']));
  });

  it('the internet reaches the same (nothing but host sockets on one host, nothing at all on Kubernetes)', () => {
    expect(openCells(host.matrix, 'internet')).toEqual([]);
    expect(openCells(kube.matrix, 'internet')).toEqual(openCells(host.matrix, 'internet'));
    // A LoadBalancer Service gets node ports on every node unless allocateLoadBalancerNodePorts is false, also with
    // loadBalancerClass tailscale; the proof counts them as open to the internet (layer.test.ts), so none may be left.
    expect(kube.state.services.filter((s) => s.nodePorts).map((s) => s.name)).toEqual([]);
  });

  it('inside, Kubernetes opens only the model edges: what one host opens beyond them is what nothing depends on, and only the isolated sandbox differs the other way', () => {
    const k = openCells(kube.matrix, 'platform');
    const h = openCells(host.matrix, 'platform');
    const dependents = platformDependents(platform);
    const onlyHost = [...new Set(h.filter((c) => !k.includes(c)).map((c) => c.split(' ')[0] ?? c))].sort();
    // one host's Docker network lets every container reach every other; no model edge leads to these
    // (the Signal API has one since the bot's channel: clawdbot depends on it)
    expect(onlyHost).toEqual(['gdrive', 'nginx']);
    for (const s of onlyHost) expect(dependents.get(s) ?? [], s).toEqual([]);
    // one host keeps the sandbox on an internal network of its own (not the platform zone); on Kubernetes its edge from dify-api is a pod cell
    const onlyKube = k.filter((c) => !h.includes(c));
    expect(onlyKube).toEqual(['dify-sandbox 8194/tcp pod']);
    expect(platform.services.find((s) => s.name === 'dify-sandbox')?.isolated).toBe(true);
    // and every pod cell open on Kubernetes is opened for the model's dependents only
    for (const r of kube.matrix.filter((x) => x.zone === 'platform' && x.verdict === 'open')) {
      const from = (r.source ?? '').split(', ').map((w) => w.replace(/^[A-Za-z]+\//, ''));
      expect(
        from.every((f) => (dependents.get(r.service ?? '') ?? []).includes(f)),
        `${cell(r)} from ${r.source}`,
      ).toBe(true);
    }
  });

  it("no Service but the tailnet gateway's is reachable from outside the cluster", () => {
    const outside = kube.matrix.filter((r) => (r.zone === 'internet' || r.zone === 'tailnet') && r.verdict === 'open' && r.via !== 'gateway');
    expect(outside.length).toBeGreaterThan(0);
    const tailnetService = `${platform.gateway.service} ${platform.kubernetes.namespace}/${platform.gateway.service}-tailnet`;
    expect([...new Set(outside.map((r) => `${r.service} ${r.address}`))]).toEqual([tailnetService]);
    expect(kube.state.services.filter((s) => s.type !== 'ClusterIP').map((s) => s.name)).toEqual([`${platform.gateway.service}-tailnet`]);
  });

  it('every namespace has a default deny, and nothing unauthenticated is reachable beyond its dependents', () => {
    const codes = kube.findings.map((f) => f.code);
    expect(codes).not.toContain('exposure.kubernetes.no-default-deny');
    expect(codes).not.toContain('exposure.kubernetes.unauthenticated-reachable');
    expect(codes).not.toContain('exposure.kubernetes.host-network');
    expect(kube.problems.filter((p) => p.severity === 'high' || p.severity === 'critical')).toEqual([]);
  });

  it('moat check --target kubernetes prints the same matrix as JSON and exits by --fail-on', async () => {
    const r = await runMoat('check', '--target', 'kubernetes', '--format', 'json');
    const json = JSON.parse(r.out) as { matrix: MatrixRow[]; findings: { code: string; severity: string }[] };
    expect(json.matrix).toEqual(kube.matrix);
    expect(r.code).toBe(json.findings.some((f) => f.severity === 'high' || f.severity === 'critical') ? 1 : 0);
    const text = await runMoat('check', '--target', 'kubernetes');
    expect(text.out).toContain('on Kubernetes');
    expect(text.out).toContain('Through the gateway');
  });

  it('moat audit of the rendered manifests, written to disk, gives the same matrix cell for cell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moat-k8s-audit-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    for (const f of renderKubernetes(platform, {}).files) {
      mkdirSync(join(dir, dirname(f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    const r = await runMoat('audit', join(dir, 'kubernetes'), '--format', 'json');
    const json = JSON.parse(r.out) as { matrix: MatrixRow[]; artifacts: { kind?: string }[] };
    expect(json.artifacts.every((a) => a.kind === 'kubernetes')).toBe(true);
    const strip = (rows: readonly MatrixRow[]) => rows.map(({ cause: _c, at: _a, ...rest }) => rest);
    expect(strip(json.matrix)).toEqual(strip(kube.matrix));
  });
});
