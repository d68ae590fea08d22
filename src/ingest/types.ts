// What every ingester shares: an artifact in (its text and the name the user
// knows it by), a fragment of the exposure state out, with a file:line origin
// on every fact, and the problems it met (located findings, never a throw for
// bad input). The fragments of several artifacts are merged by merge.ts; a
// layer no artifact spoke for stays unknown (`present: false`).

import type { KubeState } from '../analyze/kubernetes/types.js';
import type { Binding, CloudRule, FirewallChain, GatewayServer, HostFacts, Listener, Origin, ServiceFacts, TailnetGrant } from '../analyze/state.js';
import type { Finding } from '../model/findings.js';

export const ARTIFACT_KINDS = [
  'compose',
  'docker-inspect',
  'ss',
  'nginx',
  'nftables-json',
  'iptables-save',
  'aws-security-groups',
  'cloudformation',
  'terraform',
  'tailscale-policy',
  'sshd-config',
  'tailscaled-defaults',
  'kubernetes',
] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

export interface Artifact {
  /** How reports name the file: as the user gave it, or relative to the bundle. */
  readonly file: string;
  readonly text: string;
}

export interface IngestContext {
  /**
   * Reads another file an artifact refers to (nginx `include`, a second compose
   * file), relative to the artifact's directory; undefined when it cannot be
   * read. Ingesters never touch the file system themselves.
   */
  readonly readFile?: (path: string, from: Artifact) => Artifact | undefined;
  /** The files a glob pattern (nginx `include conf.d/*.conf`) names, as readFile takes them; undefined: cannot list. */
  readonly glob?: (pattern: string, from: Artifact) => readonly string[] | undefined;
}

/** The part of the state one artifact states. Lists are concatenated when fragments merge. */
export interface StateFragment {
  readonly host?: Partial<HostFacts>;
  readonly cloud?: { readonly ingress: readonly CloudRule[]; readonly groups: readonly { readonly name: string; readonly origin: Origin }[] };
  readonly firewall?: { readonly chains: readonly FirewallChain[] };
  readonly publishing?: readonly Binding[];
  readonly sockets?: readonly Listener[];
  readonly services?: readonly ServiceFacts[];
  readonly tailnet?: {
    readonly grants: readonly TailnetGrant[];
    readonly tagOwners: Readonly<Record<string, readonly string[]>>;
    readonly groups: Readonly<Record<string, readonly string[]>>;
    readonly origin: Origin;
  };
  readonly gateway?: { readonly service?: string; readonly servers: readonly GatewayServer[] };
  /** Kubernetes manifests: judged by the Kubernetes layer (src/analyze/kubernetes), not merged into the host's layers. */
  readonly kubernetes?: KubeState;
}

export interface IngestResult {
  readonly kind: ArtifactKind;
  readonly fragment: StateFragment;
  /** Unusable or unreadable parts, each located (`location.file`, `location.line`). */
  readonly problems: readonly Finding[];
}

export interface Ingester {
  readonly kind: ArtifactKind;
  /** Whether the text is this kind of artifact, judged by content (not by file name). */
  readonly detect: (artifact: Artifact) => boolean;
  readonly ingest: (artifact: Artifact, context: IngestContext) => IngestResult;
}

/** A finding about an artifact, located at a line (column 1 when the format gives none). */
export function artifactProblem(code: Finding['code'], severity: Finding['severity'], at: Origin, message: string, hint: string): Finding {
  return { code, severity, path: `${at.file}:${at.line}`, location: { file: at.file, line: at.line, column: 1 }, message, hint };
}
