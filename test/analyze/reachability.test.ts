import { describe, expect, it } from 'vitest';
import type { MatrixRow } from '../../src/analyze/reachability.js';
import { computeMatrix } from '../../src/analyze/reachability.js';
import { portRange } from '../../src/analyze/state.js';
import { canonicalAddress } from '../../src/model/net.js';
import type { ZoneName } from '../../src/model/types.js';
import type { StateParts } from './fixtures.js';
import { BACKEND_IP, buildState, o, publish, sg, TAILSCALE_IP } from './fixtures.js';

interface Expect {
  readonly zone: ZoneName;
  readonly address: string;
  readonly port: number;
  readonly protocol?: 'tcp' | 'udp';
  readonly verdict: 'open' | 'blocked' | 'absent';
  readonly decidedBy?: MatrixRow['decidedBy'];
  readonly source?: string;
  readonly assumed?: boolean;
}

interface Case {
  readonly name: string;
  readonly parts: StateParts;
  readonly expect: readonly Expect[];
}

const SSH_ADMIN = sg('tcp', 22, 22, ['203.0.113.10/32']);
const WG_WORLD = sg('udp', 41641, 41641, ['0.0.0.0/0', '::/0']);

const CASES: readonly Case[] = [
  {
    name: 'a /32 admin: only the admin zone reaches SSH, the internet is stopped by the security group',
    parts: { cloud: [SSH_ADMIN, WG_WORLD] },
    expect: [
      { zone: 'admin', address: '0.0.0.0', port: 22, verdict: 'open', decidedBy: 'cloud', source: '203.0.113.10/32' },
      { zone: 'internet', address: '0.0.0.0', port: 22, verdict: 'blocked', decidedBy: 'cloud' },
      { zone: 'internet', address: '::', port: 22, verdict: 'blocked', decidedBy: 'cloud' },
      // An IPv4 admin zone has no IPv6 cell at all.
      { zone: 'admin', address: '::', port: 22, verdict: 'absent' },
      { zone: 'internet', address: '0.0.0.0', port: 41641, protocol: 'udp', verdict: 'open', decidedBy: 'cloud', source: 'any' },
    ],
  },
  {
    name: '0.0.0.0/1 + 128.0.0.0/1 in the security group is the whole IPv4 internet',
    parts: { cloud: [sg('tcp', 22, 22, ['0.0.0.0/1', '128.0.0.0/1'])] },
    expect: [
      { zone: 'internet', address: '0.0.0.0', port: 22, verdict: 'open', decidedBy: 'cloud' },
      { zone: 'admin', address: '0.0.0.0', port: 22, verdict: 'open', decidedBy: 'cloud' },
      { zone: 'internet', address: '::', port: 22, verdict: 'blocked', decidedBy: 'cloud' },
    ],
  },
  {
    name: '::/1 + 8000::/1 opens IPv6 like ::/0, and leaves IPv4 closed',
    parts: { cloud: [sg('tcp', 22, 22, ['::/1', '8000::/1'])] },
    expect: [
      { zone: 'internet', address: '::', port: 22, verdict: 'open', decidedBy: 'cloud', source: 'any' },
      { zone: 'internet', address: '0.0.0.0', port: 22, verdict: 'blocked', decidedBy: 'cloud' },
    ],
  },
  {
    name: '::/1 alone opens half of the IPv6 internet (still open, the source says which half)',
    parts: { cloud: [sg('tcp', 22, 22, ['::/1'])] },
    expect: [{ zone: 'internet', address: '::', port: 22, verdict: 'open', decidedBy: 'cloud', source: '::/1' }],
  },
  {
    name: 'INPUT narrows what the security group lets in: set arithmetic over rules in order',
    parts: {
      cloud: [sg('tcp', 22, 22, ['0.0.0.0/0'])],
      inputPolicy: 'drop',
      input: [
        { action: 'drop', protocol: 'tcp', ports: portRange(22), sources: ['10.9.0.0/16'], origin: 'fw:0' },
        { action: 'accept', protocol: 'tcp', ports: portRange(22), sources: ['10.0.0.0/8'], origin: 'fw:1' },
      ],
    },
    expect: [
      { zone: 'internet', address: '0.0.0.0', port: 22, verdict: 'open', decidedBy: 'cloud' },
      { zone: 'admin', address: '0.0.0.0', port: 22, verdict: 'blocked', decidedBy: 'firewall' },
    ],
  },
  {
    name: 'Docker DNAT bypasses INPUT: a published backend is open although INPUT drops everything',
    parts: { cloud: [sg('tcp', 8080, 8080, ['0.0.0.0/0'])], inputPolicy: 'drop', publishing: [publish('0.0.0.0', 8080, 8080, 8080)] },
    expect: [
      { zone: 'internet', address: '0.0.0.0', port: 8080, verdict: 'open', decidedBy: 'cloud', source: 'any' },
      { zone: 'host', address: '0.0.0.0', port: 8080, verdict: 'open', decidedBy: 'publishing' },
    ],
  },
  {
    name: 'DOCKER-USER is what filters published ports',
    parts: {
      cloud: [sg('tcp', 8080, 8080, ['0.0.0.0/0'])],
      publishing: [publish('0.0.0.0', 8080, 8080, 8080)],
      dockerUser: [{ action: 'drop', inInterface: 'eth0', origin: 'du:drop' }],
    },
    expect: [{ zone: 'internet', address: '0.0.0.0', port: 8080, verdict: 'blocked', decidedBy: 'firewall' }],
  },
  {
    name: 'a port bound to [::] is exposed over IPv6 only',
    parts: { cloud: 'none', publishing: [publish('[::]', 8080, 8080, 8080)] },
    expect: [
      { zone: 'internet', address: '[::]', port: 8080, verdict: 'open', decidedBy: 'publishing' },
      { zone: 'internet', address: '0.0.0.0', port: 8080, verdict: 'absent' },
    ],
  },
  {
    name: 'a security-group range 8000-9000 covers a backend published on 8080',
    parts: { cloud: [sg('tcp', 8000, 9000, ['0.0.0.0/0'])], publishing: [publish('0.0.0.0', 8080, 8080, 8080)] },
    expect: [{ zone: 'internet', address: '0.0.0.0', port: 8080, verdict: 'open', decidedBy: 'cloud' }],
  },
  {
    name: 'a published range 8000-9000 exposes the backend port inside it, as a cell of its own',
    parts: { cloud: 'none', publishing: [publish('0.0.0.0', 8000, 9000, 8000)] },
    expect: [
      { zone: 'internet', address: '0.0.0.0', port: 8080, verdict: 'open', decidedBy: 'publishing' },
      { zone: 'internet', address: '0.0.0.0', port: 8000, verdict: 'open', decidedBy: 'publishing', assumed: true },
    ],
  },
  {
    name: 'a published range with no known listener behind it is open if anything listens (assumed, never hidden)',
    parts: { cloud: 'none', publishing: [publish('0.0.0.0', 9000, 9100, 9000)] },
    expect: [{ zone: 'internet', address: '0.0.0.0', port: 9000, verdict: 'open', decidedBy: 'publishing', assumed: true }],
  },
  {
    name: 'no socket listing: every host port the filters admit counts as listening, in segments',
    parts: {
      sockets: 'unknown',
      cloud: [SSH_ADMIN, WG_WORLD, sg('tcp', 8000, 8100, ['0.0.0.0/0'])],
      inputPolicy: 'drop',
      input: [{ action: 'accept', protocol: 'tcp', ports: portRange(8050), origin: 'fw:8050' }],
    },
    expect: [
      { zone: 'internet', address: '0.0.0.0', port: 8050, verdict: 'open', decidedBy: 'cloud', assumed: true },
      { zone: 'internet', address: '0.0.0.0', port: 8000, verdict: 'blocked', decidedBy: 'firewall' },
      { zone: 'internet', address: '0.0.0.0', port: 8051, verdict: 'blocked', decidedBy: 'firewall' },
      { zone: 'internet', address: '0.0.0.0', port: 1, verdict: 'blocked', decidedBy: 'cloud' },
    ],
  },
  {
    name: 'no firewall artifact: the firewall layer lets everything through (unknown is open)',
    parts: { firewall: 'none', cloud: 'none', grants: 'none' },
    expect: [
      { zone: 'internet', address: '0.0.0.0', port: 22, verdict: 'open', decidedBy: 'sockets' },
      { zone: 'platform', address: '0.0.0.0', port: 22, verdict: 'open', decidedBy: 'firewall' },
    ],
  },
  {
    name: 'spellings of one address are one address: [::0] is the IPv6 wildcard',
    parts: { cloud: 'none', publishing: [publish('[::0]', 8080, 8080, 8080)] },
    expect: [
      { zone: 'internet', address: '::', port: 8080, verdict: 'open', decidedBy: 'publishing' },
      { zone: 'internet', address: '0.0.0.0', port: 8080, verdict: 'absent' },
    ],
  },
  {
    name: 'an IPv4-mapped Tailscale address is the Tailscale address (tailnet only)',
    parts: { cloud: 'none', publishing: [publish('::ffff:100.64.0.10', 8080, 8080, 8080)], grants: [] },
    expect: [
      { zone: 'internet', address: TAILSCALE_IP, port: 8080, verdict: 'blocked', decidedBy: 'publishing' },
      { zone: 'tailnet', address: TAILSCALE_IP, port: 8080, verdict: 'blocked', decidedBy: 'tailnet' },
    ],
  },
  {
    name: 'an admin CIDR that overlaps the platform subnet lets containers reach sshd through the admin accept',
    parts: {
      adminCidrs: ['172.20.0.0/24'],
      inputPolicy: 'drop',
      input: [{ action: 'accept', protocol: 'tcp', ports: portRange(22), sources: ['172.20.0.0/24'], origin: 'fw:ssh' }],
    },
    expect: [{ zone: 'platform', address: '0.0.0.0', port: 22, verdict: 'open', decidedBy: 'firewall', source: '172.20.0.0/24' }],
  },
  {
    name: 'a port bound to 127.0.0.1 reaches the host zone only',
    parts: { cloud: 'none', grants: 'none', publishing: [publish('127.0.0.1', 8080, 8080, 8080)] },
    expect: [
      { zone: 'host', address: '127.0.0.1', port: 8080, verdict: 'open', decidedBy: 'publishing' },
      { zone: 'internet', address: '127.0.0.1', port: 8080, verdict: 'blocked', decidedBy: 'publishing' },
      { zone: 'tailnet', address: '127.0.0.1', port: 8080, verdict: 'blocked', decidedBy: 'publishing' },
      { zone: 'platform', address: '127.0.0.1', port: 8080, verdict: 'blocked', decidedBy: 'publishing' },
    ],
  },
  {
    name: 'bound to the Tailscale address: the tailnet policy is the only gate',
    parts: {
      cloud: 'none',
      publishing: [publish(TAILSCALE_IP, 8080, 8080, 8080)],
      // Even a DOCKER-USER drop-all does not matter: tailscaled accepts on tailscale0.
      dockerUser: [{ action: 'drop', origin: 'du:drop-all' }],
      grants: [{ sources: ['group:users'], destinations: ['tag:host'], protocol: 'tcp', ports: portRange(8080), origin: o('acl:0') }],
    },
    expect: [
      { zone: 'tailnet', address: TAILSCALE_IP, port: 8080, verdict: 'open', decidedBy: 'tailnet', source: 'group:users' },
      { zone: 'internet', address: TAILSCALE_IP, port: 8080, verdict: 'blocked', decidedBy: 'publishing' },
      { zone: 'tailnet', address: '0.0.0.0', port: 22, verdict: 'blocked', decidedBy: 'tailnet' },
    ],
  },
  {
    name: 'no grant for the port: the tailnet zone is blocked by the tailnet policy',
    parts: { publishing: [publish(TAILSCALE_IP, 8080, 8080, 8080)], grants: [] },
    expect: [{ zone: 'tailnet', address: TAILSCALE_IP, port: 8080, verdict: 'blocked', decidedBy: 'tailnet' }],
  },
  {
    name: 'no tailnet policy known: Tailscale allows all, so host sockets on 0.0.0.0 are open to the tailnet',
    parts: { grants: 'none' },
    expect: [{ zone: 'tailnet', address: '0.0.0.0', port: 22, verdict: 'open', decidedBy: 'tailnet' }],
  },
  {
    name: 'containers are reached directly only from the platform network and the host',
    parts: { cloud: 'none', grants: 'none' },
    expect: [
      { zone: 'platform', address: BACKEND_IP, port: 8080, verdict: 'open', decidedBy: 'sockets' },
      { zone: 'host', address: BACKEND_IP, port: 8080, verdict: 'open', decidedBy: 'sockets' },
      { zone: 'internet', address: BACKEND_IP, port: 8080, verdict: 'blocked', decidedBy: 'publishing' },
      { zone: 'tailnet', address: BACKEND_IP, port: 8080, verdict: 'blocked', decidedBy: 'publishing' },
    ],
  },
  {
    name: 'the platform zone reaches host sockets only through INPUT on its bridge',
    parts: { inputPolicy: 'drop', input: [{ action: 'accept', protocol: 'udp', ports: portRange(41641), inInterface: 'eth0', origin: 'fw:wg' }] },
    expect: [
      { zone: 'platform', address: '0.0.0.0', port: 22, verdict: 'blocked', decidedBy: 'firewall' },
      { zone: 'platform', address: '0.0.0.0', port: 41641, protocol: 'udp', verdict: 'blocked', decidedBy: 'firewall' },
    ],
  },
];

function find(rows: readonly MatrixRow[], e: Expect): MatrixRow | undefined {
  const bare = (a: string) => canonicalAddress(a);
  return rows.find(
    (r) =>
      r.zone === e.zone &&
      (r.via !== 'container') === !(e.address === BACKEND_IP) &&
      bare(r.address) === bare(e.address) &&
      e.port >= r.port &&
      e.port <= (r.portEnd ?? r.port) &&
      r.protocol === (e.protocol ?? 'tcp'),
  );
}

describe('reachability on hand-built states', () => {
  it.each(CASES)('$name', ({ parts, expect: expected }) => {
    const matrix = computeMatrix(buildState(parts));
    for (const e of expected) {
      const row = find(matrix, e);
      if (e.verdict === 'absent') {
        expect(row, `${e.zone} ${e.address}:${e.port}`).toBeUndefined();
        continue;
      }
      expect(row, `${e.zone} ${e.address}:${e.port}`).toBeDefined();
      expect({ verdict: row?.verdict, decidedBy: row?.decidedBy }, `${e.zone} ${e.address}:${e.port}`).toEqual({ verdict: e.verdict, decidedBy: e.decidedBy });
      if (e.source !== undefined) expect(row?.source).toBe(e.source);
      if (e.assumed !== undefined) expect(row?.assumed === true, 'assumed').toBe(e.assumed);
    }
  });

  it('names the binding as the cause of a published cell', () => {
    const matrix = computeMatrix(buildState({ cloud: 'none', publishing: [publish('0.0.0.0', 8080, 8080, 8080)] }));
    const row = find(matrix, { zone: 'internet', address: '0.0.0.0', port: 8080, verdict: 'open' });
    expect(row?.cause?.file).toBe('services.db.publish[0]');
    expect(row?.via).toBe('publish');
  });

  it('is deterministic and independent of the order of the state', () => {
    const a = buildState({ cloud: [SSH_ADMIN, WG_WORLD], publishing: [publish('0.0.0.0', 8080, 8080, 8080)] });
    const b = {
      ...a,
      sockets: { ...a.sockets, listeners: [...a.sockets.listeners].reverse() },
      cloud: { ...a.cloud, ingress: [...a.cloud.ingress].reverse() },
    };
    expect(JSON.stringify(computeMatrix(b))).toBe(JSON.stringify(computeMatrix(a)));
  });
});
