// A finding's place, from where the analyzer read the fact: `file:line`, and
// a location other tools (SARIF, editors) can jump to.
import type { Finding } from '../../model/findings.js';
import type { Origin } from '../state.js';
import { formatOrigin } from '../state.js';

export function at(origin: Origin | undefined, fallback: string): Pick<Finding, 'path' | 'location'> {
  if (!origin) return { path: fallback };
  return { path: origin.key ?? formatOrigin(origin), location: { file: origin.file, line: origin.line, column: 1 } };
}
