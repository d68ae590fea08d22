// nftables as JSON: the ruleset `nft -j list ruleset` prints, and the command
// batches `nft -j -f` applies in one transaction (libnftables-json(5), nft
// 1.0.6). A batch is replayed in order (add, insert, replace, delete, flush)
// and the tables it leaves are what it states; a listing is already that.
// Every chain of an ip, ip6 or inet table becomes a FirewallChain named
// `<family> <table> <chain>`, each rule at the line of its JSON object.
//
// Soundness: JSON nft would refuse (a syntax error) is never half-read: a
// file nft rejects changes nothing, so it yields no chains at all, and a
// layer nothing speaks for lets everything through.
import { type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { FirewallChain, FirewallRule, Origin } from '../analyze/state.js';
import type { Finding } from '../model/findings.js';
import { lineAt } from './firewall-common.js';
import { convertRule, isObj, type Json } from './firewall-nft-expr.js';
import { type Artifact, artifactProblem, type Ingester, type IngestResult } from './types.js';

export const NFTABLES_FINDING_DOCS = [
  {
    code: 'ingest.nftables.syntax',
    title: 'nftables JSON that nft would reject',
    severity: 'high',
    help: 'The file is not valid JSON, so `nft -j -f` would refuse it and change nothing. None of it is used: the host firewall counts as open until a readable ruleset is given.',
  },
  {
    code: 'ingest.nftables.not-a-ruleset',
    title: 'No "nftables" array',
    severity: 'high',
    help: 'nftables JSON is an object with one "nftables" array of commands or ruleset objects (libnftables-json(5)). Give the output of `nft -j list ruleset` or a batch for `nft -j -f`.',
  },
  {
    code: 'ingest.nftables.unsupported',
    title: 'An nftables object moat does not read',
    severity: 'medium',
    help: 'The item is skipped. Stateful objects (counters, quotas, flowtables) do not change what a chain admits; anything else is reported so that its effect can be checked by hand.',
  },
  {
    code: 'ingest.nftables.missing-chain',
    title: 'A rule for a chain that is not defined',
    severity: 'medium',
    help: 'nft refuses a rule for a chain that does not exist. The rule is kept in a chain of that name, which no hook runs unless something jumps to it.',
  },
  {
    code: 'ingest.nftables.other-family',
    title: 'A table of a family the proof does not evaluate',
    severity: 'info',
    help: 'bridge, arp and netdev tables filter before or beside IP routing; they can only drop more, so leaving them out never hides exposure.',
  },
] as const;

interface RuleState {
  readonly expr: Json | undefined;
  readonly comment?: string;
  readonly handle?: number;
  readonly origin: Origin;
}
interface ChainState {
  def: { [key: string]: Json };
  origin: Origin;
  rules: RuleState[];
}
interface SetState {
  elems: Json[];
  origin: Origin;
}
interface TableState {
  readonly family: string;
  readonly name: string;
  readonly origin: Origin;
  readonly chains: Map<string, ChainState>;
  readonly sets: Map<string, SetState>;
}

const PRIORITIES: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };
const HOOKS = ['input', 'forward', 'prerouting', 'output', 'postrouting'] as const;
const text = (v: Json | undefined) => JSON.stringify(v) ?? 'undefined';

/** `0`, `-10`, `"filter"`, `"filter + 10"`, `"mangle - 5"`. */
function priorityOf(value: Json | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*([a-z]+)\s*(?:([+-])\s*(\d+))?\s*$/.exec(value);
  const base = m ? PRIORITIES[m[1]!] : undefined;
  if (base === undefined) return /^-?\d+$/.test(value.trim()) ? Number(value) : undefined;
  return base + (m?.[2] === '-' ? -1 : 1) * Number(m?.[3] ?? 0);
}

class Replay {
  readonly tables = new Map<string, TableState>();
  readonly problems: Finding[] = [];
  constructor(private readonly file: string) {}

  problem(code: (typeof NFTABLES_FINDING_DOCS)[number]['code'], at: Origin, message: string, hint: string): void {
    const doc = NFTABLES_FINDING_DOCS.find((d) => d.code === code)!;
    this.problems.push(artifactProblem(code, doc.severity, at, `${this.file}:${at.line}: ${message}`, hint));
  }

  table(o: { [key: string]: Json }, at: Origin, create: boolean): TableState | undefined {
    const family = typeof o['family'] === 'string' ? o['family'] : 'ip';
    const name = typeof o['table'] === 'string' ? o['table'] : typeof o['name'] === 'string' && create ? o['name'] : undefined;
    if (name === undefined) return undefined;
    const key = `${family} ${name}`;
    let t = this.tables.get(key);
    if (!t) {
      t = { family, name, origin: at, chains: new Map(), sets: new Map() };
      this.tables.set(key, t);
    }
    return t;
  }

  apply(verb: string, kind: string, o: { [key: string]: Json }, at: Origin): void {
    const remove = verb === 'delete' || verb === 'destroy';
    if (kind === 'ruleset' && verb === 'flush') return void this.tables.clear();
    if (kind === 'table') {
      const key = `${typeof o['family'] === 'string' ? o['family'] : 'ip'} ${String(o['name'])}`;
      if (remove) this.tables.delete(key);
      else if (verb === 'flush') for (const c of this.tables.get(key)?.chains.values() ?? []) c.rules = [];
      else this.table({ ...o, table: o['name'] ?? null }, at, true);
      return;
    }
    const t = this.table(o, at, !remove);
    const name = typeof o['name'] === 'string' ? o['name'] : typeof o['chain'] === 'string' && kind === 'rule' ? o['chain'] : undefined;
    if (!t || (name === undefined && kind !== 'rule'))
      return this.problem(
        'ingest.nftables.unsupported',
        at,
        `${verb} ${kind} without a table or a name`,
        'name the family, table and object as nft -j list ruleset does',
      );
    if (kind === 'chain') {
      const c = t.chains.get(name!);
      if (remove) t.chains.delete(name!);
      else if (verb === 'flush') c && (c.rules = []);
      else if (c) c.def = { ...c.def, ...o };
      else t.chains.set(name!, { def: o, origin: at, rules: [] });
      return;
    }
    if (kind === 'set' || kind === 'map' || kind === 'element') {
      const s = t.sets.get(name!);
      const elems = Array.isArray(o['elem']) ? o['elem'] : o['elem'] === undefined ? [] : [o['elem']];
      if (remove && kind !== 'element') t.sets.delete(name!);
      else if (remove && s) s.elems = s.elems.filter((e) => !elems.some((x) => text(x) === text(e)));
      else if (verb === 'flush') s && (s.elems = []);
      else if (s) s.elems = [...s.elems, ...elems];
      else t.sets.set(name!, { elems, origin: at });
      return;
    }
    if (kind === 'rule') return this.rule(verb, t, o, at);
    this.problem(
      'ingest.nftables.unsupported',
      at,
      `"${kind}" objects are not read`,
      'counters, quotas and flowtables do not change what a chain admits; check anything else by hand',
    );
  }

  private rule(verb: string, t: TableState, o: { [key: string]: Json }, at: Origin): void {
    const chainName = typeof o['chain'] === 'string' ? o['chain'] : '';
    let c = t.chains.get(chainName);
    if (!c) {
      this.problem(
        'ingest.nftables.missing-chain',
        at,
        `a rule for chain "${chainName}" of table ${t.family} ${t.name}, which is not defined`,
        'define the chain before its rules (nft refuses this batch)',
      );
      c = { def: { name: chainName }, origin: at, rules: [] };
      t.chains.set(chainName, c);
    }
    const handle = typeof o['handle'] === 'number' ? o['handle'] : undefined;
    const rule: RuleState = {
      expr: o['expr'],
      origin: at,
      ...(typeof o['comment'] === 'string' ? { comment: o['comment'] } : {}),
      ...(handle !== undefined && verb !== 'add' && verb !== 'insert' ? { handle } : {}),
    };
    const at_ = handle === undefined ? -1 : c.rules.findIndex((r) => r.handle === handle);
    if (verb === 'delete' || verb === 'destroy') {
      if (at_ >= 0) c.rules.splice(at_, 1);
    } else if (verb === 'replace') {
      if (at_ >= 0) c.rules[at_] = { ...rule, ...(handle !== undefined ? { handle } : {}) };
      else c.rules.push(rule);
    } else if (verb === 'insert') c.rules.splice(Math.max(at_, 0), 0, rule);
    else if (at_ >= 0) c.rules.splice(at_ + 1, 0, rule);
    else c.rules.push(rule);
  }

  chains(): FirewallChain[] {
    const out: FirewallChain[] = [];
    for (const t of this.tables.values()) {
      if (!['ip', 'ip6', 'inet'].includes(t.family)) {
        this.problem('ingest.nftables.other-family', t.origin, `table ${t.family} ${t.name} is not part of the proof`, 'nothing to do: it can only drop more');
        continue;
      }
      const prefix = `${t.family} ${t.name}`;
      const lookup = (name: string) => {
        const s = t.sets.get(name);
        return s?.elems;
      };
      for (const [name, c] of t.chains) {
        const rules: FirewallRule[] = c.rules.flatMap((r) => {
          let converted;
          try {
            converted = convertRule(r.expr, lookup, prefix, t.family === 'inet');
          } catch {
            converted = [{ match: { unknown: [text(r.expr)] }, verdict: { kind: 'unknown' as const, text: 'unreadable rule' } }];
          }
          return converted.map((x) => ({ ...x, ...(r.comment !== undefined ? { comment: r.comment } : {}), origin: r.origin }));
        });
        const d = c.def;
        const hook = HOOKS.find((h) => h === d['hook']);
        const priority = priorityOf(d['prio'] ?? d['priority']);
        const policy = d['policy'] === 'drop' ? 'drop' : d['policy'] === 'accept' ? 'accept' : undefined;
        out.push({
          name: `${prefix} ${name}`,
          rules,
          ...(hook ? { hook, priority: priority ?? 0, policy: policy ?? 'accept' } : {}),
          family: t.family as 'ip' | 'ip6' | 'inet',
          origin: c.origin,
        });
      }
    }
    return out;
  }
}

const VERBS = new Set(['add', 'create', 'insert', 'replace', 'delete', 'destroy', 'flush']);
const LISTED = new Set(['table', 'chain', 'set', 'map', 'element', 'rule']);
const IGNORED = new Set(['metainfo', 'counter', 'quota', 'ct helper', 'ct timeout', 'ct expectation', 'limit', 'secmark', 'synproxy', 'flowtable']);

function walk(root: Node, file: string, line: (offset: number) => number): Replay {
  const replay = new Replay(file);
  const list = root.type === 'object' ? root.children?.find((p) => p.children?.[0]?.value === 'nftables')?.children?.[1] : undefined;
  if (list?.type !== 'array') {
    replay.problem(
      'ingest.nftables.not-a-ruleset',
      { file, line: line(root.offset) },
      'no top-level "nftables" array',
      'give the output of `nft -j list ruleset`, or a batch for `nft -j -f`',
    );
    return replay;
  }
  (list.children ?? []).forEach((node, i) => {
    const at: Origin = { file, line: line(node.offset), key: `nftables[${i}]` };
    const item = valueOf(node);
    const key = isObj(item) ? Object.keys(item)[0] : undefined;
    const body = key !== undefined && isObj(item) ? item[key] : undefined;
    if (key !== undefined && IGNORED.has(key)) return;
    if (key !== undefined && LISTED.has(key) && isObj(body)) return replay.apply('add', key, body, at);
    if (key !== undefined && VERBS.has(key) && isObj(body)) {
      const kind = Object.keys(body)[0];
      const obj = kind !== undefined ? body[kind] : undefined;
      if (kind !== undefined && (isObj(obj) || (kind === 'ruleset' && (obj === null || isObj(obj))))) {
        if (LISTED.has(kind) || kind === 'ruleset') return replay.apply(key, kind, isObj(obj) ? obj : {}, at);
        if (IGNORED.has(kind)) return;
      }
    }
    replay.problem(
      'ingest.nftables.unsupported',
      at,
      `item ${text(item).slice(0, 120)} is not read`,
      'check its effect by hand, or give the output of `nft -j list ruleset`',
    );
  });
  return replay;
}

/** getNodeValue, but never throwing on a partial tree. */
function valueOf(node: Node): Json | undefined {
  switch (node.type) {
    case 'object': {
      const out: { [key: string]: Json } = {};
      for (const p of node.children ?? []) {
        const k = p.children?.[0]?.value;
        const v = p.children?.[1];
        if (typeof k === 'string' && v) out[k] = valueOf(v) ?? null;
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map((c) => valueOf(c) ?? null);
    default:
      return node.value as Json;
  }
}

export function ingestNftables(artifact: Artifact): IngestResult {
  const errors: ParseError[] = [];
  const line = lineAt(artifact.text);
  const root = parseTree(artifact.text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || root === undefined) {
    const first = errors[0];
    const at = { file: artifact.file, line: line(first?.offset ?? 0) };
    const what = first ? printParseErrorCode(first.error) : 'empty file';
    return {
      kind: 'nftables-json',
      fragment: {},
      problems: [
        artifactProblem(
          'ingest.nftables.syntax',
          'high',
          at,
          `${artifact.file}:${at.line}: not valid JSON (${what}): nft would reject the file, so none of it is used`,
          'fix the JSON (nft -j -c -f checks it) or give `nft -j list ruleset` output',
        ),
      ],
    };
  }
  const replay = walk(root, artifact.file, line);
  const chains = replay.chains();
  return { kind: 'nftables-json', fragment: { firewall: { chains } }, problems: replay.problems };
}

export const nftablesIngester: Ingester = {
  kind: 'nftables-json',
  detect: (artifact) => /^\s*\{\s*"nftables"\s*:\s*\[/.test(artifact.text),
  ingest: (artifact) => ingestNftables(artifact),
};
