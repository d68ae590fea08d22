// One `-A CHAIN ...` line of iptables-save / iptables-restore text turned into
// the evaluator's conditions and verdict (iptables(8), iptables-extensions(8),
// iptables 1.8.9). Options the evaluator can reason about are read; any other
// option is kept in the rule's words as an unreadable "maybe"; an unknown
// target is an unreadable verdict (the evaluator counts it as accept).
import type { FieldMatch, PortRange, RuleMatch, RuleVerdict } from '../analyze/state.js';
import { MatchBuilder, portRangeOf, protocolOf } from './firewall-common.js';

/** Words of a line the way iptables-restore splits them: blanks, '…' and "…" quotes, backslash escapes. */
export function words(line: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote !== undefined) {
      if (ch === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) return undefined;
  if (inWord) out.push(cur);
  return out;
}

/** Targets that do not end the rule: evaluation goes on (iptables-extensions(8) "TARGET EXTENSIONS"). */
const PASSIVE_TARGETS = new Set([
  'LOG',
  'NFLOG',
  'ULOG',
  'MARK',
  'CONNMARK',
  'TRACE',
  'CLASSIFY',
  'TCPMSS',
  'AUDIT',
  'DSCP',
  'TOS',
  'ECN',
  'TTL',
  'HL',
  'SECMARK',
  'CONNSECMARK',
  'IDLETIMER',
  'LED',
  'CT',
  'NOTRACK',
]);
const BUILTIN = new Set(['INPUT', 'FORWARD', 'OUTPUT', 'PREROUTING', 'POSTROUTING']);

export interface ParsedRule {
  readonly chain: string;
  readonly match: RuleMatch;
  readonly verdict: RuleVerdict;
  readonly comment?: string;
  /** Addresses seen in -s/-d/--ctorigdst (for telling IPv4 from IPv6). */
  readonly addresses: readonly string[];
}

const iface = (name: string): string => (name.endsWith('+') ? `${name.slice(0, -1)}*` : name);

function ports(text: string): PortRange[] | undefined {
  const out: PortRange[] = [];
  for (const part of text.split(',')) {
    const r = portRangeOf(part, ':');
    if (r === undefined) return undefined;
    out.push(r);
  }
  return out;
}

/** `1.2.3.0/255.255.255.0` (old iptables-save) as a prefix length. */
function address(text: string): string {
  const m = /^(.+)\/(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (!m) return text;
  const bits = m[2]!
    .split('.')
    .map(Number)
    .reduce((n, o) => n * 256 + o, 0);
  let len = 0;
  while (len < 32 && bits & (2 ** (31 - len))) len++;
  return `${m[1]}/${len}`;
}

/**
 * The words after `-A` (the chain name first). `chainPrefix` names the table
 * (`ip filter`), so jumps name their target chain in full.
 */
export function parseRule(args: readonly string[], chainPrefix: string): ParsedRule | string {
  const chain = args[0];
  if (chain === undefined || chain.startsWith('-')) return '-A without a chain name';
  const b = new MatchBuilder();
  const addresses: string[] = [];
  let verdict: RuleVerdict = { kind: 'continue' };
  let comment: string | undefined;
  let negate = false;
  const set = <T>(field: Parameters<MatchBuilder['field']>[0], values: T[], text: string) =>
    b.field(field, { values, ...(negate ? { negate: true } : {}) } as FieldMatch<T>, text);
  for (let i = 1; i < args.length; i++) {
    const opt = args[i]!;
    const next = (): string | undefined => {
      // The old `-p ! tcp` form puts the bang after the option.
      if (args[i + 1] === '!') {
        negate = !negate;
        i++;
      }
      return args[++i];
    };
    if (opt === '!') {
      negate = true;
      continue;
    }
    const here = `${negate ? '! ' : ''}${opt}`;
    if (opt === '-m' || opt === '--match') {
      i++; // the module name; its options are read on their own
      negate = false;
      continue;
    }
    if (opt === '-j' || opt === '--jump' || opt === '-g' || opt === '--goto') {
      const target = next();
      const rest = args.slice(i + 1).join(' ');
      if (target === undefined) return `${opt} without a target`;
      verdict = targetVerdict(target, opt === '-g' || opt === '--goto', chainPrefix, rest);
      break; // what follows is the target's own options
    }
    const value = next();
    if (value === undefined) {
      b.addUnknown(here);
      break;
    }
    const text = `${here} ${value}`;
    switch (opt) {
      case '-p':
      case '--protocol': {
        const p = value.toLowerCase() === 'all' || value === '0' ? undefined : protocolOf(value);
        if (value.toLowerCase() === 'all' || value === '0') {
          if (negate) b.protocol([]);
        } else if (p === undefined) b.addUnknown(text);
        else b.protocol([p], negate);
        break;
      }
      // iptables makes one rule per address of a list, so `! -s a,b` is "not a, or not b" (every
      // address but one rule's): not a set the evaluator can negate, so it is a "maybe".
      case '-s':
      case '--source':
      case '--src':
        addresses.push(...value.split(','));
        if (negate && value.includes(',')) b.addUnknown(text);
        else b.saddr(value.split(',').map(address), negate);
        break;
      case '-d':
      case '--destination':
      case '--dst':
        addresses.push(...value.split(','));
        if (negate && value.includes(',')) b.addUnknown(text);
        else set('daddr', value.split(',').map(address), text);
        break;
      case '-i':
      case '--in-interface':
        set('iif', [iface(value)], text);
        break;
      case '-o':
      case '--out-interface':
        set('oif', [iface(value)], text);
        break;
      case '--dport':
      case '--destination-port':
      case '--dports':
      case '--destination-ports': {
        const list = ports(value);
        if (list === undefined) b.addUnknown(text);
        else set('dport', list, text);
        break;
      }
      case '--ctstate':
      case '--state': {
        const states = value.toLowerCase().split(',');
        if (states.every((s) => ['new', 'established', 'related', 'invalid', 'untracked', 'dnat', 'snat'].includes(s))) set('ctState', states, text);
        else b.addUnknown(text);
        break;
      }
      case '--ctorigdst':
        addresses.push(value);
        set('ctOrigDaddr', [address(value)], text);
        break;
      case '--ctorigdstport': {
        const list = ports(value);
        if (list === undefined) b.addUnknown(text);
        else set('ctOrigDport', list, text);
        break;
      }
      case '--comment':
        comment = value;
        break;
      default:
        // An option of a match moat does not read (and its value): a "maybe".
        b.addUnknown(text);
    }
    negate = false;
  }
  return { chain, match: b.build(), verdict, ...(comment !== undefined ? { comment } : {}), addresses };
}

function targetVerdict(target: string, isGoto: boolean, chainPrefix: string, rest: string): RuleVerdict {
  if (isGoto) return { kind: 'goto', chain: `${chainPrefix} ${target}` };
  if (target === 'ACCEPT') return { kind: 'accept' };
  if (target === 'DROP' || target === 'REJECT') return { kind: 'drop' };
  if (target === 'RETURN') return { kind: 'return' };
  if (PASSIVE_TARGETS.has(target)) return { kind: 'continue' };
  // A user chain is any name that is not an upper-case extension we do not know; iptables-save declares every user chain.
  if (!BUILTIN.has(target)) return { kind: 'jump', chain: `${chainPrefix} ${target}` };
  return { kind: 'unknown', text: `-j ${target}${rest ? ` ${rest}` : ''}` };
}
