// The analyzer's API: a static proof of what each zone can reach, and the
// findings of the policy and consistency rules. It reads no files and no
// network: the state comes from ingested artifacts (src/ingest), whether moat
// rendered them (`moat check`) or not (`moat audit`).
import type { Finding } from '../model/findings.js';
import { SEVERITIES } from '../model/findings.js';
import { byText } from '../model/order.js';
import type { Platform, Policy, Protocol, ZoneName } from '../model/types.js';
import type { MatrixRow } from './reachability.js';
import { computeMatrix } from './reachability.js';
import { runRules } from './rules/index.js';
import type { ExposureState } from './state.js';

export interface Analysis {
  readonly matrix: readonly MatrixRow[];
  readonly findings: readonly Finding[];
}

/** Most severe first, then by path: a stable order for every rendering. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) || byText(a.path, b.path) || byText(a.code, b.code));
}

/** `platform`: the model the state was rendered from, for the rules about the model itself (moat check). */
export function analyzeState(state: ExposureState, policy: Policy, platform?: Platform): Analysis {
  const matrix = computeMatrix(state);
  const findings = runRules({ state, matrix, policy, ...(platform ? { platform } : {}) });
  return { matrix, findings: sortFindings(findings) };
}

export interface ExpectedPort {
  readonly port: number;
  readonly protocol: Protocol;
}

/**
 * The host-facing ports a probe from this zone should find open: host sockets
 * and published ports (not container addresses, not what lies behind the
 * gateway, not ports merely assumed open). Ranges are expanded; each port once, sorted.
 */
export function expectedOpen(analysis: Analysis, zone: ZoneName): ExpectedPort[] {
  const seen = new Map<string, ExpectedPort>();
  for (const row of analysis.matrix) {
    if (row.zone !== zone || row.verdict !== 'open' || row.assumed === true || (row.via !== 'host' && row.via !== 'publish')) continue;
    for (let port = row.port; port <= (row.portEnd ?? row.port); port += 1) seen.set(`${row.protocol}/${port}`, { port, protocol: row.protocol });
  }
  return [...seen.values()].sort((a, b) => byText(a.protocol, b.protocol) || a.port - b.port);
}

export type { MatrixRow } from './reachability.js';
export { ruleDocs } from './rules/index.js';
export type { ExposureState, Layer } from './state.js';
