// The two sides of the matrix: the zones traffic comes from, and the targets
// (address, port, protocol) it may reach — host sockets, published bindings
// and container sockets — each with the class of its address, which decides
// which interfaces it can be reached on at all.
import type { Protocol, ZoneName } from '../model/types.js';
import type { CidrSet, Family } from './cidr-set.js';
import { WORLD, cidrSet, covers, familyOf, minus, stripBrackets } from './cidr-set.js';
import type { Binding, ExposureState, Listener } from './state.js';
import { isWildcardAddress, publishedAddresses } from '../model/net.js';

/** Where a zone's packets arrive on the host. */
export type Arrival = 'public' | 'tailnet' | 'local' | 'platform';

export interface Zone {
  readonly name: ZoneName;
  readonly arrives: Arrival;
  readonly sources: CidrSet;
}

/** Tailscale's address ranges (CGNAT v4, its ULA v6): the tailnet zone's source addresses. */
export const TAILNET_RANGES = cidrSet(['100.64.0.0/10', 'fd7a:115c:a1e0::/48']);
const LOOPBACK = cidrSet(['127.0.0.0/8', '::1']);

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
  readonly address: string;
  readonly family: Family;
  readonly port: number;
  readonly portEnd?: number;
  readonly protocol: Protocol;
  /** The service (or host process) behind it. */
  readonly owner: string;
  /** Who answers; absent for a binding nothing listens behind. */
  readonly listener?: Listener;
  readonly binding?: Binding;
  readonly origin: string;
}

export type AddressClass = 'wildcard' | 'loopback' | 'tailscale' | 'platform' | 'public';

export function classify(address: string, state: ExposureState): AddressClass {
  const bare = stripBrackets(address);
  if (isWildcardAddress(bare)) return 'wildcard';
  const one = cidrSet([bare]);
  if (covers(LOOPBACK, one)) return 'loopback';
  if (state.host.tailscaleAddresses.some((a) => stripBrackets(a) === bare)) return 'tailscale';
  if (covers(cidrSet(state.host.platformSubnets), one)) return 'platform';
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

/** Every target of the state, in a stable order. */
export function targetsOf(state: ExposureState): Target[] {
  const targets: Target[] = [];
  for (const l of state.sockets.filter((s) => s.kind === 'host')) {
    targets.push({ via: 'host', address: l.address, family: familyOf(l.address), port: l.port, protocol: l.protocol, owner: l.owner, listener: l, origin: l.origin });
  }
  for (const b of state.publishing) targets.push(...bindingTargets(state, b));
  for (const l of state.sockets.filter((s) => s.kind === 'container')) {
    targets.push({ via: 'container', address: l.address, family: familyOf(l.address), port: l.port, protocol: l.protocol, owner: l.owner, listener: l, origin: l.origin });
  }
  return targets;
}

/**
 * A binding becomes one target per container port that listens inside its
 * range (a range 8000-9000 in front of a backend on 8080 exposes 8080), or one
 * target for the whole range when nothing listens behind it.
 * An empty host address (or `*`) means every address of both families (compose's default).
 */
function bindingTargets(state: ExposureState, b: Binding): Target[] {
  const addresses = publishedAddresses(b.hostAddress);
  const span = b.hostPorts.to - b.hostPorts.from;
  const listeners = state.sockets.filter(
    (s) =>
      s.kind === 'container' &&
      stripBrackets(s.address) === stripBrackets(b.containerAddress) &&
      s.protocol === b.protocol &&
      s.port >= b.containerPort &&
      s.port <= b.containerPort + span,
  );
  return addresses.flatMap((address): Target[] => {
    const base = { via: 'publish' as const, address, family: familyOf(address), protocol: b.protocol, owner: b.service, binding: b, origin: b.origin };
    if (listeners.length === 0) {
      return [{ ...base, port: b.hostPorts.from, ...(span > 0 ? { portEnd: b.hostPorts.to } : {}) }];
    }
    return listeners.map((l) => ({ ...base, port: b.hostPorts.from + (l.port - b.containerPort), listener: l }));
  });
}
