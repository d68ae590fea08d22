// Exposure rules: a zone reaches what the policy does not allow, and an admin
// CIDR so wide that "SSH from the admin only" means "SSH from everyone".

import { parseCidr } from 'cidr-tools';
import type { Finding, Severity } from '../../model/findings.js';
import type { Policy } from '../../model/types.js';
import { cidrSet, coversWorld } from '../cidr-set.js';
import { judge, platformOnlyHas } from '../policy.js';
import type { MatrixRow } from '../reachability.js';
import { formatOrigin } from '../state.js';
import { at } from './located.js';
import type { AnalysisRule } from './types.js';

function target(row: MatrixRow): string {
  const port = row.portEnd !== undefined ? `${row.port}-${row.portEnd}` : String(row.port);
  const address = row.address.includes(':') && !row.address.startsWith('[') ? `[${row.address}]` : row.address;
  return `${row.service ?? '?'} on ${address}:${port}/${row.protocol}`;
}

function severityOf(row: MatrixRow, platformOnly: boolean): Severity {
  return row.zone === 'internet' && platformOnly ? 'critical' : 'high';
}

function hintOf(row: MatrixRow): string {
  switch (row.via) {
    case 'publish':
      return 'remove this publication (backends stay on the platform network and are reached through the gateway), or add a policy.allow rule if it is intended';
    case 'gateway':
      return 'remove this route: the service has no authentication of its own or must stay on the platform network';
    case 'host':
    case 'container':
      return `close ${row.port}/${row.protocol} in the layer that lets it through (${row.decidedBy}), or add a policy.allow rule if it is intended`;
  }
}

export const unexpectedOpen = {
  docs: [
    {
      code: 'exposure.unexpected-open',
      title: 'A zone reaches something the policy does not allow',
      help: 'Every layer on the path (security group, host firewall, publishing, sockets, tailnet policy, gateway) lets this zone through to a port the policy does not list.',
      severity: 'high',
    },
    {
      code: 'exposure.unauthenticated-allowed',
      title: 'A policy rule opens a service that has no authentication of its own',
      help: 'The service is platform-only (Ollama, the databases, the Signal API, rclone rc...): anyone who reaches it controls it. A policy rule allows the path, so it is reported as allowed by that rule, never silently.',
      severity: 'high',
    },
    {
      code: 'exposure.unverified-open',
      title: 'Ports open to a zone if anything listens there',
      help: 'No socket listing was given (ss -tulpn, or the bundle), so what listens on the host is unknown: these ports pass every known layer and are open to anything that listens on them.',
      severity: 'medium',
    },
  ] as const,
  check: ({ matrix, policy }) => openCellFindings(matrix, policy),
} satisfies AnalysisRule;

/** How many addresses a CIDR list holds (merged, so overlaps count once). */
function addressCount(list: readonly string[]): bigint {
  let n = 0n;
  for (const cidr of list) {
    const p = parseCidr(cidr);
    n += p.end - p.start + 1n;
  }
  return n;
}

// Past these sizes an "admin" source is a large part of the internet, not an
// admin: more than a /8 of IPv4 (16.7 million addresses) or a /32 of IPv6 (a
// whole provider allocation; 2000::/3 is every routable address). Wider than
// a /24 or a /48 is merely wide: an office, a provider pool.
const INTERNET_LIKE = { 4: 1n << 24n, 6: 1n << 96n } as const;
const WIDE = { 4: 1n << 8n, 6: 1n << 80n } as const;

export const adminCidrWorld = {
  docs: [
    {
      code: 'exposure.admin-cidr-world',
      title: 'The admin CIDR covers the whole internet, or a large part of it',
      help: 'SSH is meant for the admin address only; an admin CIDR that covers every address (0.0.0.0/0, ::/0, pieces adding up to it) or most of a family (more than a /8 of IPv4, a /32 of IPv6, 2000::/3) opens SSH to the internet. Judged by what the set covers, not by how it is spelled.',
      severity: 'critical',
    },
    {
      code: 'exposure.admin-cidr-wide',
      title: 'The admin CIDR is wider than one site',
      help: 'More than 256 IPv4 addresses (a /24) or a /48 of IPv6: everyone in that range may try SSH.',
      severity: 'medium',
    },
  ] as const,
  check({ state }): Finding[] {
    const admin = cidrSet(state.host.adminCidrs);
    const findings: Finding[] = [];
    const where = at(state.host.adminOrigin, 'host.adminCidr');
    for (const f of [4, 6] as const) {
      const list = f === 4 ? admin.v4 : admin.v6;
      if (list.length === 0) continue;
      const count = addressCount(list);
      if (coversWorld(admin, f) || count > INTERNET_LIKE[f]) {
        findings.push({
          code: 'exposure.admin-cidr-world',
          severity: 'critical',
          ...where,
          message: `the admin CIDR (${list.join(', ')}) covers ${coversWorld(admin, f) ? 'every' : `${count} of the`} IPv${f} address${coversWorld(admin, f) ? '' : 'es'}: SSH is open to the internet`,
          hint: 'set host.adminCidr to your own public address as a /32 (or /128)',
        });
      } else if (count > WIDE[f]) {
        findings.push({
          code: 'exposure.admin-cidr-wide',
          severity: 'medium',
          ...where,
          message: `the admin CIDR (${list.join(', ')}) holds ${count} IPv${f} addresses: every one of them may try SSH`,
          hint: 'narrow host.adminCidr to the addresses you administer from (a /32 or /128 each)',
        });
      }
    }
    return findings;
  },
} satisfies AnalysisRule;

/** The open cells the policy does not allow, one finding per cause: the rule above, and the Kubernetes layer's matrix (which has no host state). */
export function openCellFindings(matrix: readonly MatrixRow[], policy: Policy): Finding[] {
  // One finding per cause: the v4 and v6 cells of one binding, or several zones, are one mistake.
  const byCause = new Map<string, { rows: MatrixRow[]; why: string; code: Finding['code'] }>();
  for (const row of matrix) {
    const verdict = judge(policy, row);
    if (verdict.ok) continue;
    const code =
      row.assumed === true
        ? 'exposure.unverified-open'
        : verdict.kind === 'unauthenticated-allowed'
          ? 'exposure.unauthenticated-allowed'
          : 'exposure.unexpected-open';
    // A publication is the mistake itself; for a host socket, the rule that lets the zone in is.
    const cause = row.via === 'host' ? (row.cause ?? row.at) : (row.at ?? row.cause);
    const key =
      row.assumed === true
        ? `${code}:${row.zone}:${row.protocol}`
        : `${code}:${cause ? formatOrigin(cause) : `${row.zone}:${row.address}:${row.port}/${row.protocol}`}`;
    const entry = byCause.get(key) ?? { rows: [], why: verdict.why, code };
    entry.rows.push(row);
    byCause.set(key, entry);
  }
  return [...byCause.values()].map(({ rows, why, code }): Finding => {
    const first = rows[0] as MatrixRow;
    const platformOnly = rows.some((r) => platformOnlyHas(policy, r.service));
    const severity: Severity =
      code === 'exposure.unverified-open' ? 'medium' : rows.some((r) => severityOf(r, platformOnly) === 'critical') ? 'critical' : 'high';
    const zones = [...new Set(rows.map((r) => r.zone))].join(', ');
    const targets = [...new Set(rows.map(target))];
    const shown = targets.length > 6 ? `${targets.slice(0, 6).join('; ')}; … (${targets.length} targets)` : targets.join('; ');
    return {
      code,
      severity,
      ...at(first.via === 'host' ? (first.cause ?? first.at) : (first.at ?? first.cause), `${first.zone}:${first.address}:${first.port}/${first.protocol}`),
      message: `${zones} reaches ${shown} (${first.reason}; decided by ${first.decidedBy}): ${why}`,
      hint:
        code === 'exposure.unverified-open'
          ? "give `moat audit` the host's socket listing (`ss -tulpnH`) and firewall, or close these ports in a layer you control"
          : hintOf(first),
    };
  });
}
