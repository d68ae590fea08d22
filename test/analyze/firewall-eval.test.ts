// The firewall evaluator on hand-written chains: hook semantics across base
// chains, jump/goto/return, three-valued matches resolved towards exposure.
import { describe, expect, it } from 'vitest';
import { cidrSet, EMPTY, minus, setEquals, WORLD } from '../../src/analyze/cidr-set.js';
import { evaluateHook, type Packet } from '../../src/analyze/firewall-eval.js';
import type { FirewallChain, FirewallLayer, FirewallRule, RuleMatch, RuleVerdict } from '../../src/analyze/state.js';

const at = { file: 'test', line: 1 };
const rule = (match: RuleMatch, verdict: RuleVerdict | RuleVerdict['kind']): FirewallRule => ({
  match,
  verdict: typeof verdict === 'string' ? ({ kind: verdict } as RuleVerdict) : verdict,
  origin: at,
});
const base = (name: string, rules: FirewallRule[], extra: Partial<FirewallChain> = {}): FirewallChain => ({
  name,
  rules,
  hook: 'input',
  family: 'inet',
  priority: 0,
  policy: 'drop',
  origin: at,
  ...extra,
});
const chain = (name: string, rules: FirewallRule[]): FirewallChain => ({ name, rules, origin: at });
const layer = (...chains: FirewallChain[]): FirewallLayer => ({ present: true, chains, dockerUserImplied: false });

const ADMIN = cidrSet(['203.0.113.10/32']);
const ssh: Packet = { iif: 'eth0', protocol: 'tcp', dport: 22, daddr: { kind: 'exact', address: '198.51.100.1' }, ctState: ['new'] };
const v4world = cidrSet(['0.0.0.0/0']);
const accepted = (l: FirewallLayer, p: Packet = ssh, sources = v4world, hook: 'input' | 'forward' = 'input') => evaluateHook(l, hook, p, sources).accepted;
const same = (a: ReturnType<typeof accepted>, b: ReturnType<typeof accepted>) => expect(setEquals(a, b), JSON.stringify(a)).toBe(true);

describe('evaluateHook: chains and verdicts', () => {
  it('lets everything through an absent layer and a hook without base chains', () => {
    same(accepted({ present: false, chains: [], dockerUserImplied: false }, ssh, WORLD), WORLD);
    same(accepted(layer(base('inet t fwd', [], { hook: 'forward' }))), v4world);
  });

  it('admits only the admin to ssh, first match wins per subset', () => {
    const l = layer(
      base('inet moat input', [
        rule({ saddr: { values: ['203.0.113.10'] }, protocol: { values: ['tcp'] }, dport: { values: [{ from: 22, to: 22 }] } }, 'accept'),
      ]),
    );
    const r = evaluateHook(l, 'input', ssh, v4world);
    same(r.accepted, ADMIN);
    expect(r.byPolicy).toBe(true);
    expect(r.acceptedBy).toHaveLength(1);
    same(accepted(l, { ...ssh, dport: 23 }), EMPTY);
  });

  it('needs every base chain to accept; a drop anywhere is final; accept ends only its chain', () => {
    const open = base('inet a input', [rule({}, 'accept')], { priority: -10 });
    const closed = base('ip filter INPUT', [rule({ saddr: { values: ['10.0.0.0/8'], negate: true } }, 'drop')], { family: 'ip', policy: 'accept' });
    same(accepted(layer(open, closed)), cidrSet(['10.0.0.0/8']));
    // The ip-family chain does not see IPv6.
    same(accepted(layer(open, closed), { ...ssh, daddr: { kind: 'any-except', except: EMPTY } }, WORLD), union4(cidrSet(['10.0.0.0/8']), cidrSet(['::/0'])));
  });

  it('follows jump, return and goto', () => {
    const sub = chain('inet t sub', [rule({ saddr: { values: ['10.0.0.0/8'] } }, 'return'), rule({}, 'accept')]);
    const viaJump = layer(base('inet t input', [rule({}, { kind: 'jump', chain: 'sub' })]), sub);
    // Returned sources go on in the caller and meet its drop policy; the rest is accepted in sub.
    same(accepted(viaJump), minus(v4world, cidrSet(['10.0.0.0/8'])));
    const viaGoto = layer(base('inet t input', [rule({}, { kind: 'goto', chain: 'sub' }), rule({}, 'accept')]), sub);
    // goto: what sub returns does not come back to the accept after it: it meets the policy.
    same(accepted(viaGoto), minus(v4world, cidrSet(['10.0.0.0/8'])));
    const returnInBase = layer(base('inet t input', [rule({}, 'return'), rule({}, 'accept')], { policy: 'drop' }));
    same(accepted(returnInBase), EMPTY);
  });

  it('treats a missing chain, a loop and an unreadable verdict as accept', () => {
    same(accepted(layer(base('inet t input', [rule({}, { kind: 'jump', chain: 'nowhere' })]))), v4world);
    const loop = layer(base('inet t input', [rule({}, { kind: 'jump', chain: 'a' })]), chain('inet t a', [rule({}, { kind: 'jump', chain: 'a' })]));
    same(accepted(loop), v4world);
    same(accepted(layer(base('inet t input', [rule({}, { kind: 'unknown', text: 'queue' })]))), v4world);
  });

  it('goes on after continue (counter, log)', () => {
    same(accepted(layer(base('inet t input', [rule({}, 'continue'), rule({}, 'accept')]))), v4world);
  });
});

describe('evaluateHook: three-valued matches resolve towards exposure', () => {
  const dropThenAccept = (m: RuleMatch) => layer(base('inet t input', [rule(m, 'drop'), rule({}, 'accept')]));
  const acceptOnly = (m: RuleMatch) => layer(base('inet t input', [rule(m, 'accept')]));

  it('an unreadable match does not drop but does accept', () => {
    same(accepted(dropThenAccept({ unknown: ['fib daddr type local'] })), v4world);
    same(accepted(acceptOnly({ unknown: ['limit rate 5/second'] })), v4world);
  });

  it('the unknown public interface: maybe, but not lo, the tailnet or a bridge', () => {
    const pub: Packet = { ...ssh, iif: undefined, knownOtherInterfaces: ['tailscale0', 'br-*'] };
    same(accepted(acceptOnly({ iif: { values: ['ens5'] } }), pub), v4world);
    same(accepted(dropThenAccept({ iif: { values: ['ens5'] } }), pub), v4world);
    same(accepted(acceptOnly({ iif: { values: ['tailscale0'] } }), pub), EMPTY);
    same(accepted(acceptOnly({ iif: { values: ['lo'] } }), pub), EMPTY);
    same(accepted(acceptOnly({ iif: { values: ['br-abc'] } }), pub), EMPTY);
    // `! -i tailscale0 -j DROP` certainly applies to the public interface.
    same(accepted(dropThenAccept({ iif: { values: ['tailscale0'], negate: true } }), pub), EMPTY);
    same(accepted(acceptOnly({ iif: { values: ['*'] } }), pub), v4world);
  });

  it('interface prefix wildcards on both sides', () => {
    const bridge: Packet = { ...ssh, iif: 'br-*' };
    same(accepted(acceptOnly({ iif: { values: ['br-*'] } }), { ...ssh, iif: 'br-12ab' }), v4world);
    same(accepted(acceptOnly({ iif: { values: ['br-*'] } }), bridge), v4world);
    same(accepted(dropThenAccept({ iif: { values: ['br-12ab'] } }), bridge), v4world);
    same(accepted(acceptOnly({ iif: { values: ['br-12ab'] } }), bridge), v4world);
    same(accepted(acceptOnly({ iif: { values: ['eth*'] } }), bridge), EMPTY);
  });

  it('an any-except destination against a CIDR', () => {
    const anyPublic: Packet = { ...ssh, daddr: { kind: 'any-except', except: cidrSet(['100.64.0.0/10', '127.0.0.0/8']) } };
    same(accepted(dropThenAccept({ daddr: { values: ['100.64.0.0/10'] } }), anyPublic), v4world);
    same(accepted(dropThenAccept({ daddr: { values: ['0.0.0.0/0'] } }), anyPublic), EMPTY);
    same(accepted(dropThenAccept({ daddr: { values: ['198.51.100.0/24'] } }), anyPublic), v4world);
    same(accepted(acceptOnly({ daddr: { values: ['198.51.100.0/24'] } }), anyPublic), v4world);
    same(accepted(acceptOnly({ daddr: { values: ['100.64.0.0/10'] } }), anyPublic), EMPTY);
  });

  it('a doubtful jump explores both branches', () => {
    const l = layer(
      base('inet t input', [rule({ unknown: ['x'] }, { kind: 'jump', chain: 'sub' }), rule({ saddr: { values: ['10.0.0.0/8'] } }, 'accept')]),
      chain('inet t sub', [rule({ saddr: { values: ['192.168.0.0/16'] } }, 'accept'), rule({}, 'drop')]),
    );
    same(accepted(l), cidrSet(['10.0.0.0/8', '192.168.0.0/16']));
  });

  it('conntrack: a new packet is not established; dnat only when DNATed', () => {
    const est = layer(base('inet t input', [rule({ ctState: { values: ['established', 'related'] } }, 'accept')]));
    same(accepted(est), EMPTY);
    same(accepted(layer(base('inet t input', [rule({ ctState: { values: ['established'], negate: true } }, 'accept')]))), v4world);
    const dnatDrop = layer(
      base('ip filter DOCKER-USER', [rule({ iif: { values: ['eth0'] }, ctState: { values: ['dnat'] } }, 'drop')], { hook: 'forward', policy: 'accept' }),
    );
    same(accepted(dnatDrop, { ...ssh, ctState: ['new', 'dnat'] }, v4world, 'forward'), EMPTY);
    same(accepted(dnatDrop, ssh, v4world, 'forward'), v4world);
  });

  it('matches the original destination of DNATed traffic', () => {
    const l = layer(
      base(
        'ip filter FORWARD',
        [
          rule({ iif: { values: ['tailscale0'] }, ctOrigDaddr: { values: ['100.64.0.10'] }, ctOrigDport: { values: [{ from: 8443, to: 8444 }] } }, 'accept'),
          rule({}, 'drop'),
        ],
        { hook: 'forward', family: 'ip' },
      ),
    );
    const pkt = (port: number, iif = 'tailscale0'): Packet => ({
      iif,
      protocol: 'tcp',
      dport: 443,
      daddr: { kind: 'exact', address: '172.20.0.5' },
      ctOrigDaddr: { kind: 'exact', address: '100.64.0.10' },
      ctOrigDport: port,
      ctState: ['new', 'dnat'],
    });
    same(accepted(l, pkt(8444), v4world, 'forward'), v4world);
    same(accepted(l, pkt(8445), v4world, 'forward'), EMPTY);
    same(accepted(l, pkt(8443, 'eth0'), v4world, 'forward'), EMPTY);
  });

  it('an exact destination fixes the family', () => {
    same(accepted(layer(base('inet t input', [], { policy: 'accept' })), ssh, WORLD), v4world);
  });
});

describe('evaluateHook: Docker FORWARD implied by a lone DOCKER-USER', () => {
  const du = (family: 'ip' | 'ip6') =>
    chain(`${family} filter DOCKER-USER`, [
      rule({ iif: { values: ['tailscale0'] }, ctOrigDport: { values: [{ from: 8443, to: 8443 }] } }, 'accept'),
      rule({ iif: { values: ['eth0'] }, ctState: { values: ['dnat'] } }, 'drop'),
      rule({}, 'return'),
    ]);
  const pkt = (iif: string, port: number): Packet => ({
    iif,
    protocol: 'tcp',
    dport: 80,
    daddr: { kind: 'any-except', except: EMPTY },
    ctOrigDport: port,
    ctState: ['new', 'dnat'],
  });

  it('runs DOCKER-USER per family and accepts what it returns', () => {
    const l: FirewallLayer = { present: true, chains: [du('ip')], dockerUserImplied: true };
    same(evaluateHook(l, 'forward', pkt('tailscale0', 8443), WORLD).accepted, WORLD);
    // IPv4 is dropped from the internet; IPv6 has no DOCKER-USER here, so nothing filters it.
    same(evaluateHook(l, 'forward', pkt('eth0', 8443), WORLD).accepted, cidrSet(['::/0']));
    const both: FirewallLayer = { present: true, chains: [du('ip'), du('ip6')], dockerUserImplied: true };
    same(evaluateHook(both, 'forward', pkt('eth0', 9000), WORLD).accepted, EMPTY);
    // What DOCKER-USER returns (not the internet, not a DNATed port it knows) is Docker's: accepted.
    same(evaluateHook(both, 'forward', pkt('br-1', 9000), WORLD).accepted, WORLD);
  });

  it('is not implied when the flag is off', () => {
    const l: FirewallLayer = { present: true, chains: [du('ip')], dockerUserImplied: false };
    same(evaluateHook(l, 'forward', pkt('eth0', 8443), WORLD).accepted, WORLD);
  });
});

function union4(a: ReturnType<typeof cidrSet>, b: ReturnType<typeof cidrSet>) {
  return { v4: a.v4, v6: b.v6 };
}
