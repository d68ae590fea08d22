// The lab's network: namespaces, links and addresses, none connected to the
// root namespace. Every namespace is `moat-lab-<id>-<role>`, so two labs (two
// test runs on one machine) never touch each other; interfaces inside a lab
// namespace are created with a `moat-` name and renamed only where the
// rendered firewall expects the platform's name (eth0, tailscale0).
//
//   …-client 198.51.100.20 ─┐
//   …-peer   198.51.100.30 ─┤ …-inet (router: 198.51.100.1, 203.0.113.1, 192.0.2.1)
//   …-admin  203.0.113.10 ──┤
//   …-host   192.0.2.10 ────┘  eth0; tailscale0 100.64.0.10 (wireguard-go, peer 100.64.0.20
//        │                     in …-peer over udp/41641); moat-br-ai 172.20.0.1/16
//   …-svc    172.20.0.x/16: every service's static address, the stubs, both nginx
import { execFileSync } from 'node:child_process';

const ROLES = ['inet', 'client', 'admin', 'peer', 'host', 'svc'] as const;
export type Role = (typeof ROLES)[number];
export type LabNamespaces = Readonly<Record<Role, string>>;
export type LabNs = string;

export function labNamespaces(id: string): LabNamespaces {
  return Object.fromEntries(ROLES.map((role) => [role, `moat-lab-${id}-${role}`])) as Record<Role, string>;
}

export const ADDR = {
  client: '198.51.100.20',
  peer: '198.51.100.30',
  admin: '203.0.113.10',
  hostPublic: '192.0.2.10',
  hostTailnet: '100.64.0.10',
  peerTailnet: '100.64.0.20',
  bridge: '172.20.0.1',
} as const;

/** Runs a command and returns stdout; throws with stderr on failure. */
export function run(cmd: string, args: readonly string[], input?: string): string {
  try {
    return execFileSync(cmd, [...args], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...(input !== undefined ? { input } : {}), timeout: 60_000 });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

export function inNs(ns: LabNs, cmd: string, args: readonly string[], input?: string): string {
  return run('ip', ['netns', 'exec', ns, cmd, ...args], input);
}

const ip = (ns: LabNs, ...args: string[]): string => inNs(ns, 'ip', args);

/** Fails loudly when a tool the lab needs is missing (tests must not skip). */
export function requireTools(tools: readonly string[]): void {
  const missing = tools.filter((t) => {
    try {
      run('sh', ['-c', `command -v ${t}`]);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0)
    throw new Error(`the lab needs ${missing.join(', ')}: run scripts/setup-test-host.sh as root (Debian packages in scripts/debian-packages.txt)`);
  if (process.getuid?.() !== 0) throw new Error('the lab needs root (network namespaces, nftables)');
}

/** Links two namespaces with a veth pair; `nameA`/`nameB` are the ends' names. */
function veth(a: LabNs, nameA: string, b: LabNs, nameB: string): void {
  run('ip', ['link', 'add', nameA, 'netns', a, 'type', 'veth', 'peer', 'name', nameB, 'netns', b]);
  ip(a, 'link', 'set', nameA, 'up');
  ip(b, 'link', 'set', nameB, 'up');
}

/** Deletes this lab's namespaces (and only this lab's). */
export function deleteNamespaces(NS: LabNamespaces): void {
  const list = run('ip', ['netns', 'list']);
  const ours = new Set(Object.values(NS));
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    if (ours.has(name)) run('ip', ['netns', 'delete', name]);
  }
}

/**
 * Builds the namespaces and links. The stub and nginx addresses live on one
 * interface of moat-lab-svc; `svcAddresses` are the platform's static ones.
 */
export function buildNetwork(NS: LabNamespaces, svcAddresses: readonly string[], publicInterface: string): void {
  for (const ns of ROLES.map((role) => NS[role])) {
    run('ip', ['netns', 'add', ns]);
    ip(ns, 'link', 'set', 'lo', 'up');
  }
  // The "internet": a router with one bridge and a gateway address per range.
  ip(NS.inet, 'link', 'add', 'moat-inet-br', 'type', 'bridge');
  ip(NS.inet, 'link', 'set', 'moat-inet-br', 'up');
  for (const cidr of ['198.51.100.1/24', '203.0.113.1/24', '192.0.2.1/24']) ip(NS.inet, 'addr', 'add', cidr, 'dev', 'moat-inet-br');
  inNs(NS.inet, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  const edges: [LabNs, string, string, string][] = [
    [NS.client, 'moat-c0', `${ADDR.client}/24`, '198.51.100.1'],
    [NS.peer, 'moat-p0', `${ADDR.peer}/24`, '198.51.100.1'],
    [NS.admin, 'moat-a0', `${ADDR.admin}/24`, '203.0.113.1'],
    [NS.host, 'moat-h0', `${ADDR.hostPublic}/24`, '192.0.2.1'],
  ];
  for (const [ns, dev, cidr, gw] of edges) {
    veth(NS.inet, `${dev}-i`, ns, dev);
    ip(NS.inet, 'link', 'set', `${dev}-i`, 'master', 'moat-inet-br');
    let name = dev;
    if (ns === NS.host) {
      // The rendered firewall names the public interface (platform.host.publicInterface).
      ip(ns, 'link', 'set', dev, 'down');
      ip(ns, 'link', 'set', dev, 'name', publicInterface);
      ip(ns, 'link', 'set', publicInterface, 'up');
      name = publicInterface;
    }
    ip(ns, 'addr', 'add', cidr, 'dev', name);
    ip(ns, 'route', 'add', 'default', 'via', gw);
  }
  // A neighbour on the internet side may send packets for the private range
  // to the host; DOCKER-USER must drop them. Route it so the lab can try.
  ip(NS.inet, 'route', 'add', '172.20.0.0/16', 'via', ADDR.hostPublic);

  // The host's ai-platform bridge and the services behind it.
  ip(NS.host, 'link', 'add', 'moat-br-ai', 'type', 'bridge');
  ip(NS.host, 'addr', 'add', `${ADDR.bridge}/16`, 'dev', 'moat-br-ai');
  ip(NS.host, 'link', 'set', 'moat-br-ai', 'up');
  veth(NS.host, 'moat-svc-h', NS.svc, 'moat-svc0');
  ip(NS.host, 'link', 'set', 'moat-svc-h', 'master', 'moat-br-ai');
  for (const address of svcAddresses) ip(NS.svc, 'addr', 'add', `${address}/16`, 'dev', 'moat-svc0');
  ip(NS.svc, 'route', 'add', 'default', 'via', ADDR.bridge);
  inNs(NS.host, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
}

/** One published port: Docker DNATs hostAddress:hostPort to the container's containerPort. */
export interface Publication {
  readonly hostAddress: string;
  readonly hostPort: number;
  readonly containerPort: number;
}

/** Emulates what Docker sets up in the host: DOCKER-USER hooked into FORWARD,
 * FORWARD's policy drop with its accepts, and for each of the gateway's
 * publications (on the Tailscale address) the DNAT and the DOCKER accept. */
export function emulateDocker(NS: LabNamespaces, publications: readonly Publication[], containerAddress: string): void {
  const ipt = (...args: string[]): string => inNs(NS.host, 'iptables', ['-w', ...args]);
  ipt('-N', 'DOCKER-USER');
  ipt('-A', 'DOCKER-USER', '-j', 'RETURN');
  ipt('-N', 'DOCKER');
  ipt('-P', 'FORWARD', 'DROP');
  ipt('-A', 'FORWARD', '-j', 'DOCKER-USER');
  ipt('-A', 'FORWARD', '-o', 'moat-br-ai', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');
  ipt('-A', 'FORWARD', '-o', 'moat-br-ai', '-j', 'DOCKER');
  ipt('-A', 'FORWARD', '-i', 'moat-br-ai', '-j', 'ACCEPT');
  for (const p of publications) {
    ipt(
      '-A',
      'DOCKER',
      '-d',
      `${containerAddress}/32`,
      '!',
      '-i',
      'moat-br-ai',
      '-o',
      'moat-br-ai',
      '-p',
      'tcp',
      '--dport',
      String(p.containerPort),
      '-j',
      'ACCEPT',
    );
    ipt(
      '-t',
      'nat',
      '-A',
      'PREROUTING',
      '-d',
      `${p.hostAddress}/32`,
      '-p',
      'tcp',
      '--dport',
      String(p.hostPort),
      '-j',
      'DNAT',
      '--to-destination',
      `${containerAddress}:${p.containerPort}`,
    );
  }
}
