// The probe report for people; `--format json` prints the ProbeReport as is.
import type { ProbeReport } from './index.js';

export function formatProbeReport(report: ProbeReport): string {
  const lines: string[] = [];
  const exp = report.expected.map((e) => `${e.port}/${e.protocol}`).join(', ') || 'nothing';
  lines.push(`moat probe ${report.target} as ${report.vantage}: swept ${report.sweptPorts} TCP ports in ${(report.tcp.durationMs / 1000).toFixed(1)} s`);
  lines.push(`  expected open: ${exp}`);
  lines.push(
    `  observed open: ${report.tcp.open.map((p) => `${p}/tcp`).join(', ') || 'no TCP port'} (${report.tcp.filtered} filtered, ${report.tcp.closed} closed${report.tcp.unreachable > 0 ? `, ${report.tcp.unreachable} unreachable` : ''})`,
  );
  for (const u of report.udp) lines.push(`  ${u.port}/udp: ${u.state} (${u.reason})`);
  if (report.tls) {
    const c = report.tls.certificate;
    lines.push(
      `  TLS: accepts ${report.tls.accepted.join(', ') || 'nothing'}${c ? `; certificate ${c.names.join(', ')} valid until ${c.validTo} (${c.daysLeft} days)` : ''}`,
    );
  }
  for (const r of report.routes) {
    const parts = [r.error ?? `${r.status}`];
    if (r.firstByteMs !== undefined) parts.push(`first byte ${r.firstByteMs} ms`);
    if (r.websocket) parts.push(r.websocket.upgraded ? 'WebSocket ok' : `WebSocket refused (${r.websocket.status})`);
    if (r.stream) parts.push(`${r.stream.events} events, first after ${r.stream.firstEventMs ?? '-'} ms`);
    lines.push(`  ${r.path} → ${r.service}: ${parts.join(', ')}`);
  }
  lines.push('');
  if (report.findings.length === 0) {
    lines.push('Observed exactly what the static proof expects from this vantage point.');
  } else {
    lines.push(`${report.findings.length} difference${report.findings.length === 1 ? '' : 's'} from the static proof:`);
    for (const f of report.findings) lines.push(`  ${f.severity}: ${f.path}: ${f.message} [${f.code}]`, `    hint: ${f.hint}`);
  }
  return `${lines.join('\n')}\n`;
}
