// A host-firewall hook evaluated over a SET of source addresses: every base
// chain on the hook must let the packet through (a drop in any is final, an
// accept ends only its own chain); inside a chain the first matching rule
// decides for its share of the sources. A condition the packet may or may
// not satisfy is resolved towards exposure: it matches for accept, jump and
// unknown verdicts, and does not for drop.
import type { Protocol } from '../model/types.js';
import type { CidrSet } from './cidr-set.js';
import { EMPTY, cidrSet, covers, intersect, isEmpty, minus, overlaps, union } from './cidr-set.js';
import type { FieldMatch, FirewallChain, FirewallLayer, FirewallRule, PortRange, RuleMatch } from './state.js';

export type AddressSpec = { readonly kind: 'exact'; readonly address: string } | { readonly kind: 'any-except'; readonly except: CidrSet };

export interface Packet {
  /** undefined: the public interface, whose name is not known. */
  readonly iif: string | undefined;
  /** Interfaces the packet certainly did not arrive on (lo, the tailnet, the bridges) when `iif` is unknown. */
  readonly knownOtherInterfaces?: readonly string[];
  readonly oif?: string;
  readonly protocol: Protocol;
  readonly dport: number;
  readonly daddr: AddressSpec;
  readonly ctOrigDaddr?: AddressSpec;
  readonly ctOrigDport?: number;
  readonly ctState: readonly string[];
}

export interface HookResult {
  readonly accepted: CidrSet;
  readonly acceptedBy: readonly FirewallRule[];
  readonly droppedBy: readonly FirewallRule[];
  readonly byPolicy: boolean;
}

type Tri = 'yes' | 'no' | 'maybe';

const not = (t: Tri): Tri => (t === 'yes' ? 'no' : t === 'no' ? 'yes' : 'maybe');
const and = (a: Tri, b: Tri): Tri => (a === 'no' || b === 'no' ? 'no' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'yes');

function field<T>(m: FieldMatch<T> | undefined, test: (v: T) => Tri): Tri {
  if (!m) return 'yes';
  let any: Tri = 'no';
  for (const v of m.values) {
    const t = test(v);
    if (t === 'yes') {
      any = 'yes';
      break;
    }
    if (t === 'maybe') any = 'maybe';
  }
  return m.negate ? not(any) : any;
}

const inPorts = (port: number | undefined) => (r: PortRange): Tri => (port === undefined ? 'maybe' : port >= r.from && port <= r.to ? 'yes' : 'no');

function ifaceMatches(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

const iface = (packet: Packet, name: string | undefined) => (pattern: string): Tri => {
  if (name !== undefined) return ifaceMatches(pattern, name) ? 'yes' : 'no';
  // The unknown public interface is none of the interfaces known to be something else.
  if ((packet.knownOtherInterfaces ?? []).some((o) => o === pattern)) return 'no';
  return 'maybe';
};

const address = (spec: AddressSpec | undefined) => (cidr: string): Tri => {
  if (!spec) return 'maybe';
  const set = cidrSet([cidr]);
  if (spec.kind === 'exact') return covers(set, cidrSet([spec.address])) ? 'yes' : 'no';
  return covers(spec.except, set) ? 'no' : 'maybe';
};

/** Everything but the source address: yes, no or maybe. */
function matchesPacket(m: RuleMatch, p: Packet): Tri {
  let t: Tri = 'yes';
  t = and(t, field(m.protocol, (v) => (v === p.protocol ? 'yes' : 'no')));
  t = and(t, field(m.dport, inPorts(p.dport)));
  t = and(t, field(m.daddr, address(p.daddr)));
  t = and(t, field(m.iif, iface(p, p.iif)));
  t = and(t, field(m.oif, (v) => (p.oif === undefined ? 'maybe' : ifaceMatches(v, p.oif) ? 'yes' : 'no')));
  t = and(t, field(m.ctOrigDaddr, address(p.ctOrigDaddr)));
  t = and(t, field(m.ctOrigDport, inPorts(p.ctOrigDport)));
  t = and(t, field(m.ctState, (v) => (p.ctState.includes(v) ? 'yes' : 'no')));
  if ((m.unknown ?? []).length > 0) t = and(t, 'maybe');
  return t;
}

/** The part of `sources` the rule's saddr condition selects (negation: the rest). */
function selected(m: RuleMatch, sources: CidrSet): CidrSet {
  if (!m.saddr) return sources;
  const set = cidrSet(m.saddr.values);
  return m.saddr.negate ? minus(sources, set) : intersect(sources, set);
}

interface ChainOutcome {
  accepted: CidrSet;
  dropped: CidrSet;
  returned: CidrSet;
  acceptedBy: FirewallRule[];
  droppedBy: FirewallRule[];
}

function runChain(layer: FirewallLayer, chain: FirewallChain, packet: Packet, sources: CidrSet, depth: number): ChainOutcome {
  const out: ChainOutcome = { accepted: EMPTY, dropped: EMPTY, returned: EMPTY, acceptedBy: [], droppedBy: [] };
  let remaining = sources;
  for (const rule of chain.rules) {
    if (isEmpty(remaining)) break;
    const t = matchesPacket(rule.match, packet);
    if (t === 'no') continue;
    const hit = selected(rule.match, remaining);
    if (isEmpty(hit)) continue;
    const v = rule.verdict;
    switch (v.kind) {
      case 'continue':
        continue;
      case 'accept':
      case 'unknown':
        out.accepted = union(out.accepted, hit);
        out.acceptedBy.push(rule);
        if (t === 'yes') remaining = minus(remaining, hit);
        continue;
      case 'drop':
        if (t !== 'yes') continue;
        out.dropped = union(out.dropped, hit);
        out.droppedBy.push(rule);
        remaining = minus(remaining, hit);
        continue;
      case 'return':
        if (t !== 'yes') continue;
        out.returned = union(out.returned, hit);
        remaining = minus(remaining, hit);
        continue;
      case 'jump':
      case 'goto': {
        const target = layer.chains.find((c) => c.name === v.chain || c.name.endsWith(` ${v.chain}`));
        if (!target || depth > 32) {
          // A chain nobody gave us may accept: treat it so.
          out.accepted = union(out.accepted, hit);
          out.acceptedBy.push(rule);
          if (t === 'yes') remaining = minus(remaining, hit);
          continue;
        }
        const sub = runChain(layer, target, packet, hit, depth + 1);
        out.accepted = union(out.accepted, sub.accepted);
        out.acceptedBy.push(...sub.acceptedBy);
        out.droppedBy.push(...sub.droppedBy);
        if (t === 'yes') {
          out.dropped = union(out.dropped, sub.dropped);
          const decided = union(sub.accepted, sub.dropped);
          // goto: what the sub-chain returns leaves this chain too (the caller's caller decides).
          if (v.kind === 'goto') out.returned = union(out.returned, minus(hit, decided));
          remaining = minus(remaining, v.kind === 'goto' ? hit : decided);
        }
        continue;
      }
    }
  }
  out.returned = union(out.returned, remaining);
  return out;
}

function baseChains(layer: FirewallLayer, hook: 'input' | 'forward'): FirewallChain[] {
  const chains = layer.chains.filter((c) => c.hook === hook).sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
  if (hook === 'forward' && layer.dockerUserImplied && !chains.some((c) => c.name.endsWith(' FORWARD'))) {
    // Docker's FORWARD consults DOCKER-USER first; what it returns, Docker accepts for a published port.
    for (const du of layer.chains.filter((c) => c.name.endsWith(' DOCKER-USER'))) {
      chains.push({ name: `${du.name} (via Docker's FORWARD)`, hook: 'forward', policy: 'accept', rules: [{ match: {}, verdict: { kind: 'jump', chain: du.name }, origin: du.origin }], origin: du.origin });
    }
  }
  return chains;
}

export function evaluateHook(layer: FirewallLayer, hook: 'input' | 'forward', packet: Packet, sources: CidrSet): HookResult {
  if (!layer.present) return { accepted: sources, acceptedBy: [], droppedBy: [], byPolicy: true };
  let passing = sources;
  const acceptedBy: FirewallRule[] = [];
  const droppedBy: FirewallRule[] = [];
  let byPolicy = false;
  for (const chain of baseChains(layer, hook)) {
    if (isEmpty(passing)) break;
    const r = runChain(layer, chain, packet, passing, 0);
    acceptedBy.push(...r.acceptedBy);
    droppedBy.push(...r.dropped.v4.length + r.dropped.v6.length > 0 ? r.droppedBy : []);
    const policyAccepts = chain.policy !== 'drop';
    if (!isEmpty(r.returned)) byPolicy = true;
    passing = union(r.accepted, policyAccepts ? r.returned : EMPTY);
    if (!policyAccepts && !isEmpty(r.returned) && !overlaps(r.returned, r.accepted)) byPolicy = true;
  }
  return { accepted: passing, acceptedBy, droppedBy, byPolicy };
}
