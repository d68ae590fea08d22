// The iptables-save / iptables-restore ingester on real iptables-nft-save
// output and on moat's own rules files: chains, families, quoting, doubt.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cidrSet, EMPTY, onlyFamily, setEquals, WORLD } from '../../src/analyze/cidr-set.js';
import { evaluateHook, type Packet } from '../../src/analyze/firewall-eval.js';
import type { FirewallChain } from '../../src/analyze/state.js';
import { IPTABLES_FINDING_DOCS, iptablesIngester } from '../../src/ingest/iptables.js';
import { renderDockerUser } from '../../src/render/docker-user.js';
import { reference } from '../render/outer/support.js';

const corpus = (name: string) => readFileSync(new URL(`corpus/firewall/${name}`, import.meta.url), 'utf8');
const ingest = (text: string, file = 'rules.txt') => iptablesIngester.ingest({ file, text }, {});
const chains = (text: string): FirewallChain[] => [...(ingest(text).fragment.firewall?.chains ?? [])];
const chain = (cs: readonly FirewallChain[], name: string) => cs.find((c) => c.name === name)!;

describe('iptables ingester: detection', () => {
  it('recognises iptables-save and restore text by content', () => {
    expect(iptablesIngester.detect({ file: 'x', text: corpus('iptables-nft-save.txt') })).toBe(true);
    expect(iptablesIngester.detect({ file: 'x', text: '*filter\n:DOCKER-USER - [0:0]\nCOMMIT\n' })).toBe(true);
    expect(iptablesIngester.detect({ file: 'x', text: corpus('nft-moat-live.json') })).toBe(false);
    expect(iptablesIngester.detect({ file: 'x', text: 'services:\n  db:\n    image: postgres\n' })).toBe(false);
  });
});

describe('iptables ingester: iptables-nft-save and ip6tables-nft-save of one host', () => {
  const r = ingest(corpus('iptables-nft-save.txt'), 'save.txt');
  const cs = r.fragment.firewall!.chains;

  it('tells the families apart by their headers and names every chain with its table', () => {
    expect(r.problems).toEqual([]);
    expect(cs.map((c) => c.name)).toEqual([
      'ip filter INPUT',
      'ip filter FORWARD',
      'ip filter OUTPUT',
      'ip filter DOCKER-USER',
      'ip6 filter INPUT',
      'ip6 filter FORWARD',
      'ip6 filter OUTPUT',
    ]);
    expect(chain(cs, 'ip filter INPUT')).toMatchObject({ hook: 'input', policy: 'drop', priority: 0, family: 'ip', origin: { line: 3 } });
    expect(chain(cs, 'ip filter DOCKER-USER').hook).toBeUndefined();
    expect(chain(cs, 'ip6 filter INPUT')).toMatchObject({ family: 'ip6', policy: 'accept' });
  });

  it('reads options, negation, wildcards, quoted comments, targets', () => {
    const input = chain(cs, 'ip filter INPUT').rules;
    expect(input[1]).toMatchObject({ comment: 'ssh "admin" only', verdict: { kind: 'accept' }, origin: { file: 'save.txt', line: 8 } });
    expect(input[1]!.match).toEqual({ saddr: { values: ['203.0.113.10/32'] }, protocol: { values: ['tcp'] }, dport: { values: [{ from: 22, to: 22 }] } });
    expect(input[2]!.match.dport).toEqual({
      values: [
        { from: 41641, to: 41641 },
        { from: 60000, to: 60010 },
      ],
    });
    expect(input[3]!.match).toMatchObject({ iif: { values: ['br*'], negate: true }, ctState: { values: ['new'] }, unknown: ['--limit 5/sec'] });
    expect(input[3]!.verdict).toEqual({ kind: 'continue' });
    expect(input[4]!.verdict).toEqual({ kind: 'drop' });
    expect(chain(cs, 'ip filter FORWARD').rules[0]!.verdict).toEqual({ kind: 'jump', chain: 'ip filter DOCKER-USER' });
    expect(chain(cs, 'ip filter DOCKER-USER').rules[1]!.match).toEqual({
      iif: { values: ['tailscale0'] },
      protocol: { values: ['tcp'] },
      ctOrigDaddr: { values: ['100.64.0.10'] },
      ctOrigDport: { values: [{ from: 8443, to: 8443 }] },
    });
  });

  it('evaluates: ssh from the admin only over IPv4; IPv6 input is open (policy accept)', () => {
    const ssh: Packet = { iif: 'eth0', protocol: 'tcp', dport: 22, daddr: { kind: 'any-except', except: EMPTY }, ctState: ['new'] };
    const through = evaluateHook({ present: true, chains: cs, dockerUserImplied: false }, 'input', ssh, WORLD).accepted;
    expect(setEquals(through, cidrSet(['203.0.113.10/32', '::/0']))).toBe(true);
  });
});

describe('iptables ingester: Docker with an empty DOCKER-USER (moby#22054)', () => {
  const r = ingest(corpus('iptables-docker-unfiltered.txt'), 'docker.txt');
  const layer = { present: true, chains: r.fragment.firewall!.chains, dockerUserImplied: false };
  const published = (iif: string, oif?: string): Packet => ({
    iif,
    ...(oif ? { oif } : {}),
    protocol: 'tcp',
    dport: 5432,
    daddr: { kind: 'exact', address: '172.17.0.2' },
    ctState: ['new', 'dnat'],
  });

  it("shows the published port reachable from the whole internet, through Docker's own ACCEPT", () => {
    const res = evaluateHook(layer, 'forward', published('eth0', 'docker0'), WORLD);
    expect(setEquals(res.accepted, onlyFamily(WORLD, 4))).toBe(true);
    expect(res.acceptedBy.map((x) => x.origin.line)).toEqual([16]);
    // Without knowing the output interface, the same (a "maybe" never hides exposure).
    expect(setEquals(evaluateHook(layer, 'forward', published('eth0'), WORLD).accepted, onlyFamily(WORLD, 4))).toBe(true);
    // Another port: FORWARD's policy drops it.
    expect(setEquals(evaluateHook(layer, 'forward', { ...published('eth0', 'docker0'), dport: 6379 }, WORLD).accepted, EMPTY)).toBe(true);
  });

  it('says that the nat table is not evaluated', () => {
    expect(r.problems.map((p) => [p.code, p.severity, p.location?.line])).toEqual([['ingest.iptables.other-table', 'info', 25]]);
  });
});

describe("iptables ingester: moat's own rules files", () => {
  const files = renderDockerUser(reference(), {}).files;
  const v6 = files.find((f) => f.path.endsWith('v6.rules'))!.content;

  it('knows the IPv6 file for IPv6 although it holds no address', () => {
    const r = ingest(v6, 'firewall/docker-user.v6.rules');
    expect(r.problems).toEqual([]);
    expect(r.fragment.firewall!.chains.map((c) => [c.name, c.family])).toEqual([['ip6 filter DOCKER-USER', 'ip6']]);
  });

  it('says when nothing tells the family, and reads it as IPv4', () => {
    const r = ingest('*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -i eth0 -j DROP\nCOMMIT\n');
    expect(r.problems.map((p) => [p.code, p.location?.line])).toEqual([['ingest.iptables.family-unknown', 1]]);
    expect(r.fragment.firewall!.chains[0]!.name).toBe('ip filter DOCKER-USER');
  });
});

describe('iptables ingester: what iptables-restore would refuse', () => {
  it('uses nothing of a table without COMMIT (a truncated dump)', () => {
    const r = ingest('# Generated by iptables-save\n*filter\n:INPUT DROP [0:0]\n-A INPUT -s 10.0.0.1 -j ACCEPT\n');
    expect(r.fragment.firewall!.chains).toEqual([]);
    expect(r.problems.map((p) => [p.code, p.location?.line])).toEqual([['ingest.iptables.no-commit', 2]]);
  });

  it('uses nothing of a table with an unterminated quote, and says where', () => {
    const r = ingest('*filter\n:INPUT DROP [0:0]\n-A INPUT -m comment --comment "oops -j ACCEPT\nCOMMIT\n');
    expect(r.fragment.firewall!.chains).toEqual([]);
    expect(r.problems[0]).toMatchObject({ code: 'ingest.iptables.unreadable', location: { line: 3 } });
  });

  it('keeps a quoted comment a comment, whatever it says', () => {
    const cs = chains('# Generated by iptables-save\n*filter\n:INPUT DROP [0:0]\n-A INPUT -m comment --comment "x -j ACCEPT" -j DROP\nCOMMIT\n');
    expect(chain(cs, 'ip filter INPUT').rules).toMatchObject([{ comment: 'x -j ACCEPT', verdict: { kind: 'drop' } }]);
  });

  it('replays -I with a position, -N, -P; reports -D', () => {
    const r = ingest('# ip6tables-restore\n*filter\n-P INPUT DROP\n-N X\n-A INPUT -j X\n-I INPUT 1 -i lo -j ACCEPT\n-D INPUT 1\nCOMMIT\n');
    const input = chain(r.fragment.firewall!.chains, 'ip6 filter INPUT');
    expect(input.policy).toBe('drop');
    expect(input.rules.map((x) => x.verdict)).toEqual([{ kind: 'accept' }, { kind: 'jump', chain: 'ip6 filter X' }]);
    expect(r.problems.map((p) => p.code)).toEqual(['ingest.iptables.unsupported']);
  });

  it('turns a jump to an extension it does not know into an unreadable verdict', () => {
    const cs = chains('# iptables-save\n*filter\n:FORWARD DROP [0:0]\n-A FORWARD -j NFQUEUE --queue-num 1\nCOMMIT\n');
    expect(chain(cs, 'ip filter FORWARD').rules[0]!.verdict).toEqual({ kind: 'unknown', text: '-j NFQUEUE' });
  });

  it('documents every code it emits', () => {
    for (const d of IPTABLES_FINDING_DOCS) expect(d.code).toMatch(/^ingest\.iptables\.[a-z-]+$/);
  });
});

describe('iptables ingester: address lists', () => {
  it('reads `-s a,b` as alternatives, and `! -s a,b` (one rule per address) as a "maybe"', () => {
    const cs = chains(
      '# iptables-save\n*filter\n:INPUT DROP [0:0]\n-A INPUT -s 10.0.0.1,10.0.0.2 -j ACCEPT\n-A INPUT ! -s 10.0.0.1,10.0.0.2 -j ACCEPT\nCOMMIT\n',
    );
    const [alt, neg] = chain(cs, 'ip filter INPUT').rules;
    expect(alt!.match.saddr).toEqual({ values: ['10.0.0.1/32', '10.0.0.2/32'] });
    expect(neg!.match.unknown).toEqual(['! -s 10.0.0.1,10.0.0.2']);
  });
});
