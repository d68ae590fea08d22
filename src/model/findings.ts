// Findings are data: every problem moat reports, from config errors to
// exposure violations, is one of these. Renderings (text, JSON, SARIF) and
// exit codes are decided elsewhere. Every code is declared, with its
// documentation, in the registry (src/codes/index.ts): `code` is checked by the
// compiler against it, so a typo is a type error, not a silent new code.
import type { FindingCode } from '../codes/index.js';

export type { FindingCode } from '../codes/index.js';

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export interface Finding {
  /** Stable identifier, e.g. `config.unknown-service`, `exposure.unexpected-open`. */
  readonly code: FindingCode;
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

/** Exit codes shared by every command (design.md); EXIT_CODE_DOCS says what each means. */
export const ExitCode = {
  ok: 0,
  findings: 1,
  badInput: 2,
  missingEnvironment: 3,
  // EX_SOFTWARE of BSD sysexits.h (FreeBSD sysexits(3)): "an internal software
  // error has been detected", the one conventional code for "a bug in me".
  internalError: 70,
} as const;

export type Outcome = keyof typeof ExitCode;

/** The one table of exit codes: `moat explain --exit-codes` prints it, the README cites it. */
export const EXIT_CODE_DOCS: readonly { readonly outcome: Outcome; readonly code: number; readonly meaning: string }[] = [
  { outcome: 'ok', code: ExitCode.ok, meaning: 'Done, and nothing at or above the failure threshold (--fail-on) was found.' },
  {
    outcome: 'findings',
    code: ExitCode.findings,
    meaning: 'The command ran and reports findings at or above the threshold (an exposure, a probe mismatch, a failed model pull).',
  },
  {
    outcome: 'badInput',
    code: ExitCode.badInput,
    meaning:
      'The input cannot be used: a config error, an unknown option or code, an unreadable path. Nothing was changed; the message says where and what to do.',
  },
  {
    outcome: 'missingEnvironment',
    code: ExitCode.missingEnvironment,
    meaning: 'The machine lacks something moat needs (a container engine, a tool, a privilege); the message names what to install.',
  },
  {
    outcome: 'internalError',
    code: ExitCode.internalError,
    meaning: 'A bug in moat (sysexits EX_SOFTWARE). Run again with --debug for the stack trace and report it.',
  },
];

/** The exit code of an outcome (the one mapping; commands name outcomes, not numbers). */
export function exitCodeFor(outcome: Outcome): number {
  return ExitCode[outcome];
}

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
