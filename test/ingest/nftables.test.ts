// The nftables JSON ingester on real `nft -j list ruleset` output and on
// command batches: what it reads, where (file:line), and how doubt is kept.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cidrSet, EMPTY, setEquals, WORLD } from '../../src/analyze/cidr-set.js';
import { evaluateHook, type Packet } from '../../src/analyze/firewall-eval.js';
import type { FirewallChain, FirewallLayer } from '../../src/analyze/state.js';
import { NFTABLES_FINDING_DOCS, nftablesIngester } from '../../src/ingest/nftables.js';

const corpus = (name: string) => readFileSync(new URL(`corpus/firewall/${name}`, import.meta.url), 'utf8');
const ingest = (text: string, file = 'rules.json') => nftablesIngester.ingest({ file, text }, {});
const chains = (text: string): FirewallChain[] => [...(ingest(text).fragment.firewall?.chains ?? [])];
const layer = (cs: readonly FirewallChain[]): FirewallLayer => ({ present: true, chains: cs, dockerUserImplied: false });
const chain = (cs: readonly FirewallChain[], name: string) => cs.find((c) => c.name === name)!;

describe('nftables ingester: detection', () => {
  it('recognises listings and batches by content, nothing else', () => {
    expect(nftablesIngester.detect({ file: 'x', text: corpus('nft-moat-live.json') })).toBe(true);
    expect(nftablesIngester.detect({ file: 'x', text: '{"nftables": [{"add": {"table": {"family": "inet", "name": "t"}}}]}' })).toBe(true);
    expect(nftablesIngester.detect({ file: 'x.json', text: corpus('iptables-nft-save.txt') })).toBe(false);
    expect(nftablesIngester.detect({ file: 'x.json', text: '{"services": {}}' })).toBe(false);
    expect(nftablesIngester.detect({ file: 'x.json', text: 'table inet moat {}' })).toBe(false);
  });
});

describe("nftables ingester: the live dump of moat's own table", () => {
  const r = ingest(corpus('nft-moat-live.json'), 'live.json');
  const input = chain(r.fragment.firewall!.chains, 'inet moat input');

  it('reads the base chain with its hook, priority and policy, and every rule with its comment', () => {
    expect(r.problems).toEqual([]);
    expect(input).toMatchObject({ hook: 'input', priority: 0, policy: 'drop', family: 'inet' });
    expect(input.rules.map((x) => x.comment)).toEqual([
      'loopback',
      "replies to the host's own connections",
      'ipv6 neighbour discovery',
      'dhcpv6 client (link-local only)',
      'invalid',
      'ssh from the admin CIDR',
      'tailscale wireguard',
      'gateway, tailnet only',
      'icmp, rate-limited',
      'icmpv6, rate-limited',
      'default drop',
    ]);
    for (const x of input.rules) expect(x.origin).toMatchObject({ file: 'live.json', line: 1, key: expect.stringMatching(/^nftables\[\d+\]$/) });
  });

  it('resolves the admin set, reads ports, protocols and interfaces', () => {
    const ssh = input.rules.find((x) => x.comment === 'ssh from the admin CIDR')!;
    expect(ssh.match).toEqual({ saddr: { values: ['203.0.113.10/32'] }, protocol: { values: ['tcp'] }, dport: { values: [{ from: 22, to: 22 }] } });
    expect(ssh.verdict).toEqual({ kind: 'accept' });
    const wg = input.rules.find((x) => x.comment === 'tailscale wireguard')!;
    expect(wg.match).toEqual({ iif: { values: ['eth0'] }, protocol: { values: ['udp'] }, dport: { values: [{ from: 41641, to: 41641 }] } });
    // ICMP rules match no tcp/udp packet; their rate limit is a "maybe".
    const icmp = input.rules.find((x) => x.comment === 'icmp, rate-limited')!;
    expect(icmp.match.protocol).toEqual({ values: [] });
    expect(icmp.match.unknown?.[0]).toContain('limit');
  });
});

describe('nftables ingester: expressions (corpus nft-features)', () => {
  const cs = chains(corpus('nft-features.json'));
  const fwd = chain(cs, 'inet t forward');

  it('reads interval sets (prefixes and ranges) as CIDRs and restricts an inet rule to its family', () => {
    const sub = chain(cs, 'inet t sub');
    expect(sub.rules[1]!.match.saddr?.values).toEqual(['10.0.0.0/8', '192.168.1.1/32', '192.168.1.2/31', '192.168.1.4/31']);
    expect(fwd.rules[1]!.match.saddr).toEqual({ values: ['::/0'] });
    expect(fwd.rules[1]!.match.daddr).toEqual({ values: ['fd00::/8'], negate: true });
  });

  it('reads conntrack status, the original destination and port, wildcard names', () => {
    expect(fwd.rules[0]!.match).toMatchObject({
      ctState: { values: ['dnat'] },
      ctOrigDaddr: { values: ['100.64.0.1/32'] },
      ctOrigDport: { values: [{ from: 8443, to: 8443 }] },
      iif: { values: ['br-*'] },
      protocol: { values: ['tcp'] },
    });
  });

  it('reads jump and goto with the table in the target, comparisons, reject as drop', () => {
    expect(fwd.rules[1]!.verdict).toEqual({ kind: 'jump', chain: 'inet t sub' });
    expect(fwd.rules[2]!.verdict).toEqual({ kind: 'goto', chain: 'inet t sub' });
    expect(fwd.rules[2]!.match.dport?.values).toEqual([
      { from: 80, to: 80 },
      { from: 1000, to: 2000 },
    ]);
    expect(fwd.rules[4]!.match.dport).toEqual({ values: [{ from: 0, to: 1023 }] });
    expect(fwd.rules[4]!.verdict).toEqual({ kind: 'drop' });
  });

  it('turns a verdict map into one rule per element', () => {
    const vmap = fwd.rules.filter((x) => x.origin.key === fwd.rules[6]!.origin.key);
    expect(vmap.map((x) => [x.match.iif?.values, x.verdict.kind])).toEqual([
      [['lo'], 'accept'],
      [['eth0'], 'drop'],
    ]);
  });

  it('keeps what it cannot read as "maybe": source port, tcp flags, log+limit', () => {
    expect(fwd.rules[5]!.match.unknown?.[0]).toContain('sport');
    expect(fwd.rules.find((x) => x.match.ctState?.values.includes('untracked'))!.match.unknown?.[0]).toContain('flags');
  });
});

describe('nftables ingester: command batches', () => {
  const batch = [
    '{"nftables": [',
    '  {"add": {"table": {"family": "inet", "name": "old"}}},',
    '  {"add": {"chain": {"family": "inet", "table": "old", "name": "input", "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}}},',
    '  {"delete": {"table": {"family": "inet", "name": "old"}}},',
    '  {"add": {"table": {"family": "ip", "name": "f"}}},',
    '  {"add": {"set": {"family": "ip", "table": "f", "name": "ok", "type": "ipv4_addr", "flags": ["interval"], "elem": [{"prefix": {"addr": "192.0.2.0", "len": 24}}]}}},',
    '  {"add": {"chain": {"family": "ip", "table": "f", "name": "in", "type": "filter", "hook": "input", "prio": "filter - 5", "policy": "drop"}}},',
    '  {"add": {"rule": {"family": "ip", "table": "f", "chain": "in",',
    '     "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "@ok"}}, {"accept": null}]}}},',
    '  {"insert": {"rule": {"family": "ip", "table": "f", "chain": "in", "comment": "first",',
    '     "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "lo"}}, {"accept": null}]}}},',
    '  {"add": {"element": {"family": "ip", "table": "f", "name": "ok", "elem": ["198.51.100.7"]}}}',
    ']}',
  ].join('\n');

  it('replays add, delete, insert and element additions; lines point at each rule object', () => {
    const r = ingest(batch, 'batch.json');
    expect(r.problems).toEqual([]);
    const cs = r.fragment.firewall!.chains;
    expect(cs.map((c) => c.name)).toEqual(['ip f in']);
    const input = cs[0]!;
    expect(input).toMatchObject({ hook: 'input', priority: -5, policy: 'drop', family: 'ip' });
    expect(input.rules.map((x) => [x.comment, x.origin.line])).toEqual([
      ['first', 10],
      [undefined, 8],
    ]);
    // The element added after the rule counts: the set is read as the batch leaves it.
    expect(input.rules[1]!.match.saddr?.values).toEqual(['192.0.2.0/24', '198.51.100.7/32']);
    const ssh: Packet = { iif: 'eth0', protocol: 'tcp', dport: 22, daddr: { kind: 'exact', address: '198.51.100.1' }, ctState: ['new'] };
    expect(setEquals(evaluateHook(layer(cs), 'input', ssh, WORLD).accepted, cidrSet(['192.0.2.0/24', '198.51.100.7/32']))).toBe(true);
  });

  it('flush ruleset forgets every table before it', () => {
    const cs = chains(
      '{"nftables": [{"add": {"table": {"family": "inet", "name": "a"}}}, {"add": {"chain": {"family": "inet", "table": "a", "name": "c"}}}, {"flush": {"ruleset": null}}]}',
    );
    expect(cs).toEqual([]);
  });
});

describe('nftables ingester: what nft would refuse, and iptables-nft compat rules', () => {
  it('uses nothing of a file with a JSON syntax error, and says where', () => {
    const r = ingest('{"nftables": [\n{"add": {"table": {"family": "inet", "name": "t"}}},\n{"add": oops}\n]}', 'bad.json');
    expect(r.fragment.firewall).toBeUndefined();
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ code: 'ingest.nftables.syntax', severity: 'high', location: { file: 'bad.json', line: 3 } });
  });

  it('reports a document without the nftables array', () => {
    expect(ingest('{"rules": []}').problems[0]?.code).toBe('ingest.nftables.not-a-ruleset');
  });

  it('reports a rule for an undefined chain and an unknown item, with locations', () => {
    const r = ingest(
      '{"nftables": [\n{"add": {"rule": {"family": "inet", "table": "t", "chain": "c", "expr": [{"accept": null}]}}},\n{"bogus": {}}\n]}',
      'r.json',
    );
    expect(r.problems.map((p) => [p.code, p.location?.line])).toEqual([
      ['ingest.nftables.missing-chain', 2],
      ['ingest.nftables.unsupported', 3],
    ]);
  });

  it('reads xt compat matches as "maybe" so a DOCKER-USER drop it cannot see never hides a port', () => {
    const cs = chains(corpus('nft-iptables-compat.json'));
    const du = chain(cs, 'ip filter DOCKER-USER');
    const dnatDrop = du.rules[3]!;
    expect(dnatDrop.match.unknown?.[0]).toContain('conntrack');
    const pkt: Packet = { iif: 'eth0', protocol: 'tcp', dport: 80, daddr: { kind: 'exact', address: '172.17.0.2' }, ctState: ['new', 'dnat'] };
    const through = evaluateHook({ present: true, chains: cs, dockerUserImplied: false }, 'forward', pkt, WORLD).accepted;
    // FORWARD's policy is accept here, and the drop on a conntrack match nft cannot show is a "maybe".
    expect(setEquals(through, cidrSet(['0.0.0.0/0']))).toBe(true);
    // An xt REJECT target is a drop; an xt comment filters nothing.
    const input = chain(cs, 'ip filter INPUT');
    expect(input.rules.find((x) => x.match.protocol?.values.length === 0)?.verdict).toEqual({ kind: 'drop' });
    expect(input.rules[1]!.match.unknown).toBeUndefined();
    expect(setEquals(evaluateHook(layer([input]), 'input', { ...pkt, dport: 22, ctState: ['new'] }, WORLD).accepted, cidrSet(['203.0.113.10/32']))).toBe(true);
    expect(EMPTY).toBeDefined();
  });

  it('documents every code it emits', () => {
    const codes = NFTABLES_FINDING_DOCS.map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const d of NFTABLES_FINDING_DOCS) expect(d.code).toMatch(/^ingest\.nftables\.[a-z-]+$/);
  });
});
