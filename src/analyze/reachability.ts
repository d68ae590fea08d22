// The exposure matrix: for each zone and each target, whether every layer on
// the path lets it through, and which layer decided. Blocked cells name the
// outermost layer that blocks; open cells name the outermost layer that
// explicitly allowed them (cloud for the internet, the tailnet policy for the
// tailnet), and `cause` is where what opens or blocks it was read.
// A layer that is not present lets everything through: unknown is open.
import { canonicalAddress } from '../model/net.js';
import { byText } from '../model/order.js';
import type { Protocol, ZoneName } from '../model/types.js';
import type { CidrSet } from './cidr-set.js';
import { cidrSet, intersect, isEmpty, onlyFamily, setEquals, toList, union, WORLD } from './cidr-set.js';
import type { AddressSpec, Packet } from './firewall-eval.js';
import { evaluateHook } from './firewall-eval.js';
import type { ExposureState, Layer, Origin } from './state.js';
import { inRange } from './state.js';
import type { Target, Via, Zone } from './targets.js';
import { classify, LOOPBACK, reachableFrom, targetsOf, ZONE_ORDER, zonesOf } from './targets.js';

export interface MatrixRow {
  readonly zone: ZoneName;
  readonly address: string;
  readonly port: number;
  readonly portEnd?: number;
  readonly protocol: Protocol;
  readonly verdict: 'open' | 'blocked';
  readonly decidedBy: Layer;
  /** The platform service (or host process: sshd, tailscaled; `unknown` when assumed) behind the target. */
  readonly service?: string;
  /** Who inside the zone gets through (CIDRs, a tailnet group). */
  readonly source?: string;
  readonly sourceCidrs?: readonly string[];
  /** host socket, published binding, container socket, or a gateway route to an upstream. */
  readonly via: Via;
  /** The gateway route's path and port, for rows via the gateway. */
  readonly route?: { readonly path: string; readonly origin: number };
  /** No socket listing said anything listens here: open if something does. */
  readonly assumed?: boolean;
  /** Where what opens or blocks this cell was read. */
  readonly cause?: Origin;
  /** Where the target itself was read (the binding, the listener). */
  readonly at?: Origin;
  readonly reason: string;
}

type Cell = Pick<MatrixRow, 'verdict' | 'decidedBy' | 'reason'> & Partial<Pick<MatrixRow, 'source' | 'sourceCidrs' | 'cause'>>;

const blocked = (decidedBy: Layer, reason: string, cause?: Origin): Cell => ({ verdict: 'blocked', decidedBy, reason, ...(cause ? { cause } : {}) });

/** `zoneSources` is the zone's part of the target's family: reaching all of it is "any". */
function describe(reach: CidrSet, zone: Zone, zoneSources: CidrSet): Pick<MatrixRow, 'source' | 'sourceCidrs'> {
  const list = toList(reach);
  const whole = setEquals(reach, zoneSources);
  const source = whole && zone.name === 'internet' ? 'any' : list.length <= 4 ? list.join(', ') : `${list.slice(0, 4).join(', ')}, … (${list.length} CIDRs)`;
  return { source, sourceCidrs: list };
}

/** The host's own address as an internet packet names it: known, or any address that is not a special one. */
function publicDestination(state: ExposureState, t: Target): AddressSpec {
  const cls = classify(t.address, state);
  if (cls === 'public') return { kind: 'exact', address: t.address };
  const known = state.host.publicAddresses.map(canonicalAddress).find((a) => (a.includes(':') ? 6 : 4) === t.family);
  if (known) return { kind: 'exact', address: known };
  const special = union(LOOPBACK, cidrSet(state.host.tailscaleAddresses.map(canonicalAddress)), cidrSet(state.host.platformSubnets));
  return { kind: 'any-except', except: special };
}

function knownOther(state: ExposureState): string[] {
  return ['lo', state.host.tailscaleInterface, ...state.host.platformInterfaces];
}

function packetFor(state: ExposureState, t: Target, iif: string | undefined, daddr: AddressSpec): { hook: 'input' | 'forward'; packet: Packet } {
  const port = t.ports.from;
  const base = { iif, knownOtherInterfaces: knownOther(state), protocol: t.protocol };
  const sameFamily = t.binding?.containerAddress === undefined || (t.binding.containerAddress.includes(':') ? 6 : 4) === t.family;
  // A host socket; or a publication of the other family than the container's address, which
  // Docker serves with its userland proxy listening on the host (INPUT, not a DNAT to FORWARD).
  if (t.via !== 'publish' || !t.binding || !sameFamily) return { hook: 'input', packet: { ...base, dport: port, daddr, ctState: ['new'] } };
  // Docker DNATs a published port before INPUT: FORWARD sees the container's address and port,
  // conntrack keeps the original destination (which DOCKER-USER rules match).
  const b = t.binding;
  const container: AddressSpec = b.containerAddress
    ? { kind: 'exact', address: canonicalAddress(b.containerAddress) }
    : { kind: 'any-except', except: LOOPBACK };
  const oif = state.host.platformInterfaces[0];
  return {
    hook: 'forward',
    packet: {
      ...base,
      ...(oif && !oif.endsWith('*') ? { oif } : {}),
      dport: b.containerPort + (port - b.hostPorts.from),
      daddr: container,
      ctOrigDaddr: daddr,
      ctOrigDport: port,
      ctState: ['new', 'dnat'],
    },
  };
}

function viaPublic(state: ExposureState, zone: Zone, t: Target, sources: CidrSet): Cell {
  let reach = sources;
  let allowedBy: Layer | undefined;
  let cause: Origin | undefined;
  if (state.cloud.present) {
    const rules = state.cloud.ingress.filter((r) => (r.protocol === 'all' || r.protocol === t.protocol) && inRange(r.ports, t.ports.from));
    const admitted = union(cidrSet(rules.flatMap((r) => r.cidrs)), rules.some((r) => (r.unresolvedSources ?? []).length > 0) ? WORLD : cidrSet([]));
    reach = intersect(reach, admitted);
    if (isEmpty(reach)) return blocked('cloud', `no security-group rule admits ${zone.name} on ${t.ports.from}/${t.protocol}`);
    allowedBy = 'cloud';
    cause = rules.find((r) => (r.unresolvedSources ?? []).length > 0 || !isEmpty(intersect(sources, cidrSet(r.cidrs))))?.origin;
  }
  const daddr: AddressSpec =
    t.via === 'publish' && classify(t.address, state) !== 'wildcard' ? { kind: 'exact', address: t.address } : publicDestination(state, t);
  const { hook, packet } = packetFor(state, t, state.host.publicInterface, daddr);
  const result = evaluateHook(state.firewall, hook, packet, reach);
  if (isEmpty(result.accepted)) {
    const name = hook === 'input' ? 'INPUT' : 'FORWARD (DOCKER-USER)';
    return blocked('firewall', `${name} drops it${result.droppedBy.length === 0 ? ' (chain policy)' : ''}`, result.droppedBy[0]?.origin);
  }
  reach = result.accepted;
  if (!allowedBy && result.acceptedBy.length > 0) {
    allowedBy = 'firewall';
    cause = result.acceptedBy[0]?.origin;
  }
  const at = t.origin;
  return {
    verdict: 'open',
    decidedBy: allowedBy ?? (t.via === 'publish' ? 'publishing' : 'sockets'),
    reason: t.via === 'publish' ? `published on ${t.address}` : t.assumed ? `anything listening on ${t.address}` : `listens on ${t.address}`,
    ...(t.via === 'publish' && at ? { cause: at } : cause ? { cause } : at ? { cause: at } : {}),
    ...describe(reach, zone, sources),
  };
}

/** tailscaled accepts everything arriving on tailscale0: the tailnet policy is the only gate. */
function viaTailnet(state: ExposureState, t: Target): Cell {
  const { tailnet } = state;
  const grants = tailnet.grants.filter(
    (g) =>
      (g.protocol === 'any' || g.protocol === t.protocol) &&
      inRange(g.ports, t.ports.from) &&
      g.destinations.some((d) => d === '*' || tailnet.hostIdentities.includes(d)),
  );
  if (tailnet.present && grants.length === 0) return blocked('tailnet', `no tailnet grant to this host on ${t.ports.from}/${t.protocol}`, tailnet.origin);
  const cause = t.via === 'publish' ? t.origin : (grants[0]?.origin ?? t.origin);
  return {
    verdict: 'open',
    decidedBy: 'tailnet',
    reason: tailnet.present ? 'granted by the tailnet policy' : 'no tailnet policy known (Tailscale allows all by default)',
    source: tailnet.present ? [...new Set(grants.flatMap((g) => g.sources))].join(', ') : '*',
    ...(cause ? { cause } : {}),
  };
}

function viaPlatform(state: ExposureState, zone: Zone, t: Target, sources: CidrSet): Cell {
  if (t.via === 'host') {
    // A concrete bridge name: a named one, or a name the first pattern matches (`br-*` → `br-x`).
    const iif = state.host.platformInterfaces.find((i) => !i.endsWith('*')) ?? state.host.platformInterfaces[0]?.replace(/\*$/, 'x') ?? 'br-platform';
    const daddr: AddressSpec = classify(t.address, state) === 'wildcard' ? publicDestination(state, t) : { kind: 'exact', address: t.address };
    const result = evaluateHook(state.firewall, 'input', { iif, protocol: t.protocol, dport: t.ports.from, daddr, ctState: ['new'] }, sources);
    if (isEmpty(result.accepted)) return blocked('firewall', 'INPUT drops it from the platform bridge', result.droppedBy[0]?.origin);
    const cause = result.acceptedBy[0]?.origin ?? t.origin;
    return {
      verdict: 'open',
      decidedBy: 'firewall',
      reason: 'INPUT accepts it from the platform bridge',
      ...(cause ? { cause } : {}),
      ...describe(result.accepted, zone, sources),
    };
  }
  return {
    verdict: 'open',
    decidedBy: t.via === 'publish' ? 'publishing' : 'sockets',
    reason: 'on the platform network',
    ...(t.origin ? { cause: t.origin } : {}),
    ...describe(sources, zone, sources),
  };
}

export function evaluate(state: ExposureState, zone: Zone, t: Target): Cell | undefined {
  const sources = onlyFamily(zone.sources, t.family);
  // A zone with no address of this family (an IPv4 admin /32 and an IPv6 target) has no cell here.
  if (isEmpty(sources)) return undefined;
  // A container socket lives on the bridge whatever its address says (a misplaced one is an address finding).
  const cls = t.via === 'container' ? 'platform' : classify(t.address, state);
  if (!reachableFrom(cls, zone.arrives)) {
    const what = t.via === 'publish' ? `published on ${t.address} only` : t.via === 'container' ? 'not published' : `bound to ${t.address} only`;
    return blocked(t.via === 'host' ? 'sockets' : 'publishing', what, t.origin);
  }
  switch (zone.arrives) {
    case 'public':
      return viaPublic(state, zone, t, sources);
    case 'tailnet':
      return viaTailnet(state, t);
    case 'local':
      return {
        verdict: 'open',
        decidedBy: t.via === 'publish' ? 'publishing' : 'sockets',
        reason: 'local to the host',
        ...(t.origin ? { cause: t.origin } : {}),
        source: 'localhost',
      };
    case 'platform':
      return viaPlatform(state, zone, t, sources);
  }
}

/** The services an upstream host (address or name) names, by the artifacts' addresses and aliases. */
function upstreamService(state: ExposureState, host: string): string | undefined {
  const bare = canonicalAddress(host);
  const index = upstreamIndex(state);
  const byFacts = index.services.get(bare);
  if (byFacts !== undefined) return byFacts;
  return index.listeners.get(bare)?.owner;
}

interface UpstreamIndex {
  /** Address, alias or name → the first service (in state order) that has it. */
  readonly services: ReadonlyMap<string, string>;
  /** Canonical address → the first container listener on it. */
  readonly listeners: ReadonlyMap<string, { readonly owner?: string }>;
}

// Built once per state: a scan of every service per gateway location grew with the square of the platform.
const upstreamIndexes = new WeakMap<ExposureState, UpstreamIndex>();

function upstreamIndex(state: ExposureState): UpstreamIndex {
  const known = upstreamIndexes.get(state);
  if (known) return known;
  const services = new Map<string, string>();
  const add = (key: string, name: string): void => {
    if (!services.has(key)) services.set(key, name);
  };
  for (const s of state.services) {
    for (const a of s.addresses) add(canonicalAddress(a), s.name);
    for (const a of s.aliases) add(a, s.name);
    add(s.name, s.name);
  }
  const listeners = new Map<string, { readonly owner?: string }>();
  for (const l of state.sockets.listeners) {
    if (l.kind !== 'container') continue;
    const key = canonicalAddress(l.address);
    if (!listeners.has(key)) listeners.set(key, l);
  }
  const index = { services, listeners };
  upstreamIndexes.set(state, index);
  return index;
}

/** Zones that reach a gateway publication also reach, at the HTTP level, every upstream its servers route to. */
function gatewayRows(state: ExposureState, direct: readonly MatrixRow[]): MatrixRow[] {
  const gw = state.gateway;
  if (!gw.present) return [];
  const rows: MatrixRow[] = [];
  const seen = new Set<string>();
  for (const door of direct) {
    if (door.verdict !== 'open' || door.via !== 'publish' || (door.zone !== 'internet' && door.zone !== 'admin' && door.zone !== 'tailnet')) continue;
    if (gw.service !== undefined && door.service !== gw.service) continue;
    // The container port behind the door is what the gateway's servers listen on.
    const binding = state.publishing.bindings.find(
      (b) => b.service === door.service && b.protocol === 'tcp' && door.port >= b.hostPorts.from && door.port <= b.hostPorts.to,
    );
    const listenPort = binding ? binding.containerPort + (door.port - binding.hostPorts.from) : door.port;
    for (const server of gw.servers) {
      if (server.rejectsHandshake || !server.listens.some((l) => l.port === listenPort)) continue;
      for (const location of server.locations) {
        for (const up of location.upstreams ?? []) {
          const service = upstreamService(state, up.host) ?? up.host;
          const key = `${door.zone}|${service}|${up.port}|${location.path}|${listenPort}`;
          if (seen.has(key)) continue;
          seen.add(key);
          rows.push({
            zone: door.zone,
            address: up.host,
            port: up.port,
            protocol: 'tcp',
            verdict: 'open',
            decidedBy: 'gateway',
            service,
            ...(door.source ? { source: `${door.source} via ${location.path}` } : {}),
            via: 'gateway',
            route: { path: location.path, origin: listenPort },
            cause: location.origin,
            reason: `gateway location ${location.path} on ${listenPort}/tcp`,
          });
        }
      }
    }
  }
  return rows;
}

export function computeMatrix(state: ExposureState): MatrixRow[] {
  const targets = targetsOf(state);
  const direct: MatrixRow[] = [];
  for (const zone of zonesOf(state)) {
    for (const t of targets) {
      const cell = evaluate(state, zone, t);
      if (!cell) continue;
      direct.push({
        zone: zone.name,
        address: t.address,
        port: t.ports.from,
        ...(t.ports.to !== t.ports.from ? { portEnd: t.ports.to } : {}),
        protocol: t.protocol,
        service: t.owner,
        via: t.via,
        ...(t.assumed ? { assumed: true } : {}),
        ...(t.origin ? { at: t.origin } : {}),
        ...cell,
      });
    }
  }
  return sortRows([...direct, ...gatewayRows(state, direct)]);
}

const VIA_ORDER: readonly Via[] = ['host', 'publish', 'container', 'gateway'];

/** Code-point order: the same on every machine, whatever its locale. */
export function sortRows(rows: readonly MatrixRow[]): MatrixRow[] {
  const key = (r: MatrixRow) => [ZONE_ORDER.indexOf(r.zone), VIA_ORDER.indexOf(r.via)] as const;
  return [...rows].sort((a, b) => {
    const [za, va] = key(a);
    const [zb, vb] = key(b);
    return (
      za - zb ||
      va - vb ||
      byText(a.address, b.address) ||
      a.port - b.port ||
      byText(a.protocol, b.protocol) ||
      byText(a.route?.path ?? '', b.route?.path ?? '')
    );
  });
}
