// What the nftables and iptables ingesters share: a rule's conditions gathered
// one by one into a RuleMatch (several conditions on one field combined, what
// cannot be combined kept as an unreadable "maybe"), address ranges turned
// into CIDRs, and line numbers from offsets.
import { normalizeCidr, parseCidr } from 'cidr-tools';
import type { CidrSet } from '../analyze/cidr-set.js';
import { cidrSet, intersect, minus, onlyFamily, setEquals, toList, WORLD } from '../analyze/cidr-set.js';
import type { FieldMatch, PortRange, RuleMatch } from '../analyze/state.js';
import type { Protocol } from '../model/types.js';

export type IpFamily = 4 | 6;
type Field = 'dport' | 'daddr' | 'iif' | 'oif' | 'ctOrigDaddr' | 'ctOrigDport' | 'ctState';

/** A CIDR or address as text; undefined when it is not one (a host name, garbage). */
export function cidrOf(text: string): string | undefined {
  try {
    const p = parseCidr(text);
    return normalizeCidr(p.cidr);
  } catch {
    return undefined;
  }
}

function addressText(value: bigint, family: IpFamily): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((value >> s) & 0xffffn).toString(16));
  return normalizeCidr(`${groups.join(':')}/128`).replace(/\/128$/, '');
}

/**
 * An inclusive address range (`192.168.1.1-192.168.1.5`, nft interval sets) as
 * the fewest CIDRs; cidr-tools merges CIDRs but takes no ranges. Undefined
 * when an end is not an address of the same family or the range is reversed.
 */
export function rangeCidrs(from: string, to: string): string[] | undefined {
  let a: ReturnType<typeof parseCidr>;
  let b: ReturnType<typeof parseCidr>;
  try {
    a = parseCidr(from);
    b = parseCidr(to);
  } catch {
    return undefined;
  }
  if (a.version !== b.version || a.start > b.end) return undefined;
  const family = a.version as IpFamily;
  const bits = family === 4 ? 32n : 128n;
  const out: string[] = [];
  let start = a.start;
  const end = b.end;
  while (start <= end) {
    let size = 0n;
    // The largest aligned block that starts here and does not pass the end.
    while (size < bits && (start & ((1n << (size + 1n)) - 1n)) === 0n && start + (1n << (size + 1n)) - 1n <= end) size += 1n;
    out.push(`${addressText(start, family)}/${bits - size}`);
    start += 1n << size;
  }
  return out;
}

/** `22`, `1000-2000` / `1000:2000`, `:1024`, `1024:`; undefined when not a port or a range. */
export function portRangeOf(text: string, separator: ':' | '-'): PortRange | undefined {
  const parts = text.split(separator);
  const num = (s: string, fallback: number): number | undefined => {
    if (s === '') return fallback;
    if (!/^\d{1,5}$/.test(s)) return undefined;
    const n = Number(s);
    return n <= 65535 ? n : undefined;
  };
  if (parts.length === 1) {
    const n = num(text, -1);
    return n === undefined || n < 0 ? undefined : { from: n, to: n };
  }
  if (parts.length !== 2) return undefined;
  const from = num(parts[0]!, 0);
  const to = num(parts[1]!, 65535);
  return from === undefined || to === undefined || from > to ? undefined : { from, to };
}

const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp'];

/** IP protocol names and numbers: tcp and udp are what the evaluator speaks; others match no tcp/udp packet. */
export function protocolOf(value: string | number): Protocol | 'other' | undefined {
  const v = String(value).toLowerCase();
  if (v === 'tcp' || v === '6') return 'tcp';
  if (v === 'udp' || v === '17') return 'udp';
  if (/^[a-z][a-z0-9-]*$|^\d{1,3}$/.test(v)) return 'other';
  return undefined;
}

/** Collects one rule's conditions. */
export class MatchBuilder {
  private protocols: Set<Protocol> | undefined;
  private family: IpFamily | undefined;
  private readonly saddrs: { set: CidrSet; negate: boolean; values: readonly string[] }[] = [];
  private readonly fields: Partial<Record<Field, FieldMatch<unknown>>> = {};
  private readonly unknown: string[] = [];

  /** The rule only applies to one family (`ip saddr` in an inet table, `meta nfproto ipv4`). */
  restrictFamily(family: IpFamily): void {
    if (this.family !== undefined && this.family !== family) this.protocols = new Set(); // matches nothing
    this.family = family;
  }

  /** `other` protocols are kept as "no tcp/udp packet". */
  protocol(values: readonly (Protocol | 'other')[], negate = false): void {
    const these = new Set(values.filter((v): v is Protocol => v !== 'other'));
    const current = this.protocols ?? new Set(PROTOCOLS);
    this.protocols = new Set([...current].filter((p) => these.has(p) !== negate));
  }

  saddr(values: readonly string[], negate = false): void {
    const cidrs = values.map(cidrOf);
    if (cidrs.some((c) => c === undefined)) {
      this.addUnknown(`${negate ? '!= ' : ''}saddr ${values.join(',')}`);
      return;
    }
    this.saddrs.push({ set: cidrSet(cidrs as string[]), negate, values: cidrs as string[] });
  }

  /** A second condition on the same field cannot be merged into one FieldMatch: it is kept as a "maybe". */
  field<T>(name: Field, match: FieldMatch<T>, text: string): void {
    if (this.fields[name] !== undefined) this.addUnknown(text);
    else this.fields[name] = match as FieldMatch<unknown>;
  }

  addUnknown(text: string): void {
    this.unknown.push(text);
  }

  build(): RuleMatch {
    const m: Record<string, unknown> = { ...this.fields };
    if (this.protocols !== undefined && this.protocols.size < PROTOCOLS.length) m['protocol'] = { values: [...this.protocols].sort() };
    const saddr = this.saddrMatch();
    if (saddr !== undefined) m['saddr'] = saddr;
    if (this.unknown.length > 0) m['unknown'] = [...this.unknown];
    return m as RuleMatch;
  }

  private saddrMatch(): FieldMatch<string> | undefined {
    const only = this.saddrs[0];
    if (this.family === undefined && this.saddrs.length <= 1) return only && { values: only.values, ...(only.negate ? { negate: true } : {}) };
    if (this.family !== undefined && this.saddrs.length === 1 && only && !only.negate && setEquals(onlyFamily(only.set, this.family), only.set)) {
      return { values: only.values };
    }
    // Several conditions, or a family restriction: the one set of sources they all admit.
    let set = this.family === undefined ? WORLD : onlyFamily(WORLD, this.family);
    for (const s of this.saddrs) set = s.negate ? minus(set, s.set) : intersect(set, s.set);
    return setEquals(set, WORLD) ? undefined : { values: toList(set) };
  }
}

export { lineIndex as lineAt } from './lines.js';
