// What every analyzer rule sees and returns. A rule is a small pure function
// over the analysis context; the registry (index.ts) runs them all.
import type { Finding, Severity } from '../../model/findings.js';
import type { Platform, Policy } from '../../model/types.js';
import type { MatrixRow } from '../reachability.js';
import type { ExposureState } from '../state.js';

export interface RuleContext {
  readonly state: ExposureState;
  readonly matrix: readonly MatrixRow[];
  readonly policy: Policy;
  /** Present when the state comes from a Platform (rules about the model itself need it). */
  readonly platform?: Platform;
}

/** What a finding code means, for SARIF's rule list and for `--help`-style docs. */
export interface RuleDoc {
  readonly code: string;
  readonly title: string;
  readonly help: string;
  readonly severity: Severity;
}

export interface AnalysisRule {
  readonly docs: readonly RuleDoc[];
  readonly check: (context: RuleContext) => Finding[];
}
