// Tailscale policy (HuJSON): grants and legacy ACLs become located grants with
// protocol and port ranges; groups, tagOwners and host aliases are kept.
import { describe, expect, it } from 'vitest';
import type { TailnetGrant } from '../../src/analyze/state.js';
import { awsSecurityGroupsIngester } from '../../src/ingest/aws-security-groups.js';
import { ingestTailscalePolicy, parseIpEntry, tailscalePolicyIngester } from '../../src/ingest/tailscale-policy.js';
import { checkProperties, corpus } from './corpus/cloud/fuzz-support.js';

const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;
const key = (g: TailnetGrant) => `${g.sources.join(',')} > ${g.destinations.join(',')} ${g.protocol}:${g.ports ? `${g.ports.from}-${g.ports.to}` : '*'}`;
const ingest = (name: string, text = corpus(`tailscale/${name}`)) => ({ text, result: ingestTailscalePolicy({ file: name, text }) });

describe('Tailscale policy', () => {
  it('clean: one grant per port entry at its line; tagOwners and groups kept; tests and ssh grant nothing', () => {
    const { text, result } = ingest('policy-clean.hujson');
    expect(result.problems).toEqual([]);
    const t = result.fragment.tailnet;
    expect(t?.grants.map(key)).toEqual(['group:ai-platform-users > tag:ai-platform tcp:8443-8443', 'group:ai-platform-users > tag:ai-platform tcp:8444-8444']);
    expect(t?.grants.map((g) => g.origin.line)).toEqual([lineOf(text, '"tcp:8443"'), lineOf(text, '"tcp:8444"')]);
    expect(t?.grants[1]?.origin.key).toBe('grants[0].ip[1]');
    expect(t?.tagOwners).toEqual({ 'tag:ai-platform': ['autogroup:admin'] });
    expect(t?.groups).toEqual({ 'group:ai-platform-users': ['alice@example.com', 'bob@example.com'] });
    expect(t?.origin).toEqual({ file: 'policy-clean.hujson', line: lineOf(text, '{') });
  });

  it('legacy ACLs: target:ports destinations, port lists and ranges, proto, host aliases, legacy users/ports, *:*', () => {
    const { text, result } = ingest('policy-legacy.hujson');
    expect(result.problems).toEqual([]);
    const grants = result.fragment.tailnet?.grants ?? [];
    expect(grants.map(key)).toEqual([
      'group:dev > tag:ai-platform any:8443-8443',
      'group:ops > platform,100.64.0.10 any:22-22',
      'group:ops > platform,100.64.0.10 any:5432-5432',
      'group:ops > tag:ai-platform any:8000-8010',
      'office-net,10.1.0.0/16 > platform,100.64.0.10 udp:41641-41641',
      // proto icmp: no TCP or UDP port, left out.
      'autogroup:member > autogroup:self any:*',
      '* > * any:*',
    ]);
    expect(grants.map((g) => g.origin.line)).toEqual([15, 16, 16, 16, 17, 19, 20].map((n) => n + lineOf(text, '"acls"') - 14));
    // The group owns the host's tag here: the analyzer's finding, from this fact.
    expect(result.fragment.tailnet?.tagOwners).toEqual({ 'tag:ai-platform': ['group:dev'] });
  });

  it('open: the default allow-all, tcp:*, a range without protocol, udp; app-only grants open nothing; bad entries widen', () => {
    const { text, result } = ingest('policy-open.hujson');
    const grants = result.fragment.tailnet?.grants ?? [];
    expect(grants.map(key)).toEqual([
      '* > * any:*',
      'autogroup:member > tag:ai-platform tcp:*',
      'autogroup:member > tag:ai-platform any:8000-8010',
      'autogroup:member > tag:ai-platform udp:41641-41641',
      'group:x > tag:ai-platform any:*',
      'group:x > tag:ai-platform any:*',
      '* > * any:*',
    ]);
    expect(result.problems.map((p) => [p.code, p.location?.line])).toEqual([
      ['ingest.tailnet.unreadable-port', lineOf(text, 'tcp:eighty')],
      ['ingest.tailnet.unreadable-port', lineOf(text, 'tcp:eighty')],
      ['ingest.tailnet.unreadable-grant', lineOf(text, '"src": "group:x"')],
    ]);
  });

  it('port entries: the forms of the grants syntax', () => {
    expect(parseIpEntry('*')).toEqual([{ protocol: 'any' }]);
    expect(parseIpEntry('tcp:443')).toEqual([{ protocol: 'tcp', ports: { from: 443, to: 443 } }]);
    expect(parseIpEntry('UDP:*')).toEqual([{ protocol: 'udp' }]);
    expect(parseIpEntry('6:22')).toEqual([{ protocol: 'tcp', ports: { from: 22, to: 22 } }]);
    expect(parseIpEntry('8000-8010')).toEqual([{ protocol: 'any', ports: { from: 8000, to: 8010 } }]);
    expect(parseIpEntry('icmp:*')).toEqual(['none']);
    expect(parseIpEntry('tcp:90-80')).toEqual(['bad']);
    expect(parseIpEntry('tcp:22,80')).toEqual([
      { protocol: 'tcp', ports: { from: 22, to: 22 } },
      { protocol: 'tcp', ports: { from: 80, to: 80 } },
    ]);
  });

  it('a syntax error counts as everyone to everything at its line; hostile keys stay plain data', () => {
    const { result } = ingest('x', '{\n "grants": [\n  {"src": ["a"], "dst": ["b"], "ip": ["tcp:1"]}\n  {"src": ["c"]}\n ]\n}\n');
    expect(result.problems[0]).toMatchObject({ code: 'ingest.tailnet.syntax', location: { file: 'x', line: 4 } });
    expect(result.fragment.tailnet?.grants.some((g) => g.sources.includes('*') && g.destinations.includes('*') && g.ports === undefined)).toBe(true);
    const hostile = ingest('y', '{"groups": {"__proto__": ["evil@example.com"]}, "hosts": {"__proto__": "1.2.3.4"}, "tagOwners": {"constructor": []}}').result;
    const groups = hostile.fragment.tailnet?.groups ?? {};
    expect(Object.getPrototypeOf(groups)).toBe(Object.prototype);
    expect(Object.keys(groups)).toEqual(['__proto__']);
    expect(Object.keys(hostile.fragment.tailnet?.tagOwners ?? {})).toEqual(['constructor']);
  });

  it('detects policies by content (comments first too), not security-group JSON', () => {
    for (const name of ['policy-clean.hujson', 'policy-legacy.hujson', 'policy-open.hujson']) {
      expect(tailscalePolicyIngester.detect({ file: name, text: corpus(`tailscale/${name}`) }), name).toBe(true);
      expect(awsSecurityGroupsIngester.detect({ file: name, text: corpus(`tailscale/${name}`) }), name).toBe(false);
    }
    expect(tailscalePolicyIngester.detect({ file: 'x', text: corpus('cloud/aws-clean.json') })).toBe(false);
  });

  it('fuzz: random and mutated policies never throw; problems and grants are located; a problem leaves an allow-all grant', () => {
    checkProperties(
      (a) => ingestTailscalePolicy(a),
      ['policy-clean.hujson', 'policy-legacy.hujson', 'policy-open.hujson'].map((n) => corpus(`tailscale/${n}`)),
    );
  });
});
