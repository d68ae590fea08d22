// `moat audit`: the proof of a deployment moat did not make. The same
// ingesters and analyzer as `moat check`; what the artifacts do not say is
// unknown, counts as open, and is named in the report.

import type { Analysis } from '../analyze/index.js';
import { analyzeState } from '../analyze/index.js';
import type { ExposureState, Layer } from '../analyze/state.js';
import type { HostHints } from '../ingest/merge.js';
import { mergeFragments } from '../ingest/merge.js';
import type { Artifact, ArtifactKind } from '../ingest/types.js';
import type { Finding } from '../model/findings.js';
import type { Policy } from '../model/types.js';
import { ingestAll } from './ingest-all.js';

export interface AuditProof extends Analysis {
  readonly state: ExposureState;
  readonly missing: readonly Layer[];
  readonly problems: readonly Finding[];
  readonly kinds: readonly { readonly file: string; readonly kind?: ArtifactKind }[];
}

export function proveArtifacts(
  artifacts: readonly Artifact[],
  policy: Policy,
  hints: HostHints,
  readFile?: (path: string, from: Artifact) => Artifact | undefined,
): AuditProof {
  const ingested = ingestAll(artifacts, readFile ? { readFile } : {});
  const { state, missing } = mergeFragments(ingested.results, hints);
  const analysis = analyzeState(state, policy);
  return { ...analysis, state, missing, problems: ingested.problems, kinds: ingested.kinds };
}
