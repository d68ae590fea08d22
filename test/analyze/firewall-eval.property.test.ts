// The set-based evaluator against a brute-force one that walks every source
// address of a tiny space (10.0.0.0/28 and fd00::/126) one by one, exploring
// both outcomes of every doubtful condition; and the soundness property:
// making any condition unreadable never shrinks what gets through.
import { containsCidr } from 'cidr-tools';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrSet, covers, setEquals } from '../../src/analyze/cidr-set.js';
import { evaluateHook, type Packet } from '../../src/analyze/firewall-eval.js';
import type { FirewallChain, FirewallLayer, FirewallRule, RuleMatch, RuleVerdict } from '../../src/analyze/state.js';

const V4 = Array.from({ length: 16 }, (_, i) => `10.0.0.${i}`);
const V6 = Array.from({ length: 4 }, (_, i) => `fd00::${i}`);
const SPACE = cidrSet(['10.0.0.0/28', 'fd00::/126']);
const at = { file: 'p', line: 1 };

const v4cidr = fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 28, max: 32 })).map(([i, len]) => {
  const size = 2 ** (32 - len);
  return `10.0.0.${Math.floor(i / size) * size}/${len}`;
});
const v6cidr = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 126, max: 128 })).map(([i, len]) => {
  const size = 2 ** (128 - len);
  return `fd00::${Math.floor(i / size) * size}/${len}`;
});
/** Mostly absent, so that rules often match and the verdicts get exercised. */
const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: arb, weight: 1 });
const negatable = <T>(values: fc.Arbitrary<T[]>) => fc.record({ values, negate: fc.boolean() });

const matchArb: fc.Arbitrary<RuleMatch> = fc
  .record({
    saddr: optional(negatable(fc.array(fc.oneof(v4cidr, v6cidr), { minLength: 1, maxLength: 2 }))),
    protocol: optional(negatable(fc.subarray(['tcp', 'udp'] as const, { minLength: 1 }).map((a) => [...a]))),
    dport: optional(negatable(fc.array(fc.constantFrom({ from: 22, to: 22 }, { from: 20, to: 80 }, { from: 443, to: 443 }), { minLength: 1, maxLength: 2 }))),
    iif: optional(negatable(fc.array(fc.constantFrom('eth0', 'tailscale0', 'br-*', 'e*'), { minLength: 1, maxLength: 2 }))),
    ctState: optional(negatable(fc.array(fc.constantFrom('new', 'established', 'dnat'), { minLength: 1, maxLength: 2 }))),
    unknown: optional(fc.constant(['something unreadable'])),
  })
  .map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as RuleMatch);

/** Chains c0..c3 are regular; a verdict only jumps forward (c_i to c_j, j > i), so there are no loops. */
const layerArb: fc.Arbitrary<FirewallLayer> = fc
  .record({
    bases: fc.array(
      fc.record({ family: fc.constantFrom('inet', 'ip', 'ip6'), policy: fc.constantFrom('accept', 'drop'), priority: fc.integer({ min: -2, max: 2 }) }),
      { minLength: 1, maxLength: 2 },
    ),
    rules: fc.array(fc.array(fc.tuple(matchArb, fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 3 })), { maxLength: 5 }), {
      minLength: 6,
      maxLength: 6,
    }),
  })
  .map(({ bases, rules }) => {
    // rules[0..1] belong to the base chains (b0, b1), rules[2..5] to c0..c3.
    const chainRules = (index: number): FirewallRule[] =>
      (rules[index] ?? []).map(([match, v, target]) => {
        const level = index < 2 ? -1 : index - 2;
        const dest = level + 1 + (target % Math.max(1, 3 - level));
        const kinds: RuleVerdict[] = [
          { kind: 'accept' },
          { kind: 'drop' },
          { kind: 'drop' },
          { kind: 'return' },
          { kind: 'continue' },
          ...(dest <= 3
            ? ([
                { kind: 'jump', chain: `c${dest}` },
                { kind: 'jump', chain: `c${dest}` },
                { kind: 'goto', chain: `c${dest}` },
              ] as RuleVerdict[])
            : []),
          { kind: 'unknown', text: 'queue' },
        ];
        return { match, verdict: kinds[v % kinds.length]!, origin: at };
      });
    const chains: FirewallChain[] = [
      ...bases.map((b, i) => ({
        name: `t b${i}`,
        rules: chainRules(i),
        hook: 'input' as const,
        family: b.family,
        policy: b.policy,
        priority: b.priority,
        origin: at,
      })),
      ...[0, 1, 2, 3].map((i) => ({ name: `t c${i}`, rules: chainRules(i + 2), origin: at })),
    ];
    return { present: true, chains, dockerUserImplied: false };
  });

const packetArb: fc.Arbitrary<Packet> = fc.record({
  iif: fc.constantFrom('eth0', 'tailscale0', 'br-1', 'lo'),
  protocol: fc.constantFrom('tcp', 'udp'),
  dport: fc.constantFrom(22, 80, 443),
  daddr: fc.constant({ kind: 'any-except', except: { v4: [], v6: [] } } as const),
  ctState: fc.constantFrom(['new'], ['new', 'dnat'], ['established']),
});

// ------------------------------------------------------------ brute force, one address at a time

type Tri = boolean | 'maybe';
function cond(m: RuleMatch, p: Packet): Tri {
  const f = <T>(x: { values: readonly T[]; negate?: boolean } | undefined, t: (v: T) => boolean): boolean =>
    x === undefined ? true : x.values.some(t) !== (x.negate ?? false);
  const name = (v: string) => (v.endsWith('*') ? p.iif!.startsWith(v.slice(0, -1)) : v === p.iif);
  const ok =
    f(m.protocol, (v) => v === p.protocol) &&
    f(m.dport, (r) => p.dport >= r.from && p.dport <= r.to) &&
    f(m.iif, name) &&
    f(m.ctState, (s) => p.ctState.includes(s));
  if (!ok) return false;
  return m.unknown ? 'maybe' : true;
}
const inSaddr = (m: RuleMatch, addr: string): boolean =>
  m.saddr === undefined ? true : m.saddr.values.some((c) => c.includes(':') === addr.includes(':') && containsCidr(c, addr)) !== (m.saddr.negate ?? false);

type Out = 'accept' | 'drop' | 'ret';
function walk(l: FirewallLayer, chain: FirewallChain, from: number, p: Packet, addr: string): Set<Out> {
  const out = new Set<Out>();
  for (let i = from; i < chain.rules.length; i++) {
    const r = chain.rules[i]!;
    const c = cond(r.match, p);
    if (c === false || !inSaddr(r.match, addr)) continue;
    const taken = new Set<Out>();
    const v = r.verdict;
    if (v.kind === 'continue') continue;
    if (v.kind === 'accept' || v.kind === 'unknown') taken.add('accept');
    else if (v.kind === 'drop') taken.add('drop');
    else if (v.kind === 'return') taken.add('ret');
    else {
      const target = l.chains.find((x) => x.name === `t ${v.chain}`)!;
      for (const o of walk(l, target, 0, p, addr)) {
        if (o !== 'ret') taken.add(o);
        else if (v.kind === 'goto') taken.add('ret');
        else for (const after of walk(l, chain, i + 1, p, addr)) taken.add(after);
      }
    }
    if (c === 'maybe' && v.kind !== 'drop') {
      // Both ways: the rule matched, or it did not and the packet goes on.
      for (const o of taken) out.add(o);
      continue;
    }
    if (c === 'maybe') continue; // a doubtful drop: exposure is the other way
    for (const o of taken) out.add(o);
    return out;
  }
  out.add('ret');
  return out;
}

function bruteAccepted(l: FirewallLayer, p: Packet): string[] {
  const bases = l.chains.filter((c) => c.hook === 'input').sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
  return [...V4, ...V6].filter((addr) =>
    bases.every((b) => {
      const v6 = addr.includes(':');
      if ((b.family === 'ip' && v6) || (b.family === 'ip6' && !v6)) return true;
      const outs = walk(l, b, 0, p, addr);
      return outs.has('accept') || (outs.has('ret') && b.policy !== 'drop');
    }),
  );
}

const fromList = (addrs: string[]) => cidrSet(addrs);

describe('evaluateHook against brute force (property)', () => {
  it('accepts exactly the addresses a one-by-one walk over every doubt accepts', () => {
    fc.assert(
      fc.property(layerArb, packetArb, (l, p) => {
        const got = evaluateHook(l, 'input', p, SPACE).accepted;
        const want = fromList(bruteAccepted(l, p));
        expect(setEquals(got, want), `got ${JSON.stringify(got)} want ${JSON.stringify(want)}`).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('never accepts less when a condition becomes unreadable (soundness)', () => {
    const pick = fc.tuple(layerArb, packetArb, fc.nat(), fc.nat(), fc.constantFrom('saddr', 'protocol', 'dport', 'iif', 'ctState'));
    fc.assert(
      fc.property(pick, ([l, p, ci, ri, key]) => {
        const withRules = l.chains.filter((c) => c.rules.length > 0);
        if (withRules.length === 0) return;
        const target = withRules[ci % withRules.length]!;
        const index = ri % target.rules.length;
        const old = target.rules[index]!;
        const { [key]: _gone, ...rest } = old.match as Record<string, unknown>;
        const blurred: FirewallRule = { ...old, match: { ...(rest as RuleMatch), unknown: [...(old.match.unknown ?? []), `was ${key}`] } };
        const chains = l.chains.map((c) => (c === target ? { ...c, rules: c.rules.map((r, i) => (i === index ? blurred : r)) } : c));
        const before = evaluateHook(l, 'input', p, SPACE).accepted;
        const after = evaluateHook({ ...l, chains }, 'input', p, SPACE).accepted;
        expect(covers(after, before)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
