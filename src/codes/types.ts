// The shape every finding code's documentation has, wherever it is declared
// (next to the code that emits it, or in this folder for modules that had
// none). Kept free of the registry itself so that modules declaring docs never
// depend on it: the registry is built from them, not the other way round.
import type { Severity } from '../model/findings.js';

/** Where a code comes from: which stage of moat emits it. */
export type FindingArea = 'config' | 'render' | 'analyze' | 'ingest' | 'probe' | 'deploy' | 'cli';

export const FINDING_AREAS: readonly FindingArea[] = ['config', 'render', 'analyze', 'ingest', 'probe', 'deploy', 'cli'];

/** What one code means: declared with `as const satisfies readonly CodeDoc[]` so the code stays a literal. */
export interface CodeDoc {
  readonly code: string;
  /** One line: what happened. */
  readonly title: string;
  /** One paragraph: what it means, why it matters, what to do. */
  readonly help: string;
  /** The severity the code is usually emitted with (a finding may carry another). */
  readonly severity: Severity;
  /** Set when no code in src/ emits it yet: why it is kept. */
  readonly reserved?: string;
}

export interface RegistryEntry extends CodeDoc {
  readonly area: FindingArea;
}

/** Tags one module's docs with their area, keeping every code literal. */
export function inArea<const A extends FindingArea, const D extends readonly CodeDoc[]>(
  area: A,
  docs: D,
): { readonly [K in keyof D]: D[K] & { readonly area: A } } {
  return docs.map((d) => ({ ...d, area })) as { readonly [K in keyof D]: D[K] & { readonly area: A } };
}
