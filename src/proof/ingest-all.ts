// Artifacts → ingest results: each artifact's kind (given, or detected by
// content), then its ingester; the kinds whose files combine (several compose
// files are one project; sshd's drop-ins add up) are ingested together.

import { ingestComposeProject } from '../ingest/compose.js';
import { detectArtifact, ingesterFor } from '../ingest/detect.js';
import { ingestSshdConfigs } from '../ingest/sshd-config.js';
import type { Artifact, ArtifactKind, IngestContext, IngestResult } from '../ingest/types.js';
import type { Finding } from '../model/findings.js';

export interface IngestedArtifacts {
  readonly results: readonly IngestResult[];
  /** Each artifact and the kind it was read as (undefined: no ingester claimed it). */
  readonly kinds: readonly { readonly file: string; readonly kind?: ArtifactKind }[];
  readonly problems: readonly Finding[];
}

export function ingestAll(
  artifacts: readonly Artifact[],
  context: IngestContext = {},
  known: ReadonlyMap<string, ArtifactKind> = new Map(),
): IngestedArtifacts {
  const problems: Finding[] = [];
  const kinds: { file: string; kind?: ArtifactKind }[] = [];
  const byKind = new Map<ArtifactKind, Artifact[]>();
  for (const artifact of artifacts) {
    let kind = known.get(artifact.file);
    if (kind === undefined) {
      const detection = detectArtifact(artifact);
      problems.push(...detection.problems);
      kind = detection.kind;
    }
    kinds.push(kind === undefined ? { file: artifact.file } : { file: artifact.file, kind });
    if (kind !== undefined) byKind.set(kind, [...(byKind.get(kind) ?? []), artifact]);
  }
  const results: IngestResult[] = [];
  for (const [kind, group] of byKind) {
    if (kind === 'compose') results.push(ingestComposeProject(group, context));
    else if (kind === 'sshd-config') results.push(ingestSshdConfigs(group, context));
    else {
      const ingester = ingesterFor(kind);
      if (!ingester) continue;
      for (const artifact of group) results.push(ingester.ingest(artifact, context));
    }
  }
  for (const r of results) problems.push(...r.problems);
  return { results, kinds, problems };
}
