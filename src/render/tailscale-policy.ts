// tailscale/policy.hujson: the tailnet layer. On the tailnet the policy is the
// only gate (tailscaled accepts what the policy allows before the host firewall
// has a say for Tailscale SSH), so it grants the users' group the gateway port
// on the tagged host and nothing else, and its `tests` block asserts that every
// backend port of the model stays denied.
//
// Syntax: `grants`, which Tailscale recommends over `acls` for new policies
// (https://tailscale.com/kb/1324/grants, https://tailscale.com/kb/1538/grants-syntax,
// https://tailscale.com/kb/1337/policy-syntax for `tests`, `ssh` and `sshTests`).
import type { Platform, Protocol } from '../model/types.js';
import { generatedHeader, type RenderResult, type Renderer } from './types.js';
import { byText } from '../model/order.js';

export const TAILSCALE_POLICY_PATH = 'tailscale/policy.hujson';
/** A placeholder login: tests need a concrete user, and groups cannot be a test source. */
export const PLACEHOLDER_USER = 'user@example.com';

export interface DeniedPort {
  readonly port: number;
  readonly protocol: Protocol;
  /** Services listening on it, for the comment. */
  readonly services: readonly string[];
}

/**
 * Every port of every service except the gateway's listen port, once per
 * port and protocol, sorted. The host's SSH port is left to `sshTests`: on the
 * tailnet, port 22 belongs to Tailscale SSH, which the `ssh` rules govern.
 */
export function deniedBackendPorts(platform: Platform): DeniedPort[] {
  const byKey = new Map<string, { port: number; protocol: Protocol; services: string[] }>();
  for (const service of platform.services) {
    for (const p of service.ports) {
      if (p.protocol === 'tcp' && (p.port === platform.gateway.listenPort || p.port === platform.host.sshPort)) continue;
      const key = `${p.protocol}/${p.port}`;
      const entry = byKey.get(key) ?? { port: p.port, protocol: p.protocol, services: [] };
      if (!entry.services.includes(service.name)) entry.services.push(service.name);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()].sort((a, b) => byText(a.protocol, b.protocol) || a.port - b.port);
}

const q = (s: string): string => JSON.stringify(s);

function list(items: readonly string[]): string {
  return `[${items.map(q).join(', ')}]`;
}

function denyTest(tag: string, ports: readonly DeniedPort[], protocol: Protocol): string[] {
  const own = ports.filter((p) => p.protocol === protocol);
  if (own.length === 0) return [];
  return [
    '\t\t{',
    `\t\t\t"src": ${q(PLACEHOLDER_USER)},`,
    ...(protocol === 'tcp' ? [] : [`\t\t\t"proto": ${q(protocol)},`]),
    '\t\t\t"deny": [',
    ...own.map((p) => `\t\t\t\t${q(`${tag}:${p.port}`)}, // ${p.services.join(', ')}`),
    '\t\t\t],',
    '\t\t},',
  ];
}

export function tailscalePolicy(platform: Platform): string {
  const { tag, group } = platform.host.tailscale;
  const port = platform.gateway.listenPort;
  const denied = deniedBackendPorts(platform);
  const lines = [
    generatedHeader('//'),
    '//',
    `// Tailnet policy for ${platform.project}: paste into the admin console (Access controls) or`,
    '// manage it with GitOps. Grants are the syntax Tailscale recommends for new policies:',
    '// https://tailscale.com/kb/1324/grants and https://tailscale.com/kb/1337/policy-syntax.',
    '{',
    '\t// Only the users\' group may tag a device as the platform host.',
    '\t"tagOwners": {',
    `\t\t${q(tag)}: ${list([group])},`,
    '\t},',
    '',
    '\t"groups": {',
    `\t\t// Placeholder: replace ${PLACEHOLDER_USER} with the logins of the people who use the platform`,
    '\t\t// (and in the tests below).',
    `\t\t${q(group)}: ${list([PLACEHOLDER_USER])},`,
    '\t},',
    '',
    `\t// The group reaches the gateway (${port}/tcp) on the host, nothing else. The backends live on`,
    '\t// the platform network, which the host does not advertise as a subnet route.',
    '\t"grants": [',
    '\t\t{',
    `\t\t\t"src": ${list([group])},`,
    `\t\t\t"dst": ${list([tag])},`,
    `\t\t\t"ip": ${list([`tcp:${port}`])},`,
    '\t\t},',
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
    '\t// Tailscale refuses a policy whose tests fail. The gateway is reachable; every other port of',
    '\t// every platform service is not, even if a service were ever published on the Tailscale address.',
    '\t// Port 22 is Tailscale SSH\'s and is asserted in sshTests instead.',
    '\t"tests": [',
    '\t\t{',
    `\t\t\t"src": ${q(PLACEHOLDER_USER)},`,
    `\t\t\t"accept": ${list([`${tag}:${port}`])},`,
    '\t\t},',
    ...denyTest(tag, denied, 'tcp'),
    ...denyTest(tag, denied, 'udp'),
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
  ];
  return lines.join('\n');
}

export const renderTailscalePolicy: Renderer = (platform): RenderResult => ({
  files: [{ path: TAILSCALE_POLICY_PATH, content: tailscalePolicy(platform) }],
  warnings: [],
});
