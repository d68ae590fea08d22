// The rendered nftables.conf, checked and applied by the real nft inside a
// fresh network namespace, then read back as JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNftables } from '../../../src/render/nftables.js';
import { createNetns, fileOf, reference, requireTool, tempFiles, withHost, type Netns } from './support.js';

interface NftRule {
  readonly family: string;
  readonly table: string;
  readonly chain: string;
  readonly comment?: string;
  readonly expr: readonly Record<string, unknown>[];
}

/** moat's chains and rules out of `nft -j list ruleset`. */
function rulesOf(json: string): { chains: Record<string, unknown>[]; rules: NftRule[] } {
  const items = (JSON.parse(json) as { nftables: Record<string, unknown>[] }).nftables;
  const moat = (x: Record<string, unknown>) => x['family'] === 'inet' && x['table'] === 'moat';
  return {
    chains: items.flatMap((i) => (i['chain'] ? [i['chain'] as Record<string, unknown>] : [])).filter(moat),
    rules: items.flatMap((i) => (i['rule'] ? [i['rule'] as NftRule] : [])).filter((r) => moat(r as unknown as Record<string, unknown>)),
  };
}

const text = (rule: NftRule): string => JSON.stringify(rule.expr);

describe('nftables.conf on a real nft (netns)', () => {
  let ns: Netns;
  const conf = fileOf(renderNftables(reference(), {}), 'firewall/nftables.conf');
  const files = tempFiles({ 'nftables.conf': conf });

  beforeAll(() => {
    requireTool('nft', 'nftables');
    ns = createNetns('nft');
  });
  afterAll(() => {
    ns?.remove();
    files.cleanup();
  });

  it('passes nft -c -f', () => {
    ns.exec('nft', ['-c', '-f', files.path('nftables.conf')]);
  });

  it('applies twice (atomic replacement, idempotent) and never flushes other tables', () => {
    ns.exec('nft', ['add', 'table', 'inet', 'moat-other']);
    ns.exec('nft', ['-f', files.path('nftables.conf')]);
    const first = ns.exec('nft', ['list', 'ruleset']);
    ns.exec('nft', ['-f', files.path('nftables.conf')]);
    const second = ns.exec('nft', ['list', 'ruleset']);
    expect(second.replace(/packets \d+ bytes \d+/g, '')).toBe(first.replace(/packets \d+ bytes \d+/g, ''));
    expect(second).toContain('table inet moat-other');
    expect(second.match(/table inet moat \{/g)).toHaveLength(1);
  });

  it('has an input chain with policy drop and the expected rules, and no forward chain', () => {
    const { chains, rules } = rulesOf(ns.exec('nft', ['-j', 'list', 'ruleset']));
    const input = chains.find((c) => c['name'] === 'input');
    expect(input).toMatchObject({ family: 'inet', table: 'moat', type: 'filter', hook: 'input', policy: 'drop' });
    expect(chains.some((c) => c['hook'] === 'forward')).toBe(false);

    const byComment = new Map(rules.map((r) => [r.comment, r]));
    const ssh = byComment.get('ssh from the admin CIDR');
    expect(ssh && text(ssh)).toContain('"right":22');
    expect(ssh && text(ssh)).toContain('@admin_v4');
    const wg = byComment.get('tailscale wireguard');
    expect(wg && text(wg)).toContain('"right":41641');
    expect(wg && text(wg)).toContain('"right":"eth0"');
    const gw = byComment.get('gateway, tailnet only');
    expect(gw && text(gw)).toContain('"right":8443');
    expect(gw && text(gw)).toContain('"right":"tailscale0"');
    expect(byComment.get('ipv6 neighbour discovery')).toBeDefined();
    expect(text(byComment.get('icmp, rate-limited')!)).toContain('limit');
    // The last rule drops and counts; nothing logs.
    const last = rules[rules.length - 1]!;
    expect(text(last)).toContain('"drop"');
    expect(text(last)).toContain('counter');
    expect(rules.some((r) => text(r).includes('"log"'))).toBe(false);
    // No other port is accepted.
    const accepted = rules.filter((r) => text(r).includes('"accept"')).flatMap((r) => [...text(r).matchAll(/"dport"\}\},"right":(\d+)/g)].map((m) => Number(m[1])));
    expect(accepted.sort((a, b) => a - b)).toEqual([22, 546, 8443, 41641]);
  });

  it('puts an IPv6 admin CIDR in an IPv6 set', () => {
    const v6 = fileOf(renderNftables(withHost({ adminCidr: '2001:db8::10/128' }), {}), 'firewall/nftables.conf');
    expect(v6).toContain('set admin_v6');
    expect(v6).toContain('ip6 saddr @admin_v6 tcp dport 22 accept');
    const t = tempFiles({ 'v6.conf': v6 });
    try {
      ns.exec('nft', ['-c', '-f', t.path('v6.conf')]);
    } finally {
      t.cleanup();
    }
  });

  it('says so in the file when the admin CIDR is the world', () => {
    const world = fileOf(renderNftables(withHost({ adminCidr: '0.0.0.0/0' }), {}), 'firewall/nftables.conf');
    expect(world).toMatch(/# WARNING: host.adminCidr is 0.0.0.0\/0/);
  });
});
