// The two sides of the matrix: the zones traffic comes from, and the targets
// (address, port range, protocol) it may reach — host sockets, published
// bindings and container sockets — each with the class of its address, which
// decides which interfaces it can be reached on at all. Addresses are
// compared canonical (model/net.ts), never as text.
//
// When no socket listing was given, what listens on the host is unknown:
// the host gets one assumed target per port segment (a range over which no
// layer's rule changes its mind), so a listener nobody declared is still
// judged. Ranged targets are cut at the same boundaries, so evaluating one
// port of a segment decides the whole segment.
import { canonicalAddress, isWildcardAddress, publishedAddresses } from '../model/net.js';
import type { Protocol, ZoneName } from '../model/types.js';
import type { CidrSet, Family } from './cidr-set.js';
import { cidrSet, covers, familyOf, minus, WORLD } from './cidr-set.js';
import type { Binding, ExposureState, Listener, Origin, PortRange } from './state.js';

/** Where a zone's packets arrive on the host. */
export type Arrival = 'public' | 'tailnet' | 'local' | 'platform';

export interface Zone {
  readonly name: ZoneName;
  readonly arrives: Arrival;
  readonly sources: CidrSet;
}

/** Tailscale's address ranges (CGNAT v4, its ULA v6): the tailnet zone's source addresses. */
export const TAILNET_RANGES = cidrSet(['100.64.0.0/10', 'fd7a:115c:a1e0::/48']);
export const LOOPBACK = cidrSet(['127.0.0.0/8', '::1']);

export const ZONE_ORDER: readonly ZoneName[] = ['internet', 'admin', 'tailnet', 'host', 'platform'];

/** The admin zone is the admin CIDR; the internet zone is every other address (real set arithmetic). */
export function zonesOf(state: ExposureState): Zone[] {
  const admin = cidrSet(state.host.adminCidrs);
  return [
    { name: 'internet', arrives: 'public', sources: minus(WORLD, admin) },
    { name: 'admin', arrives: 'public', sources: admin },
    { name: 'tailnet', arrives: 'tailnet', sources: TAILNET_RANGES },
    { name: 'host', arrives: 'local', sources: LOOPBACK },
    { name: 'platform', arrives: 'platform', sources: cidrSet(state.host.platformSubnets) },
  ];
}

export type Via = 'host' | 'publish' | 'container' | 'gateway';

export interface Target {
  readonly via: Exclude<Via, 'gateway'>;
  /** Canonical address. */
  readonly address: string;
  readonly family: Family;
  readonly ports: PortRange;
  readonly protocol: Protocol;
  /** The service (or host process) behind it; `unknown` for an assumed host listener. */
  readonly owner: string;
  readonly listener?: Listener;
  readonly binding?: Binding;
  /** No socket listing was given: nothing known listens here, but something may. */
  readonly assumed?: boolean;
  readonly origin?: Origin;
}

export type AddressClass = 'wildcard' | 'loopback' | 'tailscale' | 'platform' | 'public';

export function classify(address: string, state: ExposureState): AddressClass {
  const bare = canonicalAddress(address);
  if (isWildcardAddress(bare)) return 'wildcard';
  const one = cidrSet([bare]);
  if (covers(LOOPBACK, one)) return 'loopback';
  if (state.host.tailscaleAddresses.some((a) => canonicalAddress(a) === bare)) return 'tailscale';
  if (state.host.platformSubnets.length > 0 && covers(cidrSet(state.host.platformSubnets), one)) return 'platform';
  return 'public';
}

/** Which arrivals can address a socket bound there (before any filter). */
const REACHABLE_FROM: { readonly [C in AddressClass]: readonly Arrival[] } = {
  wildcard: ['public', 'tailnet', 'local', 'platform'],
  // Packets from the internet for 127.0.0.1 are martians; the kernel drops them.
  loopback: ['local'],
  // Only the tailnet routes to the Tailscale address; containers reach it through the host.
  tailscale: ['tailnet', 'local', 'platform'],
  // Container addresses live on a private bridge: only the host and the platform route there.
  platform: ['local', 'platform'],
  public: ['public', 'local', 'platform'],
};

export function reachableFrom(cls: AddressClass, arrival: Arrival): boolean {
  return REACHABLE_FROM[cls].includes(arrival);
}

/**
 * Port boundaries of every rule in every layer, per protocol: the verdict of
 * a layer is constant between two consecutive boundaries. Returned as the
 * first port of each segment (1 always included), sorted.
 */
export function segmentStarts(state: ExposureState, protocol: Protocol): number[] {
  const starts = new Set<number>([1]);
  const add = (range: PortRange | undefined): void => {
    if (!range) return;
    starts.add(range.from);
    if (range.to < 65535) starts.add(range.to + 1);
  };
  for (const r of state.cloud.ingress) if (r.protocol === protocol || r.protocol === 'all') add(r.ports);
  for (const chain of state.firewall.chains) {
    for (const rule of chain.rules) {
      for (const range of [...(rule.match.dport?.values ?? []), ...(rule.match.ctOrigDport?.values ?? [])]) add(range);
    }
  }
  for (const g of state.tailnet.grants) add(g.ports);
  for (const b of state.publishing.bindings) add(b.hostPorts);
  for (const l of state.sockets.listeners) add({ from: l.port, to: l.port });
  // FORWARD rules match the port after DNAT (the container's): for a binding that maps
  // host ports onto other container ports, their boundaries are translated into host ports.
  const forwardPorts = state.firewall.chains.flatMap((c) => c.rules.flatMap((r) => r.match.dport?.values ?? []));
  for (const b of state.publishing.bindings) {
    if (b.protocol !== protocol) continue;
    for (const range of forwardPorts) {
      for (const boundary of [range.from, range.to + 1]) {
        const hostPort = b.hostPorts.from + (boundary - b.containerPort);
        if (hostPort > b.hostPorts.from && hostPort <= b.hostPorts.to) starts.add(hostPort);
      }
    }
  }
  // A container listener inside a published range is a segment of its own (its host port).
  const containerListeners = containerListenersOf(state);
  for (const b of state.publishing.bindings) {
    for (const l of containerListeners.get(`${b.service}|${b.protocol}`) ?? []) {
      const hostPort = b.hostPorts.from + (l.port - b.containerPort);
      if (hostPort >= b.hostPorts.from && hostPort <= b.hostPorts.to) add({ from: hostPort, to: hostPort });
    }
  }
  return [...starts].sort((a, b) => a - b);
}

/** Cuts a range at the segment boundaries. */
export function cut(range: PortRange, starts: readonly number[]): PortRange[] {
  const out: PortRange[] = [];
  let from = range.from;
  for (const s of starts) {
    if (s <= from || s > range.to) continue;
    out.push({ from, to: s - 1 });
    from = s;
  }
  out.push({ from, to: range.to });
  return out;
}

function listenerTarget(l: Listener, via: 'host' | 'container'): Target {
  const address = canonicalAddress(l.address);
  return {
    via,
    address,
    family: familyOf(address || '0.0.0.0'),
    ports: { from: l.port, to: l.port },
    protocol: l.protocol,
    owner: l.owner,
    listener: l,
    origin: l.origin,
  };
}

// Container listeners by owner and protocol, in state order, once per state:
// a scan of every listener per binding grew with the square of the platform.
const containerListenerIndexes = new WeakMap<ExposureState, ReadonlyMap<string, readonly Listener[]>>();

function containerListenersOf(state: ExposureState): ReadonlyMap<string, readonly Listener[]> {
  const known = containerListenerIndexes.get(state);
  if (known) return known;
  const index = new Map<string, Listener[]>();
  for (const l of state.sockets.listeners) {
    if (l.kind !== 'container') continue;
    const key = `${l.owner}|${l.protocol}`;
    const list = index.get(key);
    if (list) list.push(l);
    else index.set(key, [l]);
  }
  containerListenerIndexes.set(state, index);
  return index;
}

/** Every target of the state, in a stable order. */
export function targetsOf(state: ExposureState): Target[] {
  const targets: Target[] = [];
  const starts: Record<Protocol, number[]> = { tcp: segmentStarts(state, 'tcp'), udp: segmentStarts(state, 'udp') };
  const containerListeners = containerListenersOf(state);
  const hostListeners = state.sockets.listeners.filter((s) => s.kind === 'host' && !(state.publishing.present && s.owner === 'docker-proxy'));
  for (const l of hostListeners) {
    if (canonicalAddress(l.address) === '') continue;
    targets.push(listenerTarget(l, 'host'));
  }
  if (!state.sockets.present) {
    for (const protocol of ['tcp', 'udp'] as const) {
      for (const address of ['0.0.0.0', '::']) {
        for (const ports of cut({ from: 1, to: 65535 }, starts[protocol])) {
          targets.push({ via: 'host', address, family: familyOf(address), ports, protocol, owner: 'unknown', assumed: true });
        }
      }
    }
  }
  for (const b of state.publishing.bindings) {
    for (const address of publishedAddresses(b.hostAddress)) {
      if (!address.includes('.') && !address.includes(':')) continue;
      for (const ports of cut(b.hostPorts, starts[b.protocol])) {
        const offset = ports.from - b.hostPorts.from;
        const listener = containerListeners.get(`${b.service}|${b.protocol}`)?.find((l) => l.port === b.containerPort + offset);
        targets.push({
          via: 'publish',
          address,
          family: familyOf(address),
          ports,
          protocol: b.protocol,
          owner: b.service,
          binding: b,
          origin: b.origin,
          // Nothing known listens behind this part of the binding: open if something does, never hidden.
          ...(listener ? { listener } : { assumed: true }),
        });
      }
    }
  }
  for (const l of state.sockets.listeners.filter((s) => s.kind === 'container')) {
    if (canonicalAddress(l.address) === '' || !(l.address.includes('.') || l.address.includes(':'))) continue;
    targets.push(listenerTarget(l, 'container'));
  }
  return targets;
}

export { isWildcardAddress };
