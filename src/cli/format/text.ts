// `moat check --format text`: the matrix, then the findings (one block each,
// located, with the next step), then the verdict against --fail-on. `moat
// audit` prints the same, after what it read and which layers it was not given.
import type { Analysis } from '../../analyze/index.js';
import type { Finding, Severity } from '../../model/findings.js';
import { atLeast } from '../../model/findings.js';
import type { AuditReport } from './json.js';
import { where } from './located.js';
import { formatMatrixText, table } from './matrix-text.js';

export function formatFindingText(f: Finding): string {
  const lines = [`${where(f)}: ${f.severity}: ${f.message} [${f.code}]`];
  if (f.location) lines.push(`  at ${f.path}`);
  if (f.hint) lines.push(`  hint: ${f.hint}`);
  return lines.join('\n');
}

/** The findings, one block each, then the verdict against --fail-on. */
function findingsAndVerdict(findings: readonly Finding[], failOn: Severity): string[] {
  const out: string[] = [];
  const failing = findings.filter((f) => atLeast(f.severity, failOn));
  if (findings.length === 0) {
    out.push('No findings.');
  } else {
    out.push(`Findings (${findings.length}):`, '');
    for (const f of findings) out.push(formatFindingText(f), '');
  }
  out.push(
    failing.length === 0 ? `OK: nothing at or above ${failOn}.` : `FAIL: ${failing.length} finding${failing.length === 1 ? '' : 's'} at or above ${failOn}.`,
  );
  return out;
}

export function formatCheckText(analysis: Analysis, failOn: Severity, subject: string): string {
  const out = [`moat check: ${subject}`, '', ...formatMatrixText(analysis.matrix), '', ...findingsAndVerdict(analysis.findings, failOn)];
  return `${out.join('\n')}\n`;
}

/** `moat audit`: what each file was read as, the layers not given, then the matrix and the findings as check prints them. */
export function formatAuditText(report: AuditReport, failOn: Severity): string {
  const out = [`moat audit: ${report.subject}`, '', 'Artifacts (file, read as):'];
  out.push(
    ...table(
      ['FILE', 'KIND'],
      report.artifacts.map((a) => [a.file, a.kind === undefined ? '(not recognised)' : a.included ? `${a.kind} (included)` : a.kind]),
    ),
    '',
  );
  if (report.missing.length === 0) out.push('Every layer was given.');
  else {
    out.push('Layers not given (counted as open):');
    for (const m of report.missing) out.push(`  ${m.layer}: pass ${m.pass}`);
  }
  const { host } = report;
  const fact = (list: readonly string[], flag: string) => (list.length > 0 ? list.join(', ') : `unknown (pass ${flag})`);
  out.push(
    '',
    'Host facts (from the flags, moat.yaml or the artifacts):',
    `  admin CIDRs: ${fact(host.adminCidrs, '--admin-cidr; until then SSH from anywhere counts as the internet')}`,
    `  Tailscale addresses: ${fact(host.tailscaleAddresses, '--tailscale-address')}`,
    `  tailnet identities: ${fact(host.tailnetIdentities, '--tailnet-tag')}`,
    `  public interface: ${host.publicInterface ?? 'unknown (pass --public-interface; every interface but lo, the tailnet and the bridges counts)'}`,
    '',
    'Policy (what may be open):',
    ...report.policy.allow.map((r) => `  ${r.zone} → ${r.port}/${r.protocol}: ${r.why}`),
    ...(report.policy.platformOnly.length === 0
      ? ['  platform-only: none of the services is a kind moat knows to be unauthenticated']
      : report.policy.platformOnly.map((p) => `  platform-only: ${p.service}${p.why ? ` (${p.why})` : ''}`)),
    '',
  );
  if (report.matrix.length > 0) out.push(...formatMatrixText(report.matrix), '');
  out.push(...findingsAndVerdict(report.findings, failOn));
  return `${out.join('\n')}\n`;
}
