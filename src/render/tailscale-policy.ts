// tailscale/policy.hujson: the tailnet layer. On the tailnet the policy is the
// only gate (tailscaled accepts what the policy allows before the host firewall
// has a say for Tailscale SSH), so it grants the users' group exactly the
// gateway service's published ports on the tagged host (one TLS port per app
// origin when the gateway has several) and nothing else, and its `tests` block
// asserts that every other port of every service stays denied.
//
// Syntax: `grants`, which Tailscale recommends over `acls` for new policies
// (https://tailscale.com/kb/1324/grants, https://tailscale.com/kb/1538/grants-syntax,
// https://tailscale.com/kb/1337/policy-syntax for `tests`, `ssh`, `sshTests`
// and `tagOwners`).

import { byText } from '../model/order.js';
import type { Platform, Protocol, Publish } from '../model/types.js';
import { portText } from './firewall-model.js';
import { generatedHeader, type RenderedFile, type Renderer, type RenderResult } from './types.js';

export const TAILSCALE_POLICY_PATH = 'tailscale/policy.hujson';
/** A placeholder login: tests need a concrete user, and groups cannot be a test source. */
export const PLACEHOLDER_USER = 'user@example.com';
/**
 * Who may tag a device as the platform host: the tailnet's admins only
 * (https://tailscale.com/kb/1337/policy-syntax#tag-owners: `autogroup:admin`
 * is a valid tag owner). Were the users' group an owner, any member could tag
 * a laptop of theirs as the host and receive what the tag is granted, and
 * appear as the host to everyone else.
 */
export const TAG_OWNER = 'autogroup:admin';

/** The line of the file each grant and test entry comes from, and its model path (until RenderedFile has the field). */
export interface SourceLine {
  readonly line: number;
  readonly path: string;
}
type MappedFile = RenderedFile & { readonly sourceMap: readonly SourceLine[] };

export interface GatewayPort {
  readonly protocol: Protocol;
  readonly from: number;
  readonly to: number;
  /** `services.<gateway>.publish[<i>]`. */
  readonly path: string;
}

/**
 * What the tailnet is granted, and nothing else: the gateway service's
 * publications, and the ports the policy allows the tailnet besides (a rule
 * the proof counts takes effect where the tailnet decides: here).
 */
export function gatewayPorts(platform: Platform): GatewayPort[] {
  const service = platform.services.find((s) => s.name === platform.gateway.service);
  const out: GatewayPort[] = (service?.publish ?? []).map((p: Publish, i) => ({
    protocol: p.protocol,
    from: p.hostPort,
    to: p.hostPortEnd ?? p.hostPort,
    path: `services.${service?.name ?? platform.gateway.service}.publish[${i}]`,
  }));
  platform.policy.allow.forEach((rule, i) => {
    if (rule.zone !== 'tailnet' || out.some((g) => g.protocol === rule.protocol && rule.port >= g.from && rule.port <= g.to)) return;
    out.push({ protocol: rule.protocol, from: rule.port, to: rule.port, path: `policy.allow[${i}]` });
  });
  return out;
}

export interface DeniedPort {
  readonly port: number;
  readonly protocol: Protocol;
  /** Services listening on it (or publishing it), for the comment. */
  readonly services: readonly string[];
  /** The model path of the first port or publication it comes from. */
  readonly path: string;
}

const granted = (ports: readonly GatewayPort[], protocol: Protocol, port: number): boolean =>
  ports.some((g) => g.protocol === protocol && port >= g.from && port <= g.to);

/**
 * Every port of every service, and every host port another service publishes,
 * except the gateway's granted ports, once per port and protocol, sorted. The
 * host's SSH port is left to `sshTests`: on the tailnet, port 22 belongs to
 * Tailscale SSH, which the `ssh` rules govern.
 */
export function deniedBackendPorts(platform: Platform): DeniedPort[] {
  const grantedPorts = gatewayPorts(platform);
  const byKey = new Map<string, { port: number; protocol: Protocol; services: string[]; path: string }>();
  const add = (service: string, port: number, protocol: Protocol, path: string): void => {
    if (granted(grantedPorts, protocol, port) || (protocol === 'tcp' && port === platform.host.sshPort)) return;
    const key = `${protocol}/${port}`;
    const entry = byKey.get(key) ?? { port, protocol, services: [], path };
    if (!entry.services.includes(service)) entry.services.push(service);
    byKey.set(key, entry);
  };
  for (const service of platform.services) {
    service.ports.forEach((p, i) => add(service.name, p.port, p.protocol, `services.${service.name}.ports[${i}]`));
    if (service.name === platform.gateway.service) continue;
    service.publish.forEach((p, i) => {
      const end = Math.min(p.hostPortEnd ?? p.hostPort, p.hostPort + 63);
      for (let port = p.hostPort; port <= end; port++) add(service.name, port, p.protocol, `services.${service.name}.publish[${i}]`);
    });
  }
  return [...byKey.values()].sort((a, b) => byText(a.protocol, b.protocol) || a.port - b.port);
}

/** The single ports a test accepts for a granted range: every one of a short range, the ends of a long one. */
function acceptedPorts(g: GatewayPort): number[] {
  if (g.to - g.from < 32) return Array.from({ length: g.to - g.from + 1 }, (_, i) => g.from + i);
  return [g.from, g.to];
}

const q = (s: string): string => JSON.stringify(s);

function list(items: readonly string[]): string {
  return `[${items.map(q).join(', ')}]`;
}

class Writer {
  readonly lines: string[] = [];
  readonly sourceMap: SourceLine[] = [];
  add(...lines: string[]): void {
    this.lines.push(...lines);
  }
  mapped(line: string, path: string): void {
    this.lines.push(line);
    this.sourceMap.push({ line: this.lines.length, path });
  }
}

function acceptTest(w: Writer, tag: string, ports: readonly GatewayPort[], protocol: Protocol): void {
  const own = ports.filter((p) => p.protocol === protocol);
  if (own.length === 0) return;
  w.add('\t\t{', `\t\t\t"src": ${q(PLACEHOLDER_USER)},`, ...(protocol === 'tcp' ? [] : [`\t\t\t"proto": ${q(protocol)},`]), '\t\t\t"accept": [');
  for (const g of own) for (const port of acceptedPorts(g)) w.mapped(`\t\t\t\t${q(`${tag}:${port}`)},`, g.path);
  w.add('\t\t\t],', '\t\t},');
}

function denyTest(w: Writer, tag: string, ports: readonly DeniedPort[], protocol: Protocol): void {
  const own = ports.filter((p) => p.protocol === protocol);
  if (own.length === 0) return;
  w.add('\t\t{', `\t\t\t"src": ${q(PLACEHOLDER_USER)},`, ...(protocol === 'tcp' ? [] : [`\t\t\t"proto": ${q(protocol)},`]), '\t\t\t"deny": [');
  for (const p of own) w.mapped(`\t\t\t\t${q(`${tag}:${p.port}`)}, // ${p.services.join(', ')}`, p.path);
  w.add('\t\t\t],', '\t\t},');
}

function policy(platform: Platform): Writer {
  const { tag, group } = platform.host.tailscale;
  const ports = gatewayPorts(platform);
  const portWords = ports.map((g) => `${portText({ hostPort: g.from, hostPortEnd: g.to }, '-')}/${g.protocol}`).join(', ');
  const w = new Writer();
  w.add(
    generatedHeader('//'),
    '//',
    `// Tailnet policy for ${platform.project}: paste into the admin console (Access controls) or`,
    '// manage it with GitOps. Grants are the syntax Tailscale recommends for new policies:',
    '// https://tailscale.com/kb/1324/grants and https://tailscale.com/kb/1337/policy-syntax.',
    '{',
    "\t// Only the tailnet's admins may tag a device as the platform host: a user who could tag their",
    '\t// own device would receive what the tag is granted (https://tailscale.com/kb/1337/policy-syntax#tag-owners).',
    '\t"tagOwners": {',
  );
  w.mapped(`\t\t${q(tag)}: ${list([TAG_OWNER])},`, 'host.tailscale.tag');
  w.add(
    '\t},',
    '',
    '\t"groups": {',
    `\t\t// Placeholder: replace ${PLACEHOLDER_USER} with the logins of the people who use the platform`,
    '\t\t// (and in the tests below).',
  );
  w.mapped(`\t\t${q(group)}: ${list([PLACEHOLDER_USER])},`, 'host.tailscale.group');
  w.add(
    '\t},',
    '',
    `\t// The group reaches the gateway's published ports (${portWords === '' ? 'none' : portWords}) on the host, nothing else.`,
    '\t// The backends live on the platform network, which the host does not advertise as a subnet route.',
    '\t"grants": [',
  );
  if (ports.length > 0) {
    w.add('\t\t{', `\t\t\t"src": ${list([group])},`, `\t\t\t"dst": ${list([tag])},`, '\t\t\t"ip": [');
    for (const g of ports) w.mapped(`\t\t\t\t${q(`${g.protocol}:${portText({ hostPort: g.from, hostPortEnd: g.to }, '-')}`)},`, g.path);
    w.add('\t\t\t],', '\t\t},');
  }
  w.add(
    '\t],',
    '',
    '\t// Tailscale SSH: tailscaled itself answers port 22 on the tailnet address, governed by these',
    '\t// rules rather than by grants. Non-root users only, with a periodic re-authentication check.',
    '\t// sshd on the host stays reachable from the admin CIDR only (firewall/nftables.conf).',
    '\t"ssh": [',
    '\t\t{',
    '\t\t\t"action": "check",',
    `\t\t\t"src": ${list([group])},`,
    `\t\t\t"dst": ${list([tag])},`,
    '\t\t\t"users": ["autogroup:nonroot"],',
    '\t\t},',
    '\t],',
    '',
    "\t// Tailscale refuses a policy whose tests fail. The gateway's ports are reachable; every other port",
    '\t// of every platform service is not, even if a service were ever published on the Tailscale address.',
    "\t// Port 22 is Tailscale SSH's and is asserted in sshTests instead.",
    '\t"tests": [',
  );
  acceptTest(w, tag, ports, 'tcp');
  acceptTest(w, tag, ports, 'udp');
  const denied = deniedBackendPorts(platform);
  denyTest(w, tag, denied, 'tcp');
  denyTest(w, tag, denied, 'udp');
  w.add(
    '\t],',
    '',
    '\t"sshTests": [',
    '\t\t{',
    `\t\t\t"src": ${q(PLACEHOLDER_USER)},`,
    `\t\t\t"dst": ${list([tag])},`,
    '\t\t\t"check": ["ubuntu"],',
    '\t\t\t"deny": ["root"],',
    '\t\t},',
    '\t],',
    '}',
    '',
  );
  return w;
}

export const renderTailscalePolicy: Renderer = (platform): RenderResult => {
  const w = policy(platform);
  const file: MappedFile = { path: TAILSCALE_POLICY_PATH, content: w.lines.join('\n'), sourceMap: w.sourceMap };
  return { files: [file], warnings: [] };
};
