// `moat check --format text`: the matrix, then the findings (one block each,
// located, with the next step), then the verdict against --fail-on.
import type { Analysis } from '../../analyze/index.js';
import type { Finding, Severity } from '../../model/findings.js';
import { atLeast } from '../../model/findings.js';
import { where } from './located.js';
import { formatMatrixText } from './matrix-text.js';

export function formatFindingText(f: Finding): string {
  const lines = [`${where(f)}: ${f.severity}: ${f.message} [${f.code}]`];
  if (f.location) lines.push(`  at ${f.path}`);
  if (f.hint) lines.push(`  hint: ${f.hint}`);
  return lines.join('\n');
}

export function formatCheckText(analysis: Analysis, failOn: Severity, subject: string): string {
  const out = [`moat check: ${subject}`, '', ...formatMatrixText(analysis.matrix), ''];
  const failing = analysis.findings.filter((f) => atLeast(f.severity, failOn));
  if (analysis.findings.length === 0) {
    out.push('No findings.');
  } else {
    out.push(`Findings (${analysis.findings.length}):`, '');
    for (const f of analysis.findings) out.push(formatFindingText(f), '');
  }
  out.push(
    failing.length === 0
      ? `OK: nothing at or above ${failOn}.`
      : `FAIL: ${failing.length} finding${failing.length === 1 ? '' : 's'} at or above ${failOn}.`,
  );
  return `${out.join('\n')}\n`;
}
