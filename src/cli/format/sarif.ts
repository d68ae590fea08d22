// `moat check --format sarif`: SARIF 2.1.0 (OASIS), one run, one rule per
// finding code, one result per finding. A finding located in the user's file
// gets a physical location (file, line, column); every finding also gets a
// logical location, its key path into the model, since findings about the
// built-in platform have no file to point at.
// The rules come from the finding registry: every code of the areas a check
// can report (config, render, ingest, analyze), plus any other code a result
// brings. All of them rather than only those with results, so that a code has
// the same ruleIndex in every log (logs diff cleanly), a clean run still lists
// what was checked, and a viewer can show any rule's help (`moat explain CODE`
// prints the same text).
// Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
// (3.49 reportingDescriptor: shortDescription, fullDescription, help).
import type { Analysis } from '../../analyze/index.js';
import { FINDING_REGISTRY, type FindingArea, type FindingCode, findingDoc } from '../../codes/index.js';
import type { Finding, Severity } from '../../model/findings.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type Level = 'error' | 'warning' | 'note';

const LEVEL: { readonly [S in Severity]: Level } = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** GitHub code scanning reads this (0.1-10) to rank security results. */
const SECURITY_SEVERITY: { readonly [S in Severity]: string } = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

/** The areas whose codes `moat check` can report: its rule list. */
export const SARIF_RULE_AREAS: readonly FindingArea[] = ['config', 'render', 'ingest', 'analyze'];

function ruleFor(code: FindingCode) {
  const doc = findingDoc(code);
  return {
    id: code,
    name: code.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
    shortDescription: { text: doc.title },
    fullDescription: { text: doc.help },
    help: { text: `${doc.help} (moat explain ${code})` },
    defaultConfiguration: { level: LEVEL[doc.severity] },
    properties: { 'security-severity': SECURITY_SEVERITY[doc.severity], tags: ['security', doc.area] },
  };
}

function resultFor(f: Finding, ruleIndex: number) {
  const logical = { fullyQualifiedName: f.path, kind: 'member' };
  const location = f.location
    ? {
        physicalLocation: { artifactLocation: { uri: f.location.file }, region: { startLine: f.location.line, startColumn: f.location.column } },
        logicalLocations: [logical],
      }
    : { logicalLocations: [logical] };
  return {
    ruleId: f.code,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: `${f.message}. Hint: ${f.hint}` },
    locations: [location],
    properties: { severity: f.severity, path: f.path, hint: f.hint },
  };
}

export function formatCheckSarif(analysis: Analysis): string {
  return sarifLog(analysis.findings);
}

/** `moat audit --format sarif`: the same log; ingest problems are results too, located in the artifact they are about. */
export function formatAuditSarif(report: { readonly findings: readonly Finding[] }): string {
  return sarifLog(report.findings);
}

function sarifLog(findings: readonly Finding[]): string {
  // Registry order, then any code of another area a result brings (stable order).
  const known = FINDING_REGISTRY.filter((e) => SARIF_RULE_AREAS.includes(e.area)).map((e): FindingCode => e.code);
  const codes = [...new Set([...known, ...findings.map((f) => f.code)])];
  const rules = codes.map(ruleFor);
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'moat', rules } },
        results: findings.map((f) => resultFor(f, codes.indexOf(f.code))),
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
