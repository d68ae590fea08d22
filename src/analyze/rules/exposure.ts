// Exposure rules: a zone reaches what the policy does not allow, and an admin
// CIDR so wide that "SSH from the admin only" means "SSH from everyone".
import type { Finding, Severity } from '../../model/findings.js';
import { cidrSet, coversWorld } from '../cidr-set.js';
import { judge } from '../policy.js';
import type { MatrixRow } from '../reachability.js';
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

export const unexpectedOpen: AnalysisRule = {
  docs: [
    {
      code: 'exposure.unexpected-open',
      title: 'A zone reaches something the policy does not allow',
      help: 'Every layer on the path (security group, host firewall, publishing, sockets, tailnet policy, gateway) lets this zone through to a port the policy does not list.',
      severity: 'high',
    },
  ],
  check({ matrix, policy }) {
    // One finding per cause: the v4 and v6 cells of one binding, or several zones, are one mistake.
    const byCause = new Map<string, { rows: MatrixRow[]; why: string }>();
    for (const row of matrix) {
      const verdict = judge(policy, row);
      if (verdict.ok) continue;
      const key = row.cause ?? `${row.zone}:${row.address}:${row.port}/${row.protocol}`;
      const entry = byCause.get(key) ?? { rows: [], why: verdict.why };
      entry.rows.push(row);
      byCause.set(key, entry);
    }
    return [...byCause.entries()].map(([path, { rows, why }]): Finding => {
      const first = rows[0] as MatrixRow;
      const platformOnly = rows.some((r) => r.service !== undefined && policy.platformOnly.includes(r.service));
      const severity = rows.some((r) => severityOf(r, platformOnly) === 'critical') ? 'critical' : 'high';
      const zones = [...new Set(rows.map((r) => r.zone))].join(', ');
      const targets = [...new Set(rows.map(target))].join('; ');
      return {
        code: 'exposure.unexpected-open',
        severity,
        path,
        message: `${zones} reaches ${targets} (${first.reason}; decided by ${first.decidedBy}): ${why}`,
        hint: hintOf(first),
      };
    });
  },
};

export const adminCidrWorld: AnalysisRule = {
  docs: [
    {
      code: 'exposure.admin-cidr-world',
      title: 'The admin CIDR covers the whole internet',
      help: 'SSH is meant for the admin address only; an admin CIDR that covers every address (0.0.0.0/0, ::/0, or pieces adding up to it) opens SSH to everyone.',
      severity: 'critical',
    },
  ],
  check({ state }) {
    const admin = cidrSet(state.host.adminCidrs);
    const families = ([4, 6] as const).filter((f) => coversWorld(admin, f));
    if (families.length === 0) return [];
    return [
      {
        code: 'exposure.admin-cidr-world',
        severity: 'critical',
        path: state.host.adminOrigin,
        message: `the admin CIDR (${state.host.adminCidrs.join(', ')}) covers every IPv${families.join(' and IPv')} address: SSH is open to the whole internet`,
        hint: 'set host.adminCidr to your own public address as a /32 (or /128)',
      },
    ];
  },
};
