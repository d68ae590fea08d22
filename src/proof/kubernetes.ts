// The proof on Kubernetes. `moat check --target kubernetes` renders the
// manifests (the Kubernetes renderer, passed in), reads them back with the
// Kubernetes ingester and analyzes what they say; `moat audit` does the same
// on manifests moat did not write (a `helm template` output, say). As on one
// host, the proof reads artifacts, not the model: the model supplies only the
// policy, who depends on whom (the edges a NetworkPolicy should allow), and
// where the Tailscale operator runs.
import type { Analysis } from '../analyze/index.js';
import { sortFindings } from '../analyze/index.js';
import { analyzeKubernetes, type KubeAnalysisOptions } from '../analyze/kubernetes/index.js';
import type { KubeState } from '../analyze/kubernetes/types.js';
import { mergeKubernetes } from '../ingest/kubernetes.js';
import type { Artifact, IngestResult } from '../ingest/types.js';
import type { Finding } from '../model/findings.js';
import type { Platform, Policy } from '../model/types.js';
import { clusterPlatform } from '../render/kubernetes/index.js';
import type { RenderOptions, RenderResult } from '../render/types.js';
import { platformOnlyWhy } from './audit-policy.js';
import { ingestAll } from './ingest-all.js';
import { withGateways } from './kubernetes-gateways.js';

export interface KubeProof extends Analysis {
  readonly state: KubeState;
  /** What the ingester could not read. */
  readonly problems: readonly Finding[];
}

/** Where the renderer puts the manifests (kubernetes/*.yaml); kustomization.yaml is read too and says nothing. */
export const KUBERNETES_DIR = 'kubernetes/';

/** service → the services that may connect to it: its dependents (dependsOn), the gateway for each route, an internal proxy for each of its routes. */
export function platformDependents(platform: Platform): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  const add = (to: string, from: string) => out.set(to, (out.get(to) ?? new Set()).add(from));
  for (const s of platform.services) for (const d of s.dependsOn) add(d, s.name);
  for (const r of platform.gateway.routes) add(r.service, platform.gateway.service);
  for (const p of platform.internalProxies) for (const r of p.routes) add(r.service, p.service);
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}

function prove(artifacts: readonly Artifact[], policy: Policy, options: KubeAnalysisOptions): KubeProof {
  const known = new Map(artifacts.map((a) => [a.file, 'kubernetes' as const]));
  const ingested = ingestAll(artifacts, {}, known);
  const { state, problems } = withGateways(mergeKubernetes(ingested.results));
  const analysis = analyzeKubernetes(state, policy, options);
  return { ...analysis, state, problems: [...ingested.problems, ...problems] };
}

export type KubernetesRenderer = (platform: Platform, options: RenderOptions) => RenderResult;

/** `moat check --target kubernetes`: render, read back, analyze; the render's warnings and what could not be read back are findings. */
export function proveKubernetes(platform: Platform, render: KubernetesRenderer, tailscaleNamespace?: string): KubeProof {
  const rendered = render(platform, {});
  const artifacts = rendered.files.filter((f) => f.path.startsWith(KUBERNETES_DIR) && /\.ya?ml$/.test(f.path)).map((f) => ({ file: f.path, text: f.content }));
  const proof = prove(artifacts, platform.policy, {
    dependents: platformDependents(clusterPlatform(platform)),
    ...(tailscaleNamespace ? { tailscaleNamespace } : {}),
  });
  const unread = proof.problems.filter((p) => p.severity === 'high' || p.severity === 'critical');
  return { ...proof, findings: sortFindings([...rendered.warnings, ...unread, ...proof.findings]) };
}

/** The audit policy on Kubernetes: the one given, with every service whose image is known to be open added to the platform-only list. */
export function kubernetesAuditPolicy(state: KubeState, policy: Policy): Policy {
  const open = state.pods.filter((p) => p.images.some((i) => platformOnlyWhy(i) !== undefined)).map((p) => p.service);
  return { ...policy, platformOnly: [...new Set([...policy.platformOnly, ...open])].sort() };
}

/** `moat audit`: the Kubernetes part of what was ingested, if any manifests were given. */
export function auditKubernetes(
  results: readonly IngestResult[],
  policy: Policy,
  options: KubeAnalysisOptions = {},
): (Analysis & { readonly state: KubeState; readonly policy: Policy }) | undefined {
  if (!results.some((r) => r.kind === 'kubernetes')) return undefined;
  const { state, problems } = withGateways(mergeKubernetes(results));
  const withImages = kubernetesAuditPolicy(state, policy);
  const analysis = analyzeKubernetes(state, withImages, options);
  return { ...analysis, findings: sortFindings([...problems, ...analysis.findings]), state, policy: withImages };
}

/**
 * `moat audit` with manifests among its artifacts: the Kubernetes rows and
 * findings join the host's. Given manifests only, the host's layers are not
 * missing (there is no host to speak of): the report is the cluster's alone.
 */
export function withKubernetes<L>(
  host: Analysis,
  missing: readonly L[],
  results: readonly IngestResult[],
  policy: Policy,
): { matrix: Analysis['matrix']; findings: readonly Finding[]; missing: readonly L[]; policy: Policy } {
  const kube = auditKubernetes(results, policy);
  if (!kube) return { matrix: host.matrix, findings: host.findings, missing, policy };
  const hostGiven = results.some((r) => r.kind !== 'kubernetes');
  if (!hostGiven) return { matrix: kube.matrix, findings: kube.findings, missing: [], policy: kube.policy };
  return { matrix: [...host.matrix, ...kube.matrix], findings: sortFindings([...host.findings, ...kube.findings]), missing, policy: kube.policy };
}
