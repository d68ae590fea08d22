// The host firewall evaluated over a SET of source addresses, the way netfilter
// runs it, with every doubt resolved towards exposure. The result is the part
// of the sources that gets through one hook, and the rules that decided.
//
// Semantics (nft(8) 1.0.6 "CHAINS", "VERDICT STATEMENT"; iptables(8) 1.8.9
// "TARGETS"; wiki.nftables.org "Configuring chains", section "Base chain
// priority": drops are instant, an accept only ends its own base chain):
// - Every base chain on a hook sees the packet, in priority order (lowest
//   first). `drop` in any of them is final; `accept` ends only that base chain
//   and the packet goes on to the next one. A packet passes the hook when every
//   base chain accepts it (a rule, or the chain policy). iptables-nft tables
//   are nft base chains too (filter INPUT at priority 0).
// - `jump` calls a chain and comes back after it returns or runs out of rules;
//   `goto` does not come back: its return goes to the caller's caller; `return`
//   (or the end) of a base chain applies the base chain's policy; `continue` is
//   the next rule. A base chain of family ip sees IPv4 only, ip6 IPv6 only.
// - Three-valued matching: a condition the packet may or may not meet (text an
//   ingester could not read, the unknown name of the public interface, an
//   `any-except` destination against a CIDR it may or may not be in, a rate
//   limit) counts as met for accept/jump/goto/unknown verdicts and as not met
//   for drop. Source addresses are never "maybe": they split the set (first
//   match wins per subset), as the sets stay exact CIDR lists.
// Work is linear in rules: a chain runs once per call, over a set, and the
// branches of a doubtful jump merge as sets (no per-address enumeration).
import type { Protocol } from '../model/types.js';
import type { CidrSet, Family } from './cidr-set.js';
import { cidrSet, covers, EMPTY, familyOf, intersect, isEmpty, minus, onlyFamily, overlaps, stripBrackets, union, WORLD } from './cidr-set.js';
import type { FieldMatch, FirewallChain, FirewallLayer, FirewallRule, PortRange } from './state.js';

export type AddressSpec = { readonly kind: 'exact'; readonly address: string } | { readonly kind: 'any-except'; readonly except: CidrSet };

export interface Packet {
  /**
   * The input interface; undefined = the public interface whose name is not
   * known: a match on its name is "maybe", except for names known to be other
   * interfaces (lo, the Tailscale interface, the platform bridges). A name
   * ending in `*` stands for some interface with that prefix (`br-*`).
   */
  readonly iif: string | undefined;
  /** Interfaces the unknown public interface is not (patterns allowed); `lo` always counts. */
  readonly knownOtherInterfaces?: readonly string[];
  /** The output interface (forward); undefined: not known, a match on it is "maybe". */
  readonly oif?: string;
  readonly protocol: Protocol;
  /** Destination port at this hook (after DNAT in forward). */
  readonly dport: number;
  /** Destination address at this hook. An exact address fixes the family: sources of the other family are not this packet. */
  readonly daddr: AddressSpec;
  /** Conntrack original destination (DNATed traffic); default: the same as daddr / dport. */
  readonly ctOrigDaddr?: AddressSpec;
  readonly ctOrigDport?: number;
  /** Conntrack state and status names: ['new'] for a host socket, ['new', 'dnat'] for a published port. */
  readonly ctState: readonly string[];
}

export interface HookResult {
  /** The part of the sources that passes every base chain of the hook. */
  readonly accepted: CidrSet;
  /** Accept (or unreadable-verdict) rules that let some of the sources through. */
  readonly acceptedBy: readonly FirewallRule[];
  /** Drop rules that certainly stopped some of them. */
  readonly droppedBy: readonly FirewallRule[];
  /** Whether a base chain's policy (not a rule) decided for some of the sources. */
  readonly byPolicy: boolean;
}

type Tri = 'yes' | 'no' | 'maybe';
const not = (t: Tri): Tri => (t === 'yes' ? 'no' : t === 'no' ? 'yes' : 'maybe');
function all(...ts: readonly Tri[]): Tri {
  if (ts.includes('no')) return 'no';
  return ts.includes('maybe') ? 'maybe' : 'yes';
}
function any(ts: readonly Tri[]): Tri {
  if (ts.includes('yes')) return 'yes';
  return ts.includes('maybe') ? 'maybe' : 'no';
}
function field<T>(m: FieldMatch<T> | undefined, test: (v: T) => Tri): Tri {
  if (m === undefined) return 'yes';
  const r = any(m.values.map(test));
  return m.negate ? not(r) : r;
}

/** A set from ingested text; undefined when some value is not an address (the match is then "maybe"). */
function safeSet(values: readonly string[]): CidrSet | undefined {
  try {
    return cidrSet(values.map((v) => stripBrackets(v)));
  } catch {
    return undefined;
  }
}

const worldOf = (f: Family): CidrSet => onlyFamily(WORLD, f);

function matchAddress(m: FieldMatch<string> | undefined, spec: AddressSpec, f: Family): Tri {
  if (m === undefined) return 'yes';
  const values = safeSet(m.values);
  if (values === undefined) return 'maybe';
  const within = onlyFamily(values, f);
  let r: Tri;
  if (spec.kind === 'exact') {
    const dst = safeSet([spec.address]);
    r = dst === undefined ? 'maybe' : covers(within, dst) && !isEmpty(within) ? 'yes' : 'no';
  } else {
    const candidates = minus(worldOf(f), spec.except);
    r = isEmpty(candidates) || !overlaps(within, candidates) ? 'no' : covers(within, candidates) ? 'yes' : 'maybe';
  }
  return m.negate ? not(r) : r;
}

interface NamePattern {
  readonly prefix: string;
  readonly wild: boolean;
}
const pattern = (name: string): NamePattern => (name.endsWith('*') ? { prefix: name.slice(0, -1), wild: true } : { prefix: name, wild: false });
/** Whether every name `inner` stands for is one `outer` stands for. */
const within = (inner: NamePattern, outer: NamePattern): boolean =>
  outer.wild ? inner.prefix.startsWith(outer.prefix) : !inner.wild && inner.prefix === outer.prefix;
/** Whether the two share some name. */
const meet = (a: NamePattern, b: NamePattern): boolean =>
  a.wild && b.wild
    ? a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix)
    : a.wild
      ? b.prefix.startsWith(a.prefix)
      : b.wild
        ? a.prefix.startsWith(b.prefix)
        : a.prefix === b.prefix;

function matchName(value: string, iface: string | undefined, knownOther: readonly string[]): Tri {
  const rule = pattern(value);
  if (rule.wild && rule.prefix === '') return 'yes';
  if (iface === undefined) return knownOther.some((k) => within(rule, pattern(k))) ? 'no' : 'maybe';
  const packet = pattern(iface);
  return within(packet, rule) ? 'yes' : meet(packet, rule) ? 'maybe' : 'no';
}

const matchPort = (m: FieldMatch<PortRange> | undefined, port: number): Tri => field(m, (r) => (port >= r.from && port <= r.to ? 'yes' : 'no'));

/** Every condition but the source address, which splits the set instead. */
function conditions(rule: FirewallRule, p: Packet, f: Family): Tri {
  const m = rule.match;
  const others = ['lo', ...(p.knownOtherInterfaces ?? [])];
  const state = new Set(p.ctState.map((s) => s.toLowerCase()));
  return all(
    field(m.protocol, (v) => (v === p.protocol ? 'yes' : 'no')),
    matchPort(m.dport, p.dport),
    matchAddress(m.daddr, p.daddr, f),
    field(m.iif, (v) => matchName(v, p.iif, others)),
    field(m.oif, (v) => (p.oif === undefined ? 'maybe' : matchName(v, p.oif, []))),
    matchAddress(m.ctOrigDaddr, p.ctOrigDaddr ?? p.daddr, f),
    matchPort(m.ctOrigDport, p.ctOrigDport ?? p.dport),
    field(m.ctState, (v) => (state.has(v.toLowerCase()) ? 'yes' : 'no')),
    m.unknown !== undefined && m.unknown.length > 0 ? 'maybe' : 'yes',
  );
}

/** The sources the rule's saddr takes from `remaining`; `exact` false when the values could not be read. */
function split(rule: FirewallRule, remaining: CidrSet): { hit: CidrSet; exact: boolean } {
  const m = rule.match.saddr;
  if (m === undefined) return { hit: remaining, exact: true };
  const values = safeSet(m.values);
  if (values === undefined) return { hit: remaining, exact: false };
  return { hit: m.negate ? minus(remaining, values) : intersect(remaining, values), exact: true };
}

/** Possible outcomes of one chain call: sets may overlap when a doubt let a source go both ways. */
interface Outcome {
  readonly accept: CidrSet;
  readonly drop: CidrSet;
  readonly ret: CidrSet;
}

interface Context {
  readonly packet: Packet;
  readonly family: Family;
  readonly chains: ReadonlyMap<string, FirewallChain>;
  readonly acceptedBy: Set<FirewallRule>;
  readonly droppedBy: Set<FirewallRule>;
}

/** nft and iptables refuse loops; a deeper call chain than this is treated as an unreadable verdict. */
const MAX_DEPTH = 64;

const tableOf = (name: string): string => name.slice(0, Math.max(0, name.lastIndexOf(' ')));

function resolve(ctx: Context, from: FirewallChain, target: string): FirewallChain | undefined {
  return ctx.chains.get(target) ?? ctx.chains.get(`${tableOf(from.name)} ${target}`);
}

function run(ctx: Context, chain: FirewallChain, input: CidrSet, stack: readonly string[]): Outcome {
  let remaining = input;
  let accept = EMPTY;
  let drop = EMPTY;
  let ret = EMPTY;
  const take = (rule: FirewallRule, hit: CidrSet): void => {
    accept = union(accept, hit);
    ctx.acceptedBy.add(rule);
  };
  for (const rule of chain.rules) {
    if (isEmpty(remaining)) break;
    const cond = conditions(rule, ctx.packet, ctx.family);
    if (cond === 'no') continue;
    const { hit, exact } = split(rule, remaining);
    if (isEmpty(hit)) continue;
    const certain = cond === 'yes' && exact;
    const v = rule.verdict;
    switch (v.kind) {
      case 'continue':
        break;
      case 'accept':
      case 'unknown':
        // A doubtful accept, or a verdict nobody could read: the sources get through.
        take(rule, hit);
        remaining = minus(remaining, hit);
        break;
      case 'drop':
        // Only a certain drop stops anything; a doubtful one lets the packet go on.
        if (!certain) break;
        drop = union(drop, hit);
        ctx.droppedBy.add(rule);
        remaining = minus(remaining, hit);
        break;
      case 'return':
        ret = union(ret, hit);
        if (certain) remaining = minus(remaining, hit);
        break;
      case 'jump':
      case 'goto': {
        const target = resolve(ctx, chain, v.chain);
        if (target === undefined || stack.includes(target.name) || stack.length >= MAX_DEPTH) {
          take(rule, hit);
          remaining = minus(remaining, hit);
          break;
        }
        const sub = run(ctx, target, hit, [...stack, target.name]);
        accept = union(accept, sub.accept);
        drop = union(drop, sub.drop);
        const rest = certain ? minus(remaining, hit) : remaining;
        // jump: what the callee returns goes on here; goto: it returns to our caller.
        if (v.kind === 'jump') remaining = union(rest, sub.ret);
        else {
          ret = union(ret, sub.ret);
          remaining = rest;
        }
        break;
      }
    }
  }
  return { accept, drop, ret: union(ret, remaining) };
}

/**
 * moby: FORWARD jumps to DOCKER-USER first, and for a published port what
 * DOCKER-USER returns is accepted by Docker's own chains (docs.docker.com,
 * "Packet filtering and firewalls", "Docker on a router"). When the artifacts
 * hold a DOCKER-USER chain but not Docker's FORWARD, that chain stands in.
 */
function impliedForward(layer: FirewallLayer): FirewallChain[] {
  if (!layer.dockerUserImplied) return [];
  return layer.chains.flatMap((c) => {
    if (!c.name.endsWith(' DOCKER-USER')) return [];
    const table = tableOf(c.name);
    if (layer.chains.some((o) => o.hook === 'forward' && tableOf(o.name) === table)) return [];
    const family = c.family ?? (table.startsWith('ip6 ') ? 'ip6' : table.startsWith('ip ') ? 'ip' : 'inet');
    const jump: FirewallRule = { match: {}, verdict: { kind: 'jump', chain: c.name }, comment: 'Docker: FORWARD consults DOCKER-USER first', origin: c.origin };
    return [
      { name: `${table} FORWARD (Docker)`, rules: [jump], hook: 'forward', family, priority: 0, policy: 'accept', origin: c.origin } satisfies FirewallChain,
    ];
  });
}

const seesFamily = (chain: FirewallChain, f: Family): boolean => !((chain.family === 'ip' && f === 6) || (chain.family === 'ip6' && f === 4));

export function evaluateHook(layer: FirewallLayer, hook: 'input' | 'forward', packet: Packet, sources: CidrSet): HookResult {
  if (!layer.present) return { accepted: sources, acceptedBy: [], droppedBy: [], byPolicy: false };
  const chains = new Map(layer.chains.map((c) => [c.name, c]));
  const bases = [...layer.chains.filter((c) => c.hook === hook), ...(hook === 'forward' ? impliedForward(layer) : [])]
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (a.c.priority ?? 0) - (b.c.priority ?? 0) || a.i - b.i)
    .map((x) => x.c);
  const acceptedBy = new Set<FirewallRule>();
  const droppedBy = new Set<FirewallRule>();
  let byPolicy = false;
  let accepted = EMPTY;
  const fixed = packet.daddr.kind === 'exact' ? safeFamily(packet.daddr.address) : undefined;
  for (const f of [4, 6] as const) {
    if (fixed !== undefined && fixed !== f) continue;
    let passing = onlyFamily(sources, f);
    const ctx: Context = { packet, family: f, chains, acceptedBy, droppedBy };
    for (const base of bases) {
      if (isEmpty(passing)) break;
      if (!seesFamily(base, f)) continue;
      const out = run(ctx, base, passing, [base.name]);
      if (!isEmpty(out.ret)) byPolicy = true;
      passing = base.policy === 'drop' ? out.accept : union(out.accept, out.ret);
    }
    accepted = union(accepted, passing);
  }
  return { accepted, acceptedBy: [...acceptedBy], droppedBy: [...droppedBy], byPolicy };
}

function safeFamily(address: string): Family | undefined {
  try {
    return familyOf(address);
  } catch {
    return undefined;
  }
}
