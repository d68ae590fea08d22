// Which kind of artifact a file is, judged by its content (never its name):
// every registered ingester's `detect` is asked. A file that two ingesters
// claim is a located problem, not a guess: reading it as the wrong kind could
// prove a layer sealed that is not. A file no ingester claims says nothing.
import type { Finding } from '../model/findings.js';
import { INGESTERS } from './registry.js';
import { type Artifact, type ArtifactKind, artifactProblem, type Ingester } from './types.js';

export const DETECT_FINDING_DOCS = [
  {
    code: 'ingest.ambiguous-format',
    title: 'A file could be read as more than one kind of artifact',
    help: 'Two or more ingesters recognise the file. moat does not guess which it is, so the file is not read and the layers it would describe stay unknown. Pass a file that is plainly one kind (the unedited output of the tool that made it), or report the file so the detection can be sharpened.',
    severity: 'medium',
  },
  {
    code: 'ingest.unknown-format',
    title: 'A file is not an artifact moat reads',
    help: 'No ingester recognises the file (compose, docker inspect, ss, sshd_config, nginx -T, nft -j, iptables-save, security groups, CloudFormation, Terraform, Tailscale policy, Kubernetes manifests). It is skipped; if it describes a layer of the deployment, that layer stays unknown.',
    severity: 'info',
  },
] as const;

export interface Detection {
  readonly kind?: ArtifactKind;
  readonly problems: readonly Finding[];
}

function claims(ingester: Ingester, artifact: Artifact): boolean {
  try {
    return ingester.detect(artifact);
  } catch {
    return false; // a detector that throws on hostile text does not claim it
  }
}

/** The kind of an artifact and, when it is none or several, a located problem saying so. */
export function detectArtifact(artifact: Artifact, ingesters: readonly Ingester[] = INGESTERS): Detection {
  const kinds = [...new Set(ingesters.filter((i) => claims(i, artifact)).map((i) => i.kind))];
  const at = { file: artifact.file, line: 1 };
  if (kinds.length === 1) return { kind: kinds[0] as ArtifactKind, problems: [] };
  if (kinds.length === 0) {
    return {
      problems: [
        artifactProblem(
          'ingest.unknown-format',
          'info',
          at,
          `${artifact.file} is not a kind of artifact moat reads; skipped`,
          'pass compose files, `docker inspect`, `ss -tulpn`, sshd_config, `nginx -T`, `nft -j list ruleset`, iptables-save, security groups, CloudFormation, Terraform, a Tailscale policy or Kubernetes manifests',
        ),
      ],
    };
  }
  return {
    problems: [
      artifactProblem(
        'ingest.ambiguous-format',
        'medium',
        at,
        `${artifact.file} reads as more than one kind of artifact (${kinds.join(', ')}); moat does not guess, so it is not read`,
        'pass the unedited output of the tool that made it, one kind per file',
      ),
    ],
  };
}

/** The kind of an artifact, or undefined when no ingester, or more than one, claims it. */
export function detectKind(artifact: Artifact, ingesters: readonly Ingester[] = INGESTERS): ArtifactKind | undefined {
  return detectArtifact(artifact, ingesters).kind;
}

/** The ingester for a kind. */
export function ingesterFor(kind: ArtifactKind, ingesters: readonly Ingester[] = INGESTERS): Ingester | undefined {
  return ingesters.find((i) => i.kind === kind);
}
