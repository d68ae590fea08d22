// PORTS.md: the port & security reference regenerated from the model, with the
// reference's tables (port-tables.ts), its network and security sections, and
// "Differences from the reference" from platform.notes. A last column marks
// rows that differ (note codes) or that moat adds.

import { byText } from '../model/order.js';
import type { Platform } from '../model/types.js';
import { type PortTable, portTables, type TableRow } from './port-tables.js';
import { generatedHeader, type Renderer } from './types.js';

export const PORTS_FILE = 'PORTS.md';

export const renderPortsDoc: Renderer = (platform) => {
  const tables = portTables(platform);
  const table = (id: PortTable['id']): string =>
    tables
      .filter((t) => t.id === id)
      .map(markdownTable)
      .join('\n');
  const sections = [
    `<!-- ${generatedHeader('').trim()} -->`,
    '# Port & Security Reference',
    'Regenerated from the platform model. The last column names the reference notes where moat differs (see "Differences from the reference") and marks rows moat adds (➕).',
    '## External Port Exposure',
    table('security-group'),
    `**Only ${externalSummary(platform)} are open to the internet.**`,
    '## Internal Port Mapping',
    table('gateway-routes'),
    table('backend'),
    '## Internal Proxies',
    table('internal-proxy'),
    proxyFlows(platform),
    '## Docker Network Configuration',
    networkSection(platform),
    table('static-ips'),
    'Every service has a static address; service discovery by hostname (e.g. `http://ollama:11434`).',
    '## Security Configuration',
    securitySection(platform),
    '## Differences from the reference',
    differences(platform),
  ];
  return { files: [{ path: PORTS_FILE, content: `${sections.filter((s) => s !== '').join('\n\n')}\n` }], warnings: [] };
};

/** `| a | b |` with pipes in cells escaped. */
export function markdownRow(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
}

export function markCell(row: TableRow): string {
  return [...(row.added ? ['➕ added'] : []), ...row.notes].join(', ');
}

function markdownTable(table: PortTable): string {
  const columns = [...table.columns, 'moat'];
  return [
    `### ${table.title}`,
    '',
    markdownRow(columns),
    markdownRow(columns.map(() => '---')),
    ...table.rows.map((row) => markdownRow([...row.cells, markCell(row)])),
  ].join('\n');
}

/** Policy rules by port, then protocol: the input's order must not show. */
function rules(platform: Platform): Platform['policy']['allow'][number][] {
  return [...platform.policy.allow].sort((a, b) => a.port - b.port || byText(a.protocol, b.protocol) || byText(a.zone, b.zone));
}

function externalSummary(platform: Platform): string {
  const open = rules(platform).filter((r) => r.target === 'host' && (r.zone === 'admin' || r.zone === 'internet'));
  return open.map((r) => `${r.port}/${r.protocol}${r.zone === 'admin' ? ' (admin IP)' : ''}`).join(' and ') || 'no ports';
}

function networkSection(platform: Platform): string {
  return platform.networks
    .map((n) =>
      [
        `### Network: ${n.name}`,
        `- **Subnet:** ${n.subnet}`,
        `- **Gateway:** ${n.gateway}`,
        `- **Driver:** ${n.driver}`,
        `- **Internal:** ${n.internal ? 'Yes (no external connectivity)' : 'No (allows external connectivity)'}`,
      ].join('\n'),
    )
    .join('\n\n');
}

function securitySection(platform: Platform): string {
  const inbound = rules(platform).filter((r) => r.target === 'host' && (r.zone === 'admin' || r.zone === 'internet'));
  const lines = ['Security Group Rules:', '  Inbound:'];
  for (const rule of inbound) {
    const source = rule.zone === 'admin' ? (rule.from ?? platform.host.adminCidr) : (rule.from ?? '0.0.0.0/0');
    lines.push(`    - Port: ${rule.port}/${rule.protocol}`, `      Source: ${source}`, `      Description: ${rule.why}`);
  }
  lines.push('  Outbound:', '    - All traffic allowed (for updates, API calls)');
  const tailnet = rules(platform).filter((r) => r.zone === 'tailnet');
  const gateway = `${platform.host.tailscale.address}:${platform.gateway.listenPort}`;
  return [
    '### 1. Network Layer Security (AWS)',
    ['```yaml', ...lines, '```'].join('\n'),
    '### 2. Tailnet',
    tailnet.map((r) => `- ${r.port}/${r.protocol} from the tailnet: ${r.why}`).join('\n') || '- nothing',
    '### 3. Platform network',
    [
      `- Only the gateway publishes a port, bound to the Tailscale address (${gateway}).`,
      `- Platform network only: ${[...platform.policy.platformOnly].sort().join(', ')}.`,
    ].join('\n'),
  ].join('\n\n');
}

function differences(platform: Platform): string {
  if (platform.notes.length === 0) return 'None.';
  const notes = [...platform.notes].sort((a, b) => byText(a.code, b.code));
  return [
    markdownRow(['Code', 'Subject', 'Reference', 'moat', 'Source']),
    markdownRow(['---', '---', '---', '---', '---']),
    ...notes.map((n) => markdownRow([n.code, n.subject, n.reference, n.moat, n.source])),
  ].join('\n');
}

/** How a request reaches a service behind an internal proxy (the reference's "How Dify NGINX Works"). */
function proxyFlows(platform: Platform): string {
  const { listenPort } = platform.gateway;
  const flows: string[] = [];
  for (const proxy of platform.internalProxies) {
    const route = platform.gateway.routes.find((r) => r.service === proxy.service);
    const api = [...proxy.routes].sort((a, b) => byText(a.path, b.path)).find((r) => r.path !== '/');
    if (!route || !api) continue;
    const apiPath = api.path.replace(/\/+$/, '');
    flows.push(
      [
        `External request → gateway :${listenPort} → ${route.path} → ${proxy.service}:${proxy.listenPort} → internal services`,
        '',
        `Example: \`https://${platform.host.tailscale.hostname}.${platform.host.tailscale.tailnet}:${listenPort}${route.path}${apiPath}/…\` →`,
        `the gateway ${route.prefix === 'native' ? 'keeps' : 'strips'} ${route.path} → ${proxy.service} routes ${api.path} to ${api.service}:${api.port}.`,
      ].join('\n'),
    );
  }
  return flows.join('\n\n');
}
