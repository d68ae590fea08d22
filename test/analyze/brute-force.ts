// A brute-force reference for the exposure matrix: every concrete source
// address of a small universe, every concrete port of a small port space, one
// packet at a time, through each layer in turn. Written apart from the analyzer
// (src/analyze/{targets,reachability,firewall-eval}.ts), from the semantics the
// state documents (src/analyze/state.ts) and the analyzer's header comments:
// - cloud: a security group is a union of allow rules; absent admits all;
//   unresolved sources count as the world.
// - host firewall: first match per chain, the chain policy at the end; inet
//   INPUT sees both families, `ip`/`ip6` chains one. A published port of the
//   container's family is DNATed before INPUT and goes through FORWARD, where
//   (no FORWARD chain read) DOCKER-USER decides and what it returns is
//   accepted; a publication of the other family is Docker's userland proxy on
//   the host (INPUT, the host port).
// - tailscale0: the tailnet policy is the only gate (absent: Tailscale's
//   default allows all).
// - address classes: loopback only from the host, the Tailscale address not
//   from the public interface, platform addresses only from the host and the
//   bridge, containers only from the host and the bridge; the host itself and
//   the bridge reach published ports and containers unfiltered.
// What the analyzer leaves unknown (the public interface's name, the host's
// public address, a rule's unreadable match) is enumerated: the brute force
// explores every concrete possibility and reports what any of them lets in.
// It supports only what matrix.property.test.ts generates (no jumps, no daddr,
// no oif matches); it throws on anything else rather than guess.
import { parseCidr } from 'cidr-tools';
import type { Binding, ExposureState, FirewallChain, FirewallRule, Listener, RuleMatch } from '../../src/analyze/state.js';
import { canonicalAddress } from '../../src/model/net.js';
import type { Protocol, ZoneName } from '../../src/model/types.js';

/** Host ports the brute force tries; every generated host port lies here. */
export const HOST_PORTS = [8000, 8001, 8002, 8003, 8004, 8005, 8006, 8007] as const;

/**
 * Sources, as the zones' addresses: a tiny public space (203.0.113.8/29,
 * 2001:db8::/125) every rule CIDR is cut from, and one address of every other
 * region a generated CIDR can tell apart (both halves of each family, the
 * tailnet, the platform subnet, loopback: the internet zone is every address
 * but the admin's). So every set the analyzer can compute has a witness here.
 */
export const UNIVERSE: readonly string[] = [
  ...Array.from({ length: 8 }, (_, i) => `203.0.113.${8 + i}`),
  '198.51.100.7',
  '45.1.2.3',
  '100.64.0.5',
  '172.20.0.50',
  '127.0.0.1',
  ...Array.from({ length: 8 }, (_, i) => `2001:db8::${i}`),
  '2001:db8:1::7',
  'fc00::7',
  'fd7a:115c:a1e0::5',
  '::1',
];

const TAILNET_SOURCES = ['100.64.0.5', 'fd7a:115c:a1e0::5'];
const PLATFORM_SOURCES = ['172.20.0.50'];
const LOCAL_SOURCES = ['127.0.0.1', '::1'];
/** What the public interface may be called, and the host's public address may be, when the state does not say. */
const IFACE_GUESSES = ['eth0', 'ens5'];
const PUBLIC_GUESSES = { 4: ['198.51.100.1', '192.0.2.1'], 6: ['2001:db8:ff::1', '2001:db8:fe::1'] } as const;

type Family = 4 | 6;
const familyOf = (a: string): Family => (a.includes(':') ? 6 : 4);

export function inCidr(address: string, cidr: string): boolean {
  const c = cidr.startsWith('[') ? cidr.slice(1, cidr.indexOf(']')) + cidr.slice(cidr.indexOf(']') + 1) : cidr;
  if (familyOf(address) !== familyOf(c)) return false;
  const a = parseCidr(address).start;
  const r = parseCidr(c);
  return a >= r.start && a <= r.end;
}
const inAny = (address: string, cidrs: readonly string[]): boolean => cidrs.some((c) => inCidr(address, c));

export interface Fact {
  readonly zone: ZoneName;
  readonly via: 'host' | 'publish' | 'container';
  /** Canonical bound address. */
  readonly address: string;
  readonly protocol: Protocol;
  readonly port: number;
  /** The origin line of the socket (0: an assumed listener). */
  readonly line: number;
  readonly source: string;
}

type Arrival = 'public' | 'tailnet' | 'local' | 'platform';

interface Socket {
  readonly via: Fact['via'];
  readonly address: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly line: number;
  readonly binding?: Binding;
}

function socketsOf(state: ExposureState): Socket[] {
  const out: Socket[] = [];
  const listener = (l: Listener, via: 'host' | 'container'): Socket => ({
    via,
    address: canonicalAddress(l.address),
    protocol: l.protocol,
    port: l.port,
    line: l.origin.line,
  });
  for (const l of state.sockets.listeners) out.push(listener(l, l.kind));
  if (!state.sockets.present) {
    for (const protocol of ['tcp', 'udp'] as const)
      for (const address of ['0.0.0.0', '::']) for (const port of HOST_PORTS) out.push({ via: 'host', address, protocol, port, line: 0 });
  }
  for (const b of state.publishing.bindings) {
    const canonical = canonicalAddress(b.hostAddress);
    const addresses = canonical === '' || canonical === '*' ? ['0.0.0.0', '::'] : [canonical];
    for (const address of addresses)
      for (let port = b.hostPorts.from; port <= b.hostPorts.to; port += 1)
        out.push({ via: 'publish', address, protocol: b.protocol, port, line: b.origin.line, binding: b });
  }
  return out;
}

/** Which arrivals a socket bound there can be reached from (before any filter). */
function arrivals(state: ExposureState, s: Socket): Arrival[] {
  if (s.via === 'container') return ['local', 'platform'];
  const a = s.address;
  if (a === '0.0.0.0' || a === '::') return ['public', 'tailnet', 'local', 'platform'];
  if (inAny(a, ['127.0.0.0/8', '::1/128'])) return ['local'];
  if (state.host.tailscaleAddresses.map(canonicalAddress).includes(a)) return ['tailnet', 'local', 'platform'];
  if (inAny(a, state.host.platformSubnets)) return ['local', 'platform'];
  return ['public', 'local', 'platform'];
}

// ---------------------------------------------------------------- one concrete packet through netfilter

interface Concrete {
  readonly iif: string;
  readonly protocol: Protocol;
  readonly saddr: string;
  readonly dport: number;
  readonly ctOrigDaddr: string;
  readonly ctOrigDport: number;
  readonly ctState: readonly string[];
}

function check(match: RuleMatch): void {
  if (match.daddr || match.oif) throw new Error('brute force: daddr/oif matches are not supported');
}

/** Whether the rule matches; `guess` decides each unreadable match (the caller enumerates). */
function matches(rule: FirewallRule, p: Concrete, guess: (rule: FirewallRule) => boolean): boolean {
  const m = rule.match;
  check(m);
  const test = <T>(f: { readonly values: readonly T[]; readonly negate?: boolean } | undefined, hit: (v: T) => boolean): boolean =>
    f === undefined || f.values.some(hit) !== (f.negate === true);
  const name = (v: string) => (v.endsWith('*') ? p.iif.startsWith(v.slice(0, -1)) : v === p.iif);
  const ok =
    test(m.protocol, (v) => v === p.protocol) &&
    test(m.dport, (r) => p.dport >= r.from && p.dport <= r.to) &&
    test(m.saddr, (c) => inCidr(p.saddr, c)) &&
    test(m.iif, name) &&
    test(m.ctOrigDaddr, (c) => inCidr(p.ctOrigDaddr, c)) &&
    test(m.ctOrigDport, (r) => p.ctOrigDport >= r.from && p.ctOrigDport <= r.to) &&
    test(m.ctState, (s) => p.ctState.includes(s));
  return ok && ((m.unknown ?? []).length === 0 || guess(rule));
}

/** First match; undefined: the chain ran out (or returned). */
function runChain(chain: FirewallChain, p: Concrete, guess: (rule: FirewallRule) => boolean): 'accept' | 'drop' | undefined {
  for (const rule of chain.rules) {
    if (!matches(rule, p, guess)) continue;
    switch (rule.verdict.kind) {
      case 'accept':
      case 'unknown':
        return 'accept';
      case 'drop':
        return 'drop';
      case 'return':
        return undefined;
      case 'continue':
        continue;
      default:
        throw new Error(`brute force: verdict ${rule.verdict.kind} is not supported`);
    }
  }
  return undefined;
}

const sees = (chain: FirewallChain, f: Family): boolean => !(chain.family === 'ip' && f === 6) && !(chain.family === 'ip6' && f === 4);

function inputPasses(state: ExposureState, p: Concrete, guess: (rule: FirewallRule) => boolean): boolean {
  const f = familyOf(p.saddr);
  const bases = state.firewall.chains.filter((c) => c.hook === 'input' && sees(c, f)).sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
  return bases.every((c) => {
    const v = runChain(c, p, guess);
    return v === 'accept' || (v === undefined && c.policy !== 'drop');
  });
}

function forwardPasses(state: ExposureState, p: Concrete, guess: (rule: FirewallRule) => boolean): boolean {
  if (state.firewall.chains.some((c) => c.hook === 'forward') || !state.firewall.dockerUserImplied)
    throw new Error('brute force: only DOCKER-USER without FORWARD is supported');
  const f = familyOf(p.saddr);
  const user = state.firewall.chains.filter((c) => c.name.endsWith(' DOCKER-USER') && (f === 4 ? !c.name.startsWith('ip6 ') : !c.name.startsWith('ip ')));
  // Docker's FORWARD: DOCKER-USER first; what it returns (or runs out of) is accepted for a published port.
  return user.every((c) => runChain(c, p, guess) !== 'drop');
}

/** Every way of reading the unreadable matches (each one true or false). */
function guesses(state: ExposureState): ((rule: FirewallRule) => boolean)[] {
  const unknown = state.firewall.chains.flatMap((c) => c.rules).filter((r) => (r.match.unknown ?? []).length > 0);
  if (unknown.length > 6) throw new Error('brute force: too many unreadable matches to enumerate');
  return Array.from({ length: 2 ** unknown.length }, (_, bits) => (rule: FirewallRule) => {
    const i = unknown.indexOf(rule);
    return i >= 0 && ((bits >> i) & 1) === 1;
  });
}

function cloudAdmits(state: ExposureState, source: string, protocol: Protocol, port: number): boolean {
  if (!state.cloud.present) return true;
  return state.cloud.ingress.some(
    (r) =>
      (r.protocol === 'all' || r.protocol === protocol) &&
      (r.ports === undefined || (port >= r.ports.from && port <= r.ports.to)) &&
      ((r.unresolvedSources ?? []).length > 0 || inAny(source, r.cidrs)),
  );
}

function tailnetAdmits(state: ExposureState, protocol: Protocol, port: number): boolean {
  const t = state.tailnet;
  if (!t.present) return true;
  return t.grants.some(
    (g) =>
      (g.protocol === 'any' || g.protocol === protocol) &&
      (g.ports === undefined || (port >= g.ports.from && port <= g.ports.to)) &&
      g.destinations.some((d) => d === '*' || t.hostIdentities.includes(d)),
  );
}

/** Whether a packet from the public interface, from `source`, gets to the socket on `port` in some concrete world. */
function publicReaches(state: ExposureState, s: Socket, source: string): boolean {
  if (!cloudAdmits(state, source, s.protocol, s.port)) return false;
  if (!state.firewall.present) return true;
  const f = familyOf(source);
  const wildcard = s.address === '0.0.0.0' || s.address === '::';
  const known = state.host.publicAddresses.map(canonicalAddress).filter((a) => familyOf(a) === f);
  const destinations = wildcard ? (known.length > 0 ? known.slice(0, 1) : [...PUBLIC_GUESSES[f]]) : [s.address];
  const ifaces = state.host.publicInterface !== undefined ? [state.host.publicInterface] : IFACE_GUESSES;
  const b = s.binding;
  const dnat = s.via === 'publish' && b !== undefined && (b.containerAddress === undefined || familyOf(canonicalAddress(b.containerAddress)) === f);
  for (const guess of guesses(state)) {
    for (const iif of ifaces) {
      for (const daddr of destinations) {
        const base = { iif, protocol: s.protocol, saddr: source, ctOrigDaddr: daddr, ctOrigDport: s.port };
        const passes = dnat
          ? forwardPasses(state, { ...base, dport: b.containerPort + (s.port - b.hostPorts.from), ctState: ['new', 'dnat'] }, guess)
          : inputPasses(state, { ...base, dport: s.port, ctState: ['new'] }, guess);
        if (passes) return true;
      }
    }
  }
  return false;
}

function platformReaches(state: ExposureState, s: Socket, source: string): boolean {
  if (s.via !== 'host' || !state.firewall.present) return true;
  const iif = state.host.platformInterfaces.find((i) => !i.endsWith('*'));
  if (iif === undefined) throw new Error('brute force: needs a named platform bridge');
  return guesses(state).some((guess) =>
    inputPasses(state, { iif, protocol: s.protocol, saddr: source, dport: s.port, ctOrigDaddr: s.address, ctOrigDport: s.port, ctState: ['new'] }, guess),
  );
}

/** The zone of a concrete source arriving on the public interface: the admin CIDR, or the internet. */
const publicZone = (state: ExposureState, source: string): ZoneName => (inAny(source, state.host.adminCidrs) ? 'admin' : 'internet');

/** Every (zone, socket, port, source) that gets through, one packet at a time. */
export function bruteForce(state: ExposureState): Fact[] {
  const facts: Fact[] = [];
  for (const s of socketsOf(state)) {
    const f = s.address === '' ? undefined : familyOf(s.address);
    const fact = (zone: ZoneName, source: string): Fact => ({ zone, via: s.via, address: s.address, protocol: s.protocol, port: s.port, line: s.line, source });
    for (const arrival of arrivals(state, s)) {
      if (arrival === 'public') {
        for (const source of UNIVERSE.filter((a) => familyOf(a) === f))
          if (publicReaches(state, s, source)) facts.push(fact(publicZone(state, source), source));
      } else if (arrival === 'tailnet') {
        if (tailnetAdmits(state, s.protocol, s.port))
          for (const source of TAILNET_SOURCES.filter((a) => familyOf(a) === f)) facts.push(fact('tailnet', source));
      } else if (arrival === 'local') {
        for (const source of LOCAL_SOURCES.filter((a) => familyOf(a) === f)) facts.push(fact('host', source));
      } else {
        const sources = PLATFORM_SOURCES.filter((a) => familyOf(a) === f && inAny(a, state.host.platformSubnets));
        for (const source of sources) if (platformReaches(state, s, source)) facts.push(fact('platform', source));
      }
    }
  }
  return facts;
}

/** Whether the brute force's answers are exact (one concrete world): then the analyzer must be exact too. */
export function isExact(state: ExposureState): boolean {
  const families = new Set(state.host.publicAddresses.map((a) => familyOf(canonicalAddress(a))));
  return (
    state.host.publicInterface !== undefined &&
    families.has(4) &&
    families.has(6) &&
    !state.firewall.chains.some((c) => c.rules.some((r) => (r.match.unknown ?? []).length > 0 || r.verdict.kind === 'unknown'))
  );
}
