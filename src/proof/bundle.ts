// `moat check`: the proof of moat's own bundle. Render, read the rendered
// files back with the same ingesters `moat audit` uses, analyze. The analyzer
// never sees the model's restatement of a layer, only what the artifacts say;
// the model supplies the host facts (its interfaces and addresses), the
// policy, and the rules about the model itself (routes, secrets, addresses).
// A finding at a line of a rendered file is traced back to the model path
// that line renders (the renderers' source maps), so the CLI can show where
// the user wrote the cause in moat.yaml.
import type { Analysis } from '../analyze/index.js';
import { analyzeState, sortFindings } from '../analyze/index.js';
import type { ExposureState, Layer } from '../analyze/state.js';
import { type HostHints, mergeFragments } from '../ingest/merge.js';
import type { Artifact, ArtifactKind } from '../ingest/types.js';
import type { Finding } from '../model/findings.js';
import type { Platform } from '../model/types.js';
import { renderBundle } from '../render/registry.js';
import type { RenderedFile, RenderResult } from '../render/types.js';
import { ingestAll } from './ingest-all.js';

/** The rendered files the proof reads, and as what. (aws/main.tf states the same group as the template; a test keeps them equal.) */
export const BUNDLE_ARTIFACTS: Readonly<Record<string, ArtifactKind>> = {
  'compose.yaml': 'compose',
  'nginx/nginx.conf': 'nginx',
  'firewall/nftables.json': 'nftables-json',
  'firewall/docker-user.v4.rules': 'iptables-save',
  'firewall/docker-user.v6.rules': 'iptables-save',
  'aws/cloudformation.yaml': 'cloudformation',
  'tailscale/policy.hujson': 'tailscale-policy',
  'host/sshd-moat.conf': 'sshd-config',
  'host/tailscaled.defaults': 'tailscaled-defaults',
};

/** What the model says about the host that no rendered file states (interfaces, addresses, who the admin is). */
export function bundleHints(platform: Platform): HostHints {
  const { host } = platform;
  return {
    publicInterface: host.publicInterface,
    tailscaleInterface: host.tailscale.interface,
    tailscaleAddresses: [host.tailscale.address, ...(host.tailscale.address6 ? [host.tailscale.address6] : [])],
    platformSubnets: platform.networks.map((n) => n.subnet),
    adminCidrs: [host.adminCidr],
    tailnetIdentities: [host.tailscale.tag],
    gatewayService: platform.gateway.service,
    // The bundle's host runs sshd, tailscaled and the containers, nothing else.
    socketsComplete: true,
  };
}

export interface Proof extends Analysis {
  readonly state: ExposureState;
  /** Layers no artifact spoke for. */
  readonly missing: readonly Layer[];
  /** What the ingesters could not read (a rendered file moat cannot read back is a bug worth seeing). */
  readonly problems: readonly Finding[];
}

/** Bundle file and line → the model path the line renders. */
function traceToModel(findings: readonly Finding[], files: readonly RenderedFile[]): Finding[] {
  const byPath = new Map(files.map((f) => [f.path, f] as const));
  // Each file's map is indexed when a finding first points into it: compose.yaml computes its
  // source map only when read (a parse of the whole file), and most findings point at no file.
  const maps = new Map<string, ReadonlyMap<number, string>>();
  const lineMap = (file: string): ReadonlyMap<number, string> | undefined => {
    let byLine = maps.get(file);
    if (byLine === undefined) {
      const f = byPath.get(file);
      if (f === undefined) return undefined;
      // A line that renders several model paths (the SSH rule: the admin CIDR and the port) is traced to the first.
      const built = new Map<number, string>();
      for (const e of f.sourceMap ?? []) if (!built.has(e.line)) built.set(e.line, e.path);
      maps.set(file, (byLine = built));
    }
    return byLine;
  };
  return findings.map((f) => {
    if (!f.location) return f;
    const path = lineMap(f.location.file)?.get(f.location.line);
    return path === undefined ? f : { ...f, path };
  });
}

/**
 * `rendered`: the bundle, if the caller rendered it already. Its warnings (what a
 * target could not express, a backend published beside the gateway) are findings too.
 */
export function proveBundle(platform: Platform, rendered: RenderResult = renderBundle(platform)): Proof {
  const files = rendered.files;
  const artifacts: Artifact[] = files.filter((f) => BUNDLE_ARTIFACTS[f.path] !== undefined).map((f) => ({ file: f.path, text: f.content }));
  const ingested = ingestAll(artifacts, {}, new Map(Object.entries(BUNDLE_ARTIFACTS)));
  const { state, missing } = mergeFragments(ingested.results, bundleHints(platform));
  const analysis = analyzeState(state, platform.policy, platform);
  // The analyzer's listener.published-beside-gateway says what this render warning says, read from the artifact.
  const warnings = rendered.warnings.filter((w) => w.code !== 'render.compose.published-backend');
  // A rendered file the proof cannot read back is a layer it does not know: never silent.
  const unread = ingested.problems.filter((p) => p.severity === 'high' || p.severity === 'critical');
  const findings = sortFindings([...warnings, ...unread, ...traceToModel(analysis.findings, files)]);
  return { ...analysis, findings, state, missing, problems: ingested.problems };
}
