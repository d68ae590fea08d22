// How findings that stop a command (exit 2) are shown: one block per problem,
// located, with the next step. No stack traces.
import type { Finding } from '../model/findings.js';

export function formatFindingForHumans(finding: Finding): string {
  const where = finding.location ? `${finding.location.file}:${finding.location.line}:${finding.location.column}` : finding.path;
  const lines = [`${where}: ${finding.severity}: ${finding.message} [${finding.code}]`];
  if (finding.location) lines.push(`  at ${finding.path}`);
  if (finding.hint) lines.push(`  hint: ${finding.hint}`);
  return lines.join('\n');
}

export function printFindingsForHumans(findings: readonly Finding[]): void {
  const noun = findings.length === 1 ? 'problem' : 'problems';
  process.stderr.write(`moat: ${findings.length} ${noun} in the input:\n\n${findings.map(formatFindingForHumans).join('\n\n')}\n`);
}
