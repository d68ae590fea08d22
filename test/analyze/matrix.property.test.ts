// computeMatrix against the brute force of brute-force.ts on small random
// exposure states: a few host listeners, publications and container sockets,
// a security group, an INPUT chain and DOCKER-USER chains, a tailnet policy,
// each layer present or not.
// - Soundness: every (zone, socket, port, source) the brute force lets through
//   is in an open cell of that zone covering that port, and for the internet
//   and the admin the cell's sources hold that source.
// - Precision, where the brute force is exact (the public interface and
//   addresses known, nothing unreadable): every port of an open cell is
//   reached, and from exactly the sources the cell names.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MatrixRow } from '../../src/analyze/reachability.js';
import { computeMatrix } from '../../src/analyze/reachability.js';
import type {
  Binding,
  CloudRule,
  ExposureState,
  FieldMatch,
  FirewallRule,
  Listener,
  PortRange,
  RuleMatch,
  RuleVerdict,
  TailnetGrant,
} from '../../src/analyze/state.js';
import type { Protocol } from '../../src/model/types.js';
import type { Fact } from './brute-force.js';
import { bruteForce, HOST_PORTS, inCidr, isExact, UNIVERSE } from './brute-force.js';

const CONTAINER_PORTS = [9000, 9001, 9002, 9003] as const;
const CONTAINER_IP = '172.20.0.33';

// ---------------------------------------------------------------- arbitraries

const optional = <T>(arb: fc.Arbitrary<T>, weight = 2): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight }, { arbitrary: arb, weight: 1 });
const protocol = fc.constantFrom<Protocol>('tcp', 'udp');
const hostPort = fc.constantFrom(...HOST_PORTS);
const hostRange: fc.Arbitrary<PortRange> = fc.tuple(hostPort, fc.integer({ min: 0, max: 3 })).map(([from, n]) => ({ from, to: Math.min(8007, from + n) }));
const containerRange: fc.Arbitrary<PortRange> = fc
  .tuple(fc.constantFrom(...CONTAINER_PORTS), fc.integer({ min: 0, max: 2 }))
  .map(([from, n]) => ({ from, to: Math.min(9003, from + n) }));

/** CIDRs cut from the tiny public spaces, and world-ish pieces and special ranges. */
const tinyV4 = fc
  .tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 3 }))
  .map(([i, bits]) => `203.0.113.${8 + Math.floor(i / 2 ** bits) * 2 ** bits}/${32 - bits}`);
const tinyV6 = fc
  .tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 3 }))
  .map(([i, bits]) => `2001:db8::${Math.floor(i / 2 ** bits) * 2 ** bits}/${128 - bits}`);
const special = fc.constantFrom(
  '0.0.0.0/0',
  '::/0',
  '0.0.0.0/1',
  '128.0.0.0/1',
  '::/1',
  '8000::/1',
  '100.64.0.0/10',
  '172.20.0.0/16',
  'fd7a:115c:a1e0::/48',
  '127.0.0.0/8',
);
const cidr = fc.oneof({ arbitrary: tinyV4, weight: 3 }, { arbitrary: tinyV6, weight: 2 }, { arbitrary: special, weight: 2 });
const negatable = <T>(values: fc.Arbitrary<T[]>): fc.Arbitrary<FieldMatch<T>> =>
  fc.tuple(values, fc.integer({ min: 0, max: 4 })).map(([v, n]) => (n === 0 ? { values: v, negate: true } : { values: v }));

const LISTEN_ADDRESSES = [
  '0.0.0.0',
  '::',
  '0:0::0',
  '127.0.0.1',
  '::1',
  '[::1]',
  '::ffff:127.0.0.1',
  '100.64.0.10',
  'fd7a:115c:a1e0::10',
  '198.51.100.1',
  '172.20.0.1',
];
const PUBLISH_ADDRESSES = ['', '0.0.0.0', '::', '[::]', '127.0.0.1', '::1', '100.64.0.10', 'fd7a:115c:a1e0::10', '198.51.100.1'];

interface Spec {
  readonly publicInterface: string | undefined;
  readonly publicAddresses: readonly string[];
  readonly tailscaleAddresses: readonly string[];
  readonly adminCidrs: readonly string[];
  readonly hostListeners: readonly { address: string; port: number; protocol: Protocol }[];
  readonly containerListeners: readonly { port: number; protocol: Protocol }[];
  readonly bindings: readonly { hostAddress: string; hostPorts: PortRange; containerPort: number | 'same'; containerAddress: boolean; protocol: Protocol }[];
  readonly cloud: readonly { protocol: string; ports: PortRange | undefined; cidrs: string[]; unresolved: boolean }[] | undefined;
  readonly firewall:
    | {
        readonly inputPolicy: 'accept' | 'drop';
        readonly input: readonly [RuleMatch, RuleVerdict][];
        readonly user4: readonly [RuleMatch, RuleVerdict][];
        readonly user6: readonly [RuleMatch, RuleVerdict][] | undefined;
      }
    | undefined;
  readonly tailnet: readonly { destinations: string[]; protocol: Protocol | 'any'; ports: PortRange | undefined }[] | undefined;
  readonly socketsPresent: boolean;
}

const compact = (m: Record<string, unknown>): RuleMatch => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as RuleMatch;

const inputMatch: fc.Arbitrary<RuleMatch> = fc
  .record({
    iif: optional(negatable(fc.array(fc.constantFrom('eth0', 'ens5', 'e*', 'tailscale0', 'br-*', 'lo'), { minLength: 1, maxLength: 2 }))),
    saddr: optional(negatable(fc.array(cidr, { minLength: 1, maxLength: 2 }))),
    dport: optional(negatable(fc.array(hostRange, { minLength: 1, maxLength: 2 })), 1),
    protocol: optional(fc.record({ values: fc.constantFrom<Protocol[]>(['tcp'], ['udp']) })),
    ctState: optional(fc.record({ values: fc.constantFrom(['established', 'related'], ['new']) }), 4),
    unknown: optional(fc.constant(['meta mark 0x1']), 12),
  })
  .map(compact);
const inputVerdict = fc.constantFrom<RuleVerdict>(
  { kind: 'accept' },
  { kind: 'accept' },
  { kind: 'drop' },
  { kind: 'drop' },
  { kind: 'drop' },
  { kind: 'continue' },
  { kind: 'unknown', text: 'queue num 1' },
);

const userMatch: fc.Arbitrary<RuleMatch> = fc
  .record({
    iif: optional(negatable(fc.array(fc.constantFrom('eth0', 'ens5', 'e*', 'tailscale0', 'br-*'), { minLength: 1, maxLength: 1 }))),
    saddr: optional(negatable(fc.array(cidr, { minLength: 1, maxLength: 2 }))),
    // After DNAT the destination port is the container's: what DOCKER-USER sees.
    dport: optional(negatable(fc.array(fc.oneof(containerRange, hostRange), { minLength: 1, maxLength: 2 }))),
    ctOrigDaddr: optional(
      negatable(fc.array(fc.constantFrom('198.51.100.1', '100.64.0.10', '127.0.0.1', '0.0.0.0/0', '2001:db8:ff::1', '::/0'), { minLength: 1, maxLength: 2 })),
    ),
    ctOrigDport: optional(negatable(fc.array(hostRange, { minLength: 1, maxLength: 1 }))),
    protocol: optional(fc.record({ values: fc.constantFrom<Protocol[]>(['tcp'], ['udp']) })),
    ctState: optional(fc.record({ values: fc.constantFrom(['established', 'related'], ['dnat']) }), 4),
    unknown: optional(fc.constant(['limit rate 10/second']), 12),
  })
  .map(compact);
const userVerdict = fc.constantFrom<RuleVerdict>({ kind: 'accept' }, { kind: 'drop' }, { kind: 'drop' }, { kind: 'return' });

const specArb: fc.Arbitrary<Spec> = fc.record({
  publicInterface: fc.constantFrom('eth0', 'eth0', undefined),
  publicAddresses: fc.constantFrom([], ['198.51.100.1', '2001:db8:ff::1'], ['198.51.100.1', '2001:db8:ff::1'], ['198.51.100.1']),
  tailscaleAddresses: fc.constantFrom(['100.64.0.10'], ['100.64.0.10', 'fd7a:115c:a1e0::10']),
  adminCidrs: fc.constantFrom([], ['203.0.113.10/32'], ['203.0.113.8/30'], ['203.0.113.10/32', '2001:db8::2/128'], ['2001:db8::/126']),
  hostListeners: fc.array(fc.record({ address: fc.constantFrom(...LISTEN_ADDRESSES), port: hostPort, protocol }), { maxLength: 3 }),
  containerListeners: fc.array(fc.record({ port: fc.constantFrom(...HOST_PORTS.slice(0, 3), ...CONTAINER_PORTS), protocol }), { maxLength: 2 }),
  bindings: fc.array(
    fc.record({
      hostAddress: fc.constantFrom(...PUBLISH_ADDRESSES),
      hostPorts: hostRange,
      containerPort: fc.constantFrom<number | 'same'>('same', ...CONTAINER_PORTS),
      containerAddress: fc.boolean(),
      protocol,
    }),
    { maxLength: 3 },
  ),
  cloud: optional(
    fc.array(
      fc.record({
        protocol: fc.constantFrom('tcp', 'udp', 'all', 'icmp'),
        ports: optional(hostRange, 1),
        cidrs: fc.array(cidr, { maxLength: 2 }),
        unresolved: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      }),
      { maxLength: 3 },
    ),
    1,
  ),
  firewall: optional(
    fc.record({
      inputPolicy: fc.constantFrom<'accept' | 'drop'>('accept', 'drop'),
      input: fc.array(fc.tuple(inputMatch, inputVerdict), { maxLength: 4 }),
      user4: fc.array(fc.tuple(userMatch, userVerdict), { maxLength: 3 }),
      user6: optional(fc.array(fc.tuple(userMatch, userVerdict), { maxLength: 2 }), 1),
    }),
    1,
  ),
  tailnet: optional(
    fc.array(
      fc.record({
        destinations: fc.constantFrom(['*'], ['tag:host'], ['100.64.0.10'], ['tag:other']),
        protocol: fc.constantFrom<Protocol | 'any'>('tcp', 'udp', 'any'),
        ports: optional(hostRange, 1),
      }),
      { maxLength: 3 },
    ),
    1,
  ),
  socketsPresent: fc.constantFrom(true, true, false),
});

/** The state a spec describes; every fact gets its own origin line, so cells can be told apart by where they were read. */
function stateOf(spec: Spec): ExposureState {
  let line = 0;
  const at = (file: string) => ({ file, line: (line += 1) });
  const rule =
    (file: string) =>
    ([match, verdict]: [RuleMatch, RuleVerdict]): FirewallRule => ({ match, verdict, origin: at(file) });
  const listeners: Listener[] = [
    ...spec.hostListeners.map((l): Listener => ({ kind: 'host', owner: 'proc', ...l, origin: at('ss') })),
    ...spec.containerListeners.map((l): Listener => ({ kind: 'container', owner: 'db', address: CONTAINER_IP, ...l, origin: at('compose') })),
  ];
  const bindings = spec.bindings.map(
    (b): Binding => ({
      service: 'db',
      hostAddress: b.hostAddress,
      hostPorts: b.hostPorts,
      ...(b.containerAddress ? { containerAddress: CONTAINER_IP } : {}),
      containerPort: b.containerPort === 'same' ? b.hostPorts.from : b.containerPort,
      protocol: b.protocol,
      origin: at('compose'),
    }),
  );
  const cloud = (spec.cloud ?? []).map(
    (r): CloudRule => ({
      protocol: r.protocol,
      ...(r.ports ? { ports: r.ports } : {}),
      cidrs: r.cidrs,
      ...(r.unresolved ? { unresolvedSources: ['sg-0123'] } : {}),
      origin: at('sg'),
    }),
  );
  const fw = spec.firewall;
  const grants = (spec.tailnet ?? []).map(
    (g): TailnetGrant => ({
      sources: ['group:admins'],
      destinations: g.destinations,
      protocol: g.protocol,
      ...(g.ports ? { ports: g.ports } : {}),
      origin: at('policy'),
    }),
  );
  const docker = (v: 4 | 6, rules: readonly [RuleMatch, RuleVerdict][]) => ({
    name: `${v === 4 ? 'ip' : 'ip6'} filter DOCKER-USER`,
    family: v === 4 ? ('ip' as const) : ('ip6' as const),
    // Docker's own last rule: RETURN.
    rules: [...rules.map(rule('du')), { match: {}, verdict: { kind: 'return' as const }, origin: at('du') }],
    origin: at('du'),
  });
  return {
    host: {
      ...(spec.publicInterface !== undefined ? { publicInterface: spec.publicInterface } : {}),
      publicAddresses: spec.publicAddresses,
      tailscaleInterface: 'tailscale0',
      tailscaleAddresses: spec.tailscaleAddresses,
      platformInterfaces: ['br-test'],
      platformSubnets: ['172.20.0.0/16'],
      adminCidrs: spec.adminCidrs,
    },
    cloud: { present: spec.cloud !== undefined, ingress: cloud, groups: [] },
    firewall: {
      present: fw !== undefined,
      dockerUserImplied: true,
      chains: fw
        ? [
            {
              name: 'inet filter input',
              hook: 'input',
              family: 'inet',
              priority: 0,
              policy: fw.inputPolicy,
              rules: fw.input.map(rule('fw')),
              origin: at('fw'),
            },
            docker(4, fw.user4),
            ...(fw.user6 ? [docker(6, fw.user6)] : []),
          ]
        : [],
    },
    publishing: { present: true, bindings },
    sockets: { present: spec.socketsPresent, listeners },
    services: [],
    tailnet: { present: spec.tailnet !== undefined, hostIdentities: ['tag:host', ...spec.tailscaleAddresses], grants, tagOwners: {}, groups: {} },
    gateway: { present: false, servers: [] },
  };
}

// ---------------------------------------------------------------- comparison

const PUBLIC_ZONES = new Set(['internet', 'admin']);
const lineOf = (r: MatrixRow): number => r.at?.line ?? 0;
const covering = (rows: readonly MatrixRow[], f: Fact): MatrixRow[] =>
  rows.filter(
    (r) =>
      r.zone === f.zone &&
      r.via === f.via &&
      r.address === f.address &&
      r.protocol === f.protocol &&
      lineOf(r) === f.line &&
      f.port >= r.port &&
      f.port <= (r.portEnd ?? r.port),
  );

/** Soundness: what the brute force lets through, the matrix shows open, from that source. Returns the first miss. */
function unsoundFact(state: ExposureState, rows = computeMatrix(state)): { fact: Fact; rows: MatrixRow[] } | undefined {
  for (const fact of bruteForce(state)) {
    const cells = covering(rows, fact);
    const open = cells.filter((r) => r.verdict === 'open' && (!PUBLIC_ZONES.has(r.zone) || (r.sourceCidrs ?? []).some((c) => inCidr(fact.source, c))));
    if (open.length === 0) return { fact, rows: cells };
  }
  return undefined;
}

const sameFamily = (a: string, b: string) => a.includes(':') === b.includes(':');

/** Precision (exact states only): an open cell's every port is reached, from exactly its sources. Returns the first imprecise cell. */
function impreciseCell(state: ExposureState, rows = computeMatrix(state)): { row: MatrixRow; port: number; want: string[]; got: string[] } | undefined {
  const facts = bruteForce(state);
  const zoneOf = (a: string) => (state.host.adminCidrs.some((c) => inCidr(a, c)) ? 'admin' : 'internet');
  for (const row of rows) {
    if (row.verdict !== 'open' || row.via === 'gateway') continue;
    const ports = (row.via === 'container' ? [...HOST_PORTS, ...CONTAINER_PORTS] : HOST_PORTS).filter((p) => p >= row.port && p <= (row.portEnd ?? row.port));
    for (const port of ports) {
      const got = facts
        .filter(
          (f) =>
            f.zone === row.zone && f.via === row.via && f.address === row.address && f.protocol === row.protocol && f.line === lineOf(row) && f.port === port,
        )
        .map((f) => f.source);
      const want = PUBLIC_ZONES.has(row.zone)
        ? UNIVERSE.filter((a) => sameFamily(a, row.address || '0.0.0.0') && zoneOf(a) === row.zone && (row.sourceCidrs ?? []).some((c) => inCidr(a, c)))
        : got.length > 0
          ? got
          : ['(some source)'];
      if (got.length !== want.length || got.some((g, i) => g !== want[i])) return { row, port, want, got };
    }
  }
  return undefined;
}

const show = (x: unknown): string => JSON.stringify(x, null, 1);

/**
 * Known bug (reported to the lead; see the `it.fails` below): DOCKER-USER's
 * `dport` is the container port, but src/analyze/targets.ts segmentStarts
 * (line ~104-106) cuts host-port ranges at it untranslated, so a published
 * range whose container port differs from its host port is judged at one port
 * for a whole segment over which the verdict changes. Until it is fixed the
 * random properties leave such ranges out; set this to false to put them back.
 */
const SKIP_KNOWN_SEGMENT_BUG = false;
const avoidsKnownBugs = (spec: Spec): boolean =>
  !SKIP_KNOWN_SEGMENT_BUG ||
  spec.bindings.every((b) => b.hostPorts.to === b.hostPorts.from || b.containerPort === 'same' || b.containerPort === b.hostPorts.from);

describe('computeMatrix against a brute force over concrete sources and ports (property)', () => {
  it('is sound: every packet the brute force lets through is in an open cell, from that source', () => {
    fc.assert(
      fc.property(specArb.filter(avoidsKnownBugs), (spec) => {
        const state = stateOf(spec);
        const miss = unsoundFact(state);
        expect(miss, miss ? `brute force lets through ${show(miss.fact)}; cells: ${show(miss.rows)}` : '').toBeUndefined();
      }),
      { numRuns: Number(process.env.MOAT_RUNS ?? 200) },
    );
  });

  it('is precise where the semantics are exact: every port of an open cell is reached, from exactly its sources', () => {
    fc.assert(
      fc.property(
        specArb.filter((s) => avoidsKnownBugs(s) && isExact(stateOf(s))),
        (spec) => {
          const state = stateOf(spec);
          const bad = impreciseCell(state);
          expect(
            bad,
            bad ? `cell ${show(bad.row)} on port ${bad.port}: brute force reaches from ${show(bad.got)}, the cell names ${show(bad.want)}` : '',
          ).toBeUndefined();
        },
      ),
      { numRuns: Number(process.env.MOAT_RUNS ?? 200) },
    );
  });
});

describe('counterexamples the properties found', () => {
  const base: Spec = {
    publicInterface: 'eth0',
    publicAddresses: ['198.51.100.1', '2001:db8:ff::1'],
    tailscaleAddresses: ['100.64.0.10'],
    adminCidrs: ['203.0.113.10/32'],
    hostListeners: [],
    containerListeners: [],
    bindings: [],
    cloud: undefined,
    firewall: undefined,
    tailnet: [],
    socketsPresent: true,
  };

  // BUG (src/analyze/targets.ts, segmentStarts, lines 104-106): DOCKER-USER's
  // `dport` is the port after DNAT (the container's), but its boundaries are
  // added to the host-port segments untranslated. 0.0.0.0:8000-8001 → 9000-9001
  // with `tcp dport 9000 drop` in DOCKER-USER: the segment 8000-8001 is judged
  // at 8000 (→ 9000, dropped) and shown blocked, yet 8001 (→ 9001) is open to
  // every source. Fix: for each binding, add each forward-rule dport boundary
  // translated to the host port (hostPorts.from + (boundary − containerPort))
  // when it falls inside hostPorts.
  it('a published range whose container port differs is cut where DOCKER-USER dport changes its verdict', () => {
    const state = stateOf({
      ...base,
      bindings: [{ hostAddress: '0.0.0.0', hostPorts: { from: 8000, to: 8001 }, containerPort: 9000, containerAddress: true, protocol: 'tcp' }],
      firewall: {
        inputPolicy: 'accept',
        input: [],
        user4: [[{ protocol: { values: ['tcp'] }, dport: { values: [{ from: 9000, to: 9000 }] } }, { kind: 'drop' }]],
        user6: undefined,
      },
    });
    expect(bruteForce(state).some((f) => f.zone === 'internet' && f.port === 8001 && f.address === '0.0.0.0')).toBe(true);
    expect(unsoundFact(state)).toBeUndefined();
  });

  it('the same range, with the container port equal to the host port, is cut right', () => {
    const state = stateOf({
      ...base,
      bindings: [{ hostAddress: '0.0.0.0', hostPorts: { from: 8000, to: 8001 }, containerPort: 'same', containerAddress: true, protocol: 'tcp' }],
      firewall: {
        inputPolicy: 'accept',
        input: [],
        user4: [[{ protocol: { values: ['tcp'] }, dport: { values: [{ from: 8000, to: 8000 }] } }, { kind: 'drop' }]],
        user6: undefined,
      },
    });
    const rows = computeMatrix(state).filter((r) => r.zone === 'internet' && r.address === '0.0.0.0');
    expect(rows.map((r) => `${r.port}-${r.portEnd ?? r.port} ${r.verdict}`)).toEqual(['8000-8000 blocked', '8001-8001 open']);
    expect(unsoundFact(state)).toBeUndefined();
    expect(impreciseCell(state)).toBeUndefined();
  });
});
