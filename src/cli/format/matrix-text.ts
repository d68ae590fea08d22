// The exposure matrix for a terminal: the open cells, zone by zone, as an
// aligned table; what lies behind the gateway; and a per-zone summary. The
// blocked cells are counted, not listed (`--format json` has them all).
import type { MatrixRow } from '../../analyze/index.js';
import type { ZoneName } from '../../model/types.js';

const ZONES: readonly ZoneName[] = ['internet', 'admin', 'tailnet', 'host', 'platform'];

function hostPort(r: MatrixRow): string {
  const address = r.address.includes(':') ? `[${r.address}]` : r.address;
  const port = r.portEnd !== undefined ? `${r.port}-${r.portEnd}` : String(r.port);
  return `${address}:${port}/${r.protocol}`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `${indent}${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

export function formatMatrixText(matrix: readonly MatrixRow[]): string[] {
  const open = matrix.filter((r) => r.verdict === 'open');
  // Host and platform reach every container on the bridge by design: counted, not listed.
  const listed = open.filter((r) => r.via !== 'gateway' && !(r.via === 'container' && (r.zone === 'host' || r.zone === 'platform')));
  const out: string[] = ['Open cells (zone → target, the layer that decided, who gets through):'];
  out.push(
    ...table(
      ['ZONE', 'TARGET', 'SERVICE', 'VIA', 'DECIDED BY', 'SOURCE'],
      listed.map((r) => [r.zone, hostPort(r), r.service ?? '', r.via, r.decidedBy, r.source ?? '']),
    ),
  );
  const routed = open.filter((r) => r.via === 'gateway');
  if (routed.length > 0) {
    out.push('', 'Through the gateway (HTTP routes to upstreams):');
    out.push(
      ...table(
        ['ZONE', 'UPSTREAM', 'SERVICE', 'ORIGIN', 'LOCATION', 'WHO'],
        routed.map((r) => [
          r.zone,
          hostPort(r),
          r.service ?? '',
          r.route ? `:${r.route.origin}` : '',
          r.route?.path ?? '',
          (r.source ?? '').replace(/ via .*$/, ''),
        ]),
      ),
    );
  }
  out.push('', 'Summary by zone:');
  out.push(
    ...table(
      ['ZONE', 'OPEN', 'BLOCKED', 'OPEN HOST PORTS', 'BLOCKED BY'],
      ZONES.map((zone) => {
        const rows = matrix.filter((r) => r.zone === zone);
        const ports = [
          ...new Set(
            rows
              .filter((r) => r.verdict === 'open' && (r.via === 'host' || r.via === 'publish'))
              .map((r) => `${r.portEnd !== undefined ? `${r.port}-${r.portEnd}` : r.port}/${r.protocol}`),
          ),
        ];
        const blocked = rows.filter((r) => r.verdict === 'blocked');
        const byLayer = new Map<string, number>();
        for (const r of blocked) byLayer.set(r.decidedBy, (byLayer.get(r.decidedBy) ?? 0) + 1);
        const layers = [...byLayer.entries()].map(([layer, n]) => `${layer} ${n}`).join(', ');
        return [zone, String(rows.length - blocked.length), String(blocked.length), ports.join(', ') || '-', layers || '-'];
      }),
    ),
  );
  return out;
}
