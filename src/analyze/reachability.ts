// The exposure matrix: for each zone and each target, whether every layer on
// the path lets it through, and which layer decided. Blocked cells name the
// outermost layer that blocks; open cells name the outermost layer that
// explicitly allowed them (cloud for the internet, the tailnet policy for the
// tailnet), and `cause` is the model path of what opens or blocks it.
import type { Protocol, ZoneName } from '../model/types.js';
import type { CidrSet } from './cidr-set.js';
import { cidrSet, intersect, isEmpty, onlyFamily, setEquals, toList } from './cidr-set.js';
import { evaluateChain } from './firewall-eval.js';
import type { ExposureState, Layer } from './state.js';
import { inRange } from './state.js';
import type { Target, Via, Zone } from './targets.js';
import { ZONE_ORDER, classify, reachableFrom, targetsOf, zonesOf } from './targets.js';
import { byText } from '../model/order.js';

export interface MatrixRow {
  readonly zone: ZoneName;
  readonly address: string;
  readonly port: number;
  readonly portEnd?: number;
  readonly protocol: Protocol;
  readonly verdict: 'open' | 'blocked';
  readonly decidedBy: Layer;
  /** The platform service (or host process: sshd, tailscaled) behind the target. */
  readonly service?: string;
  /** Who inside the zone gets through (CIDRs, a tailnet group). */
  readonly source?: string;
  readonly sourceCidrs?: readonly string[];
  /** host socket, published binding, container socket, or a gateway route to an upstream. */
  readonly via: Via;
  /** Model path (or artifact location) of what opens or blocks this cell. */
  readonly cause?: string;
  readonly reason: string;
}

type Cell = Pick<MatrixRow, 'verdict' | 'decidedBy' | 'reason'> & Partial<Pick<MatrixRow, 'source' | 'sourceCidrs' | 'cause'>>;

const blocked = (decidedBy: Layer, reason: string, cause?: string): Cell => ({ verdict: 'blocked', decidedBy, reason, ...(cause ? { cause } : {}) });

/** `zoneSources` is the zone's part of the target's family: reaching all of it is "any". */
function describe(reach: CidrSet, zone: Zone, zoneSources: CidrSet): Pick<MatrixRow, 'source' | 'sourceCidrs'> {
  const list = toList(reach);
  const whole = setEquals(reach, zoneSources);
  const source = whole && zone.name === 'internet' ? 'any' : list.length <= 4 ? list.join(', ') : `${list.slice(0, 4).join(', ')}, … (${list.length} CIDRs)`;
  return { source, sourceCidrs: list };
}

/** The listener check every path ends with: a binding nothing listens behind reaches nothing. */
function silent(t: Target): Cell | undefined {
  return t.listener ? undefined : blocked('sockets', `nothing listens on ${t.binding?.containerAddress ?? t.address} behind the binding`, t.origin);
}

function viaPublic(state: ExposureState, zone: Zone, t: Target, sources: CidrSet): Cell {
  let reach = sources;
  let allowedBy: Layer | undefined;
  let cause: string | undefined;
  if (state.cloud.present) {
    const rules = state.cloud.ingress.filter((r) => (r.protocol === 'all' || r.protocol === t.protocol) && inRange(r.ports, t.port));
    reach = intersect(reach, cidrSet(rules.flatMap((r) => r.cidrs)));
    if (isEmpty(reach)) return blocked('cloud', `no security-group rule admits ${zone.name} on ${t.port}/${t.protocol}`);
    allowedBy = 'cloud';
    cause = rules.find((r) => !isEmpty(intersect(sources, cidrSet(r.cidrs))))?.origin;
  }
  // Docker DNATs published ports before INPUT: only DOCKER-USER filters them.
  const chain = t.via === 'host' ? state.firewall.input : state.firewall.dockerUser;
  const cls = classify(t.address, state);
  const destination = cls === 'public' ? t.address : state.host.publicAddresses.find((a) => cidrSet([a])[t.family === 4 ? 'v4' : 'v6'].length > 0);
  const result = evaluateChain(
    chain,
    { inInterface: state.host.publicInterface, protocol: t.protocol, port: t.port, ...(destination ? { destination } : {}) },
    reach,
  );
  if (isEmpty(result.accepted)) {
    const name = t.via === 'host' ? 'INPUT' : 'DOCKER-USER';
    return blocked('firewall', `${name} drops it${result.droppedBy.length === 0 ? ' (chain policy)' : ''}`, result.droppedBy[0]?.origin);
  }
  reach = result.accepted;
  if (!allowedBy && result.acceptedBy.length > 0) {
    allowedBy = 'firewall';
    cause = result.acceptedBy[0]?.origin;
  }
  const quiet = silent(t);
  if (quiet) return quiet;
  return {
    verdict: 'open',
    decidedBy: allowedBy ?? (t.via === 'publish' ? 'publishing' : 'sockets'),
    reason: t.via === 'publish' ? `published on ${t.address}` : `listens on ${t.address}`,
    cause: t.via === 'publish' ? t.origin : (cause ?? t.origin),
    ...describe(reach, zone, sources),
  };
}

/** tailscaled accepts everything arriving on tailscale0: the tailnet policy is the only gate. */
function viaTailnet(state: ExposureState, t: Target): Cell {
  const { tailnet } = state;
  const grants = tailnet.grants.filter(
    (g) =>
      (g.protocol === 'any' || g.protocol === t.protocol) &&
      inRange(g.ports, t.port) &&
      g.destinations.some((d) => d === '*' || tailnet.hostIdentities.includes(d)),
  );
  if (tailnet.present && grants.length === 0) return blocked('tailnet', `no tailnet grant to this host on ${t.port}/${t.protocol}`);
  const quiet = silent(t);
  if (quiet) return quiet;
  return {
    verdict: 'open',
    decidedBy: 'tailnet',
    reason: tailnet.present ? 'granted by the tailnet policy' : 'no tailnet policy known (Tailscale allows all by default)',
    source: tailnet.present ? [...new Set(grants.flatMap((g) => g.sources))].join(', ') : '*',
    cause: t.via === 'publish' ? t.origin : (grants[0]?.origin ?? t.origin),
  };
}

function viaPlatform(state: ExposureState, zone: Zone, t: Target, sources: CidrSet): Cell {
  if (t.via === 'host') {
    const packet = { inInterface: state.host.platformInterface, protocol: t.protocol, port: t.port };
    const result = evaluateChain(state.firewall.input, packet, sources);
    if (isEmpty(result.accepted)) return blocked('firewall', 'INPUT drops it from the platform bridge', result.droppedBy[0]?.origin);
    return { verdict: 'open', decidedBy: 'firewall', reason: 'INPUT accepts it from the platform bridge', cause: result.acceptedBy[0]?.origin ?? t.origin, ...describe(result.accepted, zone, sources) };
  }
  return silent(t) ?? { verdict: 'open', decidedBy: t.via === 'publish' ? 'publishing' : 'sockets', reason: 'on the platform network', cause: t.origin, ...describe(sources, zone, sources) };
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
      return silent(t) ?? { verdict: 'open', decidedBy: t.via === 'publish' ? 'publishing' : 'sockets', reason: 'local to the host', cause: t.origin, source: 'localhost' };
    case 'platform':
      return viaPlatform(state, zone, t, sources);
  }
}

/** Zones that reach the gateway's published port also reach, at the HTTP level, every upstream it routes to. */
function gatewayRows(state: ExposureState, direct: readonly MatrixRow[]): MatrixRow[] {
  const gw = state.gateway;
  if (!gw) return [];
  const rows: MatrixRow[] = [];
  for (const zone of ['internet', 'admin', 'tailnet'] as const) {
    const door = direct.find((r) => r.zone === zone && r.verdict === 'open' && r.via === 'publish' && r.service === gw.service);
    if (!door) continue;
    for (const route of gw.routes) {
      const upstream = state.sockets.find((s) => s.kind === 'container' && s.owner === route.service && s.port === route.port && s.protocol === 'tcp');
      const known = state.sockets.some((s) => s.owner === route.service) || state.publishing.some((b) => b.service === route.service);
      if (!known) continue; // route.unknown-service reports it
      rows.push({
        zone,
        address: upstream?.address ?? route.service,
        port: route.port,
        protocol: 'tcp',
        verdict: upstream ? 'open' : 'blocked',
        decidedBy: upstream ? 'gateway' : 'sockets',
        service: route.service,
        ...(door.source ? { source: `${door.source} via ${route.path}` } : {}),
        via: 'gateway',
        cause: route.origin,
        reason: upstream ? `gateway route ${route.path} on ${door.port}/tcp` : `route ${route.path}: nothing listens on ${route.port}`,
      });
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
        port: t.port,
        ...(t.portEnd !== undefined ? { portEnd: t.portEnd } : {}),
        protocol: t.protocol,
        service: t.owner,
        via: t.via,
        ...cell,
      });
    }
  }
  return sortRows([...direct, ...gatewayRows(state, direct)]);
}

/** Code-point order: the same on every machine, whatever its locale. */

const VIA_ORDER: readonly Via[] = ['host', 'publish', 'container', 'gateway'];

export function sortRows(rows: readonly MatrixRow[]): MatrixRow[] {
  const key = (r: MatrixRow) => [ZONE_ORDER.indexOf(r.zone), VIA_ORDER.indexOf(r.via)] as const;
  return [...rows].sort((a, b) => {
    const [za, va] = key(a);
    const [zb, vb] = key(b);
    return za - zb || va - vb || byText(a.address, b.address) || a.port - b.port || byText(a.protocol, b.protocol);
  });
}
