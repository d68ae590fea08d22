// Findings are data: every problem moat reports, from config errors to
// exposure violations, is one of these. Renderings (text, JSON, SARIF) and
// exit codes are decided elsewhere.

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export interface Finding {
  /** Stable identifier, e.g. `config.unknown-service`, `exposure.backend-published`. */
  readonly code: string;
  readonly severity: Severity;
  /** Key path into the input (`services.dify-db.publish[0]`), or a file location. */
  readonly path: string;
  /** `file:line:column` when the finding comes from a file the user wrote. */
  readonly location?: { readonly file: string; readonly line: number; readonly column: number };
  readonly message: string;
  /** The next step. */
  readonly hint: string;
}

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(threshold);
}

/** Exit codes shared by every command (design.md). */
export const ExitCode = {
  ok: 0,
  findings: 1,
  badInput: 2,
  missingEnvironment: 3,
} as const;

/** An error that carries findings for the user, not a bug in moat. */
export class UserInputError extends Error {
  constructor(readonly findings: readonly Finding[]) {
    super(findings.map((f) => f.message).join('; '));
  }
}

/** The machine lacks something moat needs (exit 3): say what to install. */
export class MissingEnvironmentError extends Error {
  constructor(
    message: string,
    readonly install: string,
  ) {
    super(message);
  }
}
