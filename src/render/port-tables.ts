// The port & security reference as data: the tables of
// shared/reference/ports_security.md, derived from the model. PORTS.md prints
// them as markdown and `moat plan` as terminal tables. A row carries the codes
// of the reference notes that concern it and whether it is a moat addition.
import { gatewayUrl, serviceByName } from '../model/lookup.js';
import { byText } from '../model/order.js';
import type { Platform, PolicyRule, Protocol, Service } from '../model/types.js';
import { publishSpec } from './compose.js';

export interface TableRow {
  readonly cells: readonly string[];
  /** Codes of platform.notes about this row (where moat differs from the reference). */
  readonly notes: readonly string[];
  /** Not in the reference: moat (or the config) added it. */
  readonly added: boolean;
}

export interface PortTable {
  readonly id: 'security-group' | 'gateway-routes' | 'backend' | 'internal-proxy' | 'static-ips';
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly TableRow[];
}

export function portTables(platform: Platform): PortTable[] {
  return [securityGroupTable(platform), gatewayTable(platform), backendTable(platform), ...internalProxyTables(platform), staticIpTable(platform)];
}

/** The notes whose subject names one of the keys (subjects list several with `,` or `and`). */
export function notesAbout(platform: Platform, keys: readonly string[]): string[] {
  return (
    platform.notes
      .filter((note) => note.subject.split(/,\s*|\s+and\s+/).some((part) => keys.includes(part.trim())))
      .map((note) => note.code)
      // Code-point order: the same table whatever the order of the notes.
      .sort(byText)
  );
}

const proto = (p: Protocol): string => p.toUpperCase();

function securityGroupTable(platform: Platform): PortTable {
  const rules = platform.policy.allow
    .filter((r) => r.target === 'host' && r.zone !== 'host' && r.zone !== 'platform')
    .sort((a, b) => a.port - b.port || byText(a.protocol, b.protocol) || byText(a.zone, b.zone) || byText(a.from ?? '', b.from ?? ''));
  return {
    id: 'security-group',
    title: 'AWS Security Group Configuration',
    columns: ['Protocol', 'Port', 'Source', 'Purpose', 'Status'],
    rows: rules.map((rule) => ({
      cells: [proto(rule.protocol), String(rule.port), sourceOf(platform, rule), rule.why, statusOf(rule)],
      notes: notesAbout(platform, [`security group ${rule.port}/${rule.protocol}`, `${rule.port}/${rule.protocol}`]),
      added: false,
    })),
  };
}

function sourceOf(platform: Platform, rule: PolicyRule): string {
  switch (rule.zone) {
    case 'admin':
      return `My IP (${rule.from ?? platform.host.adminCidr})`;
    case 'internet':
      return rule.from ?? '0.0.0.0/0';
    default:
      return rule.from ? `Tailscale (${rule.from})` : 'Tailscale';
  }
}

// Tailnet traffic arrives inside WireGuard: it needs no security-group rule.
function statusOf(rule: PolicyRule): string {
  return rule.zone === 'tailnet' ? 'No rule (tailnet only)' : 'Required';
}

function gatewayTable(platform: Platform): PortTable {
  const routes = [...platform.gateway.routes].sort((a, b) => byText(a.path, b.path));
  return {
    id: 'gateway-routes',
    title: `Services Exposed via NGINX (Port ${platform.gateway.listenPort})`,
    columns: ['Service', 'Internal Port', 'External Path', 'Direct Access', 'NGINX Route'],
    rows: routes.map((route) => {
      const service = serviceByName(platform, route.service);
      return {
        // An app on its own origin: the reference's path redirects there.
        cells: [
          service?.title ?? route.service,
          String(route.port),
          route.path,
          directAccess(service),
          route.servedAt === 'origin' ? `✅ ${route.url} (${gatewayUrl(platform)}${route.path} redirects there)` : `✅ ${gatewayUrl(platform)}${route.path}`,
        ],
        notes: notesAbout(platform, [route.path, `${route.service} ${route.port}/tcp`]),
        added: service?.origin !== 'reference',
      };
    }),
  };
}

function directAccess(service: Service | undefined): string {
  if (!service || service.publish.length === 0) return '❌ Not exposed';
  return `⚠️ Published on ${service.publish.map(publishSpec).join(', ')}`;
}

/** Services behind an internal proxy, and what they depend on (Dify's API needs its stores). */
function internalServices(platform: Platform): Map<string, Set<string>> {
  const byProxy = new Map<string, Set<string>>();
  for (const proxy of platform.internalProxies) {
    const names = new Set(proxy.routes.map((r) => r.service));
    for (const name of [...names]) for (const dep of serviceByName(platform, name)?.dependsOn ?? []) names.add(dep);
    names.delete(proxy.service);
    byProxy.set(proxy.service, names);
  }
  return byProxy;
}

function backendTable(platform: Platform): PortTable {
  const routed = new Set(platform.gateway.routes.map((r) => r.service));
  const proxied = new Set(platform.internalProxies.flatMap((p) => p.routes.map((r) => r.service)));
  const services = platform.services.filter((s) => s.name !== platform.gateway.service && !routed.has(s.name) && !proxied.has(s.name));
  return {
    id: 'backend',
    title: 'Backend Services (Internal Docker Network Only)',
    columns: ['Service', 'Port', 'Protocol', 'Access', 'Purpose'],
    rows: serviceRows(
      platform,
      services,
      (service, port, open) => {
        const published = service.publish.filter((p) => p.containerPort === port);
        const access = !open ? 'Not opened' : published.length === 0 ? 'Docker network only' : `⚠️ Published on ${published.map(publishSpec).join(', ')}`;
        return [service.title, String(port), access];
      },
      (cells, p) => [cells[0] ?? '', cells[1] ?? '', proto(p.protocol), cells[2] ?? '', p.purpose],
    ),
  };
}

function internalProxyTables(platform: Platform): PortTable[] {
  const byProxy = internalServices(platform);
  return platform.internalProxies.map((proxy) => {
    const proxyService = serviceByName(platform, proxy.service);
    const names = byProxy.get(proxy.service) ?? new Set<string>();
    const services = platform.services.filter((s) => names.has(s.name));
    const name = (proxyService?.title ?? proxy.service).replace(/ NGINX$/, '');
    return {
      id: 'internal-proxy' as const,
      title: `${name} Port Mapping`,
      columns: ['Component', 'Internal Port', `${name} NGINX Route`, 'Purpose'],
      rows: serviceRows(
        platform,
        services,
        (service, port) => {
          const paths = proxy.routes
            .filter((r) => r.service === service.name && r.port === port)
            .map((r) => r.path)
            .sort();
          return [service.title, String(port), paths.length > 0 ? paths.join(', ') : 'N/A'];
        },
        (cells, p) => [cells[0] ?? '', cells[1] ?? '', cells[2] ?? '', p.purpose],
        [`${proxy.service} routes`],
      ),
    };
  });
}

interface PortLike {
  readonly port: number;
  readonly protocol: Protocol;
  readonly purpose: string;
  readonly referenceNote?: string | undefined;
}

/**
 * One row per port of each service, by address then port, plus a row for each
 * port a note says the reference lists but moat does not open.
 */
function serviceRows(
  platform: Platform,
  services: readonly Service[],
  head: (service: Service, port: number, open: boolean) => string[],
  full: (head: string[], port: PortLike) => string[],
  extraKeys: readonly string[] = [],
): TableRow[] {
  const rows: { address: string; port: number; row: TableRow }[] = [];
  for (const service of services) {
    const ports: PortLike[] = [...service.ports];
    for (const note of platform.notes) {
      const match = /^(\S+) (\d+)\/(tcp|udp)$/.exec(note.subject);
      if (!match || match[1] !== service.name) continue;
      const port = Number(match[2]);
      if (ports.some((p) => p.port === port)) continue;
      ports.push({ port, protocol: match[3] as Protocol, purpose: `see ${note.code}` });
    }
    for (const p of ports) {
      const open = service.ports.some((q) => q.port === p.port);
      const cells = full(head(service, p.port, open), p);
      const routedKeys = cells[2] !== 'N/A' && extraKeys.length > 0 && open ? extraKeys : [];
      rows.push({
        address: service.address,
        port: p.port,
        row: {
          cells,
          notes: notesAbout(platform, [`${service.name} ${p.port}/${p.protocol}`, ...routedKeys]),
          added: service.origin !== 'reference' || p.referenceNote !== undefined,
        },
      });
    }
  }
  return rows.sort((a, b) => compareIp(a.address, b.address) || a.port - b.port).map((r) => r.row);
}

function staticIpTable(platform: Platform): PortTable {
  const services = [...platform.services].sort((a, b) => compareIp(a.address, b.address) || byText(a.name, b.name));
  return {
    id: 'static-ips',
    title: 'Static IP Assignments',
    columns: ['Service', 'IP Address', 'Hostname'],
    rows: services.map((s) => ({
      cells: [s.name, s.address, s.name],
      notes: notesAbout(platform, [s.name]),
      added: s.origin !== 'reference',
    })),
  };
}

// Numeric order of dotted IPv4 addresses (172.20.0.10 after 172.20.0.2);
// anything else sorts after them, as text.
export function compareIp(a: string, b: string): number {
  const ka = ipv4Key(a);
  const kb = ipv4Key(b);
  if (ka !== undefined && kb !== undefined) return ka - kb;
  if (ka !== undefined) return -1;
  if (kb !== undefined) return 1;
  return byText(a, b);
}

function ipv4Key(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}
