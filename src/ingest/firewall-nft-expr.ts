// One nftables rule's `expr` array (libnftables-json(5), nft 1.0.6) turned into
// the evaluator's conditions and verdict. What the evaluator can reason about
// (addresses, ports, protocols, interfaces, conntrack state and original
// destination) is read; every other expression is kept as its JSON text and
// counts as "maybe"; a statement that may end the rule (queue, nat, fwd) is an
// unreadable verdict, which the evaluator treats as accept.
import type { PortRange, RuleMatch, RuleVerdict } from '../analyze/state.js';
import { cidrOf, type IpFamily, MatchBuilder, protocolOf, rangeCidrs } from './firewall-common.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };
export const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A named set as the table defines it: its elements, or undefined when one could not be read. */
export type SetLookup = (name: string) => readonly Json[] | undefined;

export interface ConvertedRule {
  readonly match: RuleMatch;
  readonly verdict: RuleVerdict;
}

const text = (v: Json | undefined): string => JSON.stringify(v) ?? 'undefined';

/** Statements that never end a rule and filter nothing (nft(8) "STATEMENTS"). */
const PASSIVE = new Set(['counter', 'log', 'mangle', 'notrack', 'dup', 'set', 'flow', 'ct helper', 'ct timeout', 'ct expectation', 'secmark', 'last']);
/** Statements that stop a rule when they do not match (a rate above its limit, a quota used up): "maybe" conditions. */
const GATES = new Set(['limit', 'quota', 'ct count', 'meter']);
/** iptables-nft's compat targets that do not end the rule (iptables-extensions(8)). */
const PASSIVE_XT = new Set(['LOG', 'NFLOG', 'MARK', 'CONNMARK', 'TRACE', 'CLASSIFY', 'TCPMSS', 'AUDIT', 'DSCP', 'TOS']);

/** The alternatives of a right-hand side: a value, an anonymous set, a flag list, a named set. */
function alternatives(right: Json | undefined, sets: SetLookup): readonly Json[] | undefined {
  if (typeof right === 'string' && right.startsWith('@')) return sets(right.slice(1));
  if (Array.isArray(right)) return right;
  if (isObj(right) && Array.isArray(right['set'])) return right['set'];
  return right === undefined ? undefined : [right];
}

function addresses(values: readonly Json[]): string[] | undefined {
  const out: string[] = [];
  for (const v of values) {
    if (typeof v === 'string') {
      const c = cidrOf(v);
      if (c === undefined) return undefined;
      out.push(c);
    } else if (isObj(v) && isObj(v['prefix']) && typeof v['prefix']['addr'] === 'string' && typeof v['prefix']['len'] === 'number') {
      const c = cidrOf(`${v['prefix']['addr']}/${v['prefix']['len']}`);
      if (c === undefined) return undefined;
      out.push(c);
    } else if (isObj(v) && Array.isArray(v['range']) && typeof v['range'][0] === 'string' && typeof v['range'][1] === 'string') {
      const r = rangeCidrs(v['range'][0], v['range'][1]);
      if (r === undefined) return undefined;
      out.push(...r);
    } else if (isObj(v) && isObj(v['elem'])) {
      const inner = addresses([v['elem']['val'] ?? null]);
      if (inner === undefined) return undefined;
      out.push(...inner);
    } else return undefined;
  }
  return out;
}

function ports(values: readonly Json[]): PortRange[] | undefined {
  const out: PortRange[] = [];
  for (const v of values) {
    const ok = (n: Json | undefined): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535;
    if (ok(v)) out.push({ from: v, to: v });
    else if (isObj(v) && Array.isArray(v['range']) && ok(v['range'][0]) && ok(v['range'][1]) && v['range'][0] <= v['range'][1])
      out.push({ from: v['range'][0], to: v['range'][1] });
    else if (isObj(v) && isObj(v['elem'])) {
      const inner = ports([v['elem']['val'] ?? null]);
      if (inner === undefined) return undefined;
      out.push(...inner);
    } else return undefined;
  }
  return out;
}

function strings(values: readonly Json[]): string[] | undefined {
  return values.every((v) => typeof v === 'string') ? (values as string[]) : undefined;
}

/** `<`, `>`, `<=`, `>=` on a port become a range. */
function comparison(op: string, right: Json | undefined): PortRange | undefined {
  if (typeof right !== 'number' || !Number.isInteger(right)) return undefined;
  if (op === '<') return right > 0 ? { from: 0, to: right - 1 } : undefined;
  if (op === '<=') return { from: 0, to: Math.min(right, 65535) };
  if (op === '>') return right < 65535 ? { from: right + 1, to: 65535 } : undefined;
  if (op === '>=') return { from: Math.max(right, 0), to: 65535 };
  return undefined;
}

const FAMILY_OF: Record<string, IpFamily> = { ip: 4, ip6: 6, ipv4: 4, ipv6: 6 };

/** Reads one `match`; false when it is not one the evaluator understands. */
function readMatch(b: MatchBuilder, m: Obj, sets: SetLookup, inet: boolean): boolean {
  const op = typeof m['op'] === 'string' ? m['op'] : '==';
  const left = m['left'];
  const right = m['right'];
  const negate = op === '!=';
  const eq = op === '==' || op === 'in' || negate;
  const raw = text(m);
  const values = alternatives(right, sets);
  if (!isObj(left)) return false;
  const payload = left['payload'];
  const meta = left['meta'];
  const ct = left['ct'];
  if (isObj(payload) && typeof payload['protocol'] === 'string' && typeof payload['field'] === 'string') {
    const proto = payload['protocol'];
    const f = payload['field'];
    if (proto === 'ip' || proto === 'ip6') {
      if (inet) b.restrictFamily(FAMILY_OF[proto]!);
      if ((f === 'saddr' || f === 'daddr') && eq && values !== undefined) {
        const list = addresses(values);
        if (list === undefined) return false;
        if (f === 'saddr') b.saddr(list, negate);
        else b.field('daddr', { values: list, ...(negate ? { negate } : {}) }, raw);
        return true;
      }
      return false;
    }
    // A transport header field implies its protocol (nft adds the l4proto dependency).
    const p = proto === 'th' ? undefined : protocolOf(proto);
    if (p !== undefined) b.protocol([p]);
    if (f === 'dport' && (proto === 'tcp' || proto === 'udp' || proto === 'th')) {
      const range = comparison(op, right);
      const list = range ? [range] : eq && values !== undefined ? ports(values) : undefined;
      if (list === undefined) return false;
      b.field('dport', { values: list, ...(negate ? { negate } : {}) }, raw);
      return true;
    }
    // Another protocol's field (icmp type) is settled by the protocol alone; a tcp/udp field other than dport is "maybe".
    return p === 'other';
  }
  if (isObj(meta) && typeof meta['key'] === 'string') {
    const key = meta['key'];
    if ((key === 'iifname' || key === 'oifname' || key === 'iif' || key === 'oif') && eq && values !== undefined) {
      const names = strings(values);
      if (names === undefined) return false;
      b.field(key.startsWith('i') ? 'iif' : 'oif', { values: names, ...(negate ? { negate } : {}) }, raw);
      return true;
    }
    if (key === 'l4proto' && eq && values !== undefined) {
      const list = values.map((v) => (typeof v === 'string' || typeof v === 'number' ? protocolOf(v) : undefined));
      if (list.some((v) => v === undefined)) return false;
      b.protocol(list as ('tcp' | 'udp' | 'other')[], negate);
      return true;
    }
    if ((key === 'nfproto' || key === 'protocol') && op === '==' && typeof right === 'string' && FAMILY_OF[right] !== undefined) {
      b.restrictFamily(FAMILY_OF[right]!);
      return true;
    }
    return false;
  }
  if (isObj(ct) && typeof ct['key'] === 'string') {
    const key = ct['key'];
    if ((key === 'state' || key === 'status') && eq && values !== undefined) {
      const names = strings(values)?.map((s) => s.toLowerCase());
      const known = key === 'state' ? ['new', 'established', 'related', 'invalid', 'untracked'] : ['dnat', 'snat'];
      if (names === undefined || !names.every((n) => known.includes(n))) return false;
      b.field('ctState', { values: names, ...(negate ? { negate } : {}) }, raw);
      return true;
    }
    // nft 1.0.6 prints `ct original ip daddr` as key "ip daddr"; older ones as key "daddr" with a family.
    if (ct['dir'] === 'original' && (key === 'ip daddr' || key === 'ip6 daddr' || key === 'daddr') && eq && values !== undefined) {
      const list = addresses(values);
      if (list === undefined) return false;
      const fam = key === 'daddr' ? (typeof ct['family'] === 'string' ? ct['family'] : undefined) : key.split(' ')[0]!;
      if (inet && fam !== undefined && FAMILY_OF[fam] !== undefined) b.restrictFamily(FAMILY_OF[fam]!);
      b.field('ctOrigDaddr', { values: list, ...(negate ? { negate } : {}) }, raw);
      return true;
    }
    if (ct['dir'] === 'original' && key === 'proto-dst') {
      const range = comparison(op, right);
      const list = range ? [range] : eq && values !== undefined ? ports(values) : undefined;
      if (list === undefined) return false;
      b.field('ctOrigDport', { values: list, ...(negate ? { negate } : {}) }, raw);
      return true;
    }
  }
  return false;
}

const VERDICTS = new Set(['accept', 'drop', 'reject', 'return', 'continue', 'jump', 'goto']);

function verdictOf(key: string, value: Json | undefined, chainPrefix: string): RuleVerdict {
  if (key === 'accept') return { kind: 'accept' };
  if (key === 'drop' || key === 'reject') return { kind: 'drop' };
  if (key === 'return') return { kind: 'return' };
  if (key === 'continue') return { kind: 'continue' };
  if ((key === 'jump' || key === 'goto') && isObj(value) && typeof value['target'] === 'string')
    return { kind: key, chain: `${chainPrefix} ${value['target']}` };
  return { kind: 'unknown', text: text({ [key]: value ?? null }) };
}

/**
 * One rule (a vmap becomes one rule per element, first match wins, which is
 * what a verdict map does: nft(8) "VERDICT MAPS").
 */
export function convertRule(expr: Json | undefined, sets: SetLookup, chainPrefix: string, inet: boolean): ConvertedRule[] {
  const b = new MatchBuilder();
  if (!Array.isArray(expr)) return [{ match: { unknown: [text(expr)] }, verdict: { kind: 'unknown', text: 'rule without an expr list' } }];
  for (const e of expr) {
    if (!isObj(e)) {
      b.addUnknown(text(e));
      continue;
    }
    const key = Object.keys(e)[0] ?? '';
    const value = e[key];
    if (key === 'match' && isObj(value)) {
      if (!readMatch(b, value, sets, inet)) b.addUnknown(text(e));
      continue;
    }
    if (VERDICTS.has(key)) return [{ match: b.build(), verdict: verdictOf(key, value, chainPrefix) }];
    if (key === 'vmap' && isObj(value)) return vmapRules(b, value, sets, chainPrefix, inet, e);
    if (GATES.has(key)) {
      b.addUnknown(text(e));
      continue;
    }
    if (PASSIVE.has(key)) continue;
    if (key === 'xt' && isObj(value)) {
      // An xtables match or target iptables-nft could not translate: a match is a "maybe".
      // (nft prints only its name: `xt match "conntrack"`). A comment filters nothing; REJECT drops.
      const name = String(value['name']);
      if (value['type'] !== 'target') {
        if (name !== 'comment') b.addUnknown(text(e));
      } else if (name === 'REJECT') return [{ match: b.build(), verdict: { kind: 'drop' } }];
      else if (!PASSIVE_XT.has(name)) return [{ match: b.build(), verdict: { kind: 'unknown', text: text(e) } }];
      continue;
    }
    // Anything else may end the rule with a verdict of its own (queue, nat, fwd, an xt target).
    return [{ match: b.build(), verdict: { kind: 'unknown', text: text(e) } }];
  }
  return [{ match: b.build(), verdict: { kind: 'continue' } }];
}

function vmapRules(b: MatchBuilder, vmap: Obj, sets: SetLookup, prefix: string, inet: boolean, whole: Obj): ConvertedRule[] {
  const base = b.build();
  const data = vmap['data'];
  const entries = isObj(data) && Array.isArray(data['set']) ? data['set'] : undefined;
  if (entries === undefined) return [{ match: base, verdict: { kind: 'unknown', text: text(whole) } }];
  const out: ConvertedRule[] = [];
  for (const entry of entries) {
    const pair = Array.isArray(entry) && entry.length === 2 && isObj(entry[1]) ? entry : undefined;
    const verdictKey = pair && isObj(pair[1]) ? Object.keys(pair[1])[0] : undefined;
    const one = new MatchBuilder();
    const readable =
      pair !== undefined && verdictKey !== undefined && readMatch(one, { op: '==', left: vmap['key'] ?? null, right: pair[0] ?? null }, sets, inet);
    if (!readable || verdictKey === undefined || !pair) {
      out.push({ match: base, verdict: { kind: 'unknown', text: text(whole) } });
      continue;
    }
    out.push({ match: merge(base, one.build()), verdict: verdictOf(verdictKey, (pair[1] as Obj)[verdictKey], prefix) });
  }
  return out;
}

/** The rule's own conditions plus one vmap key (a field both set is kept as "maybe"). */
function merge(a: RuleMatch, b: RuleMatch): RuleMatch {
  const out: Record<string, unknown> = { ...a };
  const unknown = [...(a.unknown ?? [])];
  for (const [k, v] of Object.entries(b)) {
    if (k === 'unknown') unknown.push(...(v as string[]));
    else if (out[k] === undefined) out[k] = v;
    else unknown.push(`${k} ${JSON.stringify(v)}`);
  }
  if (unknown.length > 0) out['unknown'] = unknown;
  return out as RuleMatch;
}
