// A YAML (or JSON) document as a plain tree whose every node knows its file
// and line, with aliases and `<<` merge keys already expanded. The compose
// ingester reads this tree instead of yaml's own nodes, so merging several
// files (compose's `-f a -f b`) keeps where each value was written.
//
// Hostile input: yaml's `maxAliasCount` refuses alias bombs before anything is
// expanded (eemeli/yaml 2.x, doc/Document toJS option), and the walk below has
// its own budget of nodes and depth (an alias may point at its own ancestor).
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, YAMLParseError } from 'yaml';
import type { Finding } from '../model/findings.js';
import { type Artifact, artifactProblem } from './types.js';

export interface LMap {
  readonly kind: 'map';
  readonly file: string;
  readonly line: number;
  readonly tag?: string;
  readonly entries: ReadonlyMap<string, LNode>;
  /** Where each key is written (a value's own line is where its value starts). */
  readonly keys?: ReadonlyMap<string, { readonly file: string; readonly line: number }>;
}
export interface LSeq {
  readonly kind: 'seq';
  readonly file: string;
  readonly line: number;
  readonly tag?: string;
  readonly items: readonly LNode[];
}
export interface LScalar {
  readonly kind: 'scalar';
  readonly file: string;
  readonly line: number;
  readonly tag?: string;
  readonly value: string | number | boolean | null;
}
export type LNode = LMap | LSeq | LScalar;

/** yaml's own alias limit (its default is 100); a compose file needs a few dozen at most. */
const MAX_ALIAS_COUNT = 1000;
/**
 * Nodes one document may expand to, and how deep: far above any real compose
 * file. An alias-free document has fewer nodes than characters, so a budget of
 * one node per character (at least 200,000) refuses only expansion by aliases,
 * never a large platform written out (10,000 services is ~500,000 nodes).
 */
const MIN_NODES = 200_000;
const MAX_DEPTH = 64;

export const COMPOSE_YAML_FINDING_DOCS = [
  {
    code: 'ingest.yaml.syntax',
    title: 'The YAML or JSON does not parse',
    help: 'The file is not valid YAML (or JSON). Nothing it says is read, so the layers it would describe stay unknown. Fix the syntax at the line named (`docker compose config` shows the same error) and run again.',
    severity: 'high',
  },
  {
    code: 'ingest.yaml.alias-bomb',
    title: 'The YAML expands to too much',
    help: 'The document uses anchors and aliases that expand to far more nodes than any real configuration (a "billion laughs" document), or nests too deep. moat refuses to expand it; the layers it would describe stay unknown.',
    severity: 'high',
  },
] as const;

export interface LocatedDocument {
  readonly root?: LNode;
  readonly problems: readonly Finding[];
}

class Budget extends Error {}

/** Parses one artifact into a located tree; never throws. */
export function parseLocated(artifact: Artifact): LocatedDocument {
  const at = (line: number) => ({ file: artifact.file, line: Math.max(1, line) });
  try {
    const lineCounter = new LineCounter();
    // Duplicate keys are refused as yaml's `uniqueKeys` would, but checked below with one set per
    // map: yaml compares each key with every earlier key of its map, quadratic in a map of
    // 10,000 services.
    const doc = parseDocument(artifact.text, { lineCounter, merge: true, prettyErrors: true, uniqueKeys: false });
    const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line || 1);
    const errors = withDuplicateKeys(doc, lineCounter);
    if (errors.length > 0) {
      const problems = errors
        .slice(0, 5)
        .map((e) =>
          artifactProblem(
            'ingest.yaml.syntax',
            'high',
            at(e.linePos?.[0].line ?? lineOf(e.pos[0])),
            `${artifact.file} does not parse: ${firstLine(e.message)}`,
            'fix the syntax at this line (`docker compose config` shows the same error)',
          ),
        );
      return { problems };
    }
    // An alias is written `*name`: a text without `*` has none, and converting the whole
    // document to JS only to count its aliases would be a second pass over a large file.
    if (artifact.text.includes('*')) {
      try {
        doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (error) {
        if (error instanceof ReferenceError) return { problems: [bomb(artifact, at(1))] };
        throw error;
      }
    }
    const walker = new Walker(doc, artifact.file, lineOf, Math.max(MIN_NODES, artifact.text.length));
    const root = doc.contents === null ? undefined : walker.node(doc.contents, 0);
    return root === undefined ? { problems: [] } : { root, problems: [] };
  } catch (error) {
    if (error instanceof Budget) return { problems: [bomb(artifact, at(1))] };
    // A parser fault on hostile input (deep nesting overflows the stack): report, never crash.
    return {
      problems: [
        artifactProblem(
          'ingest.yaml.syntax',
          'high',
          at(1),
          `${artifact.file} could not be read: ${error instanceof Error ? firstLine(error.message) : String(error)}`,
          'check that the file is YAML or JSON of a sane size and nesting',
        ),
      ],
    };
  }
}

/**
 * doc.errors with an error at each key that repeats an earlier key of its map, as yaml 2.x
 * reports it with `uniqueKeys: true` (same code, message and position: the key's start; keys
 * equal when both are scalars with `===` values), in document order.
 */
function withDuplicateKeys(doc: Document, lineCounter: LineCounter): YAMLParseError[] {
  const duplicates: YAMLParseError[] = [];
  // An explicit stack, not yaml's visit (which copies the path to every node, and recurses).
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
      continue;
    }
    if (!isMap(node)) continue;
    const seen = new Set<unknown>();
    for (const pair of node.items) {
      stack.push(pair.key, pair.value);
      const key = pair.key;
      // NaN !== NaN: yaml never finds a NaN key equal to another (a Set would).
      if (!isScalar(key) || Number.isNaN(key.value)) continue;
      if (!seen.has(key.value)) {
        seen.add(key.value);
        continue;
      }
      const at = key.range?.[0] ?? 0;
      const error = new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique');
      error.linePos = [lineCounter.linePos(at), lineCounter.linePos(at + 1)];
      // prettyErrors' first line (the rest of its message, the quoted line, is not read here).
      error.message += ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}:`;
      duplicates.push(error);
    }
  }
  duplicates.sort((a, b) => a.pos[0] - b.pos[0]);
  if (duplicates.length === 0) return doc.errors;
  const all = [...doc.errors];
  for (const d of duplicates) {
    const i = all.findIndex((e) => e.pos[0] > d.pos[0]);
    all.splice(i === -1 ? all.length : i, 0, d);
  }
  return all;
}

function bomb(artifact: Artifact, at: { file: string; line: number }): Finding {
  return artifactProblem(
    'ingest.yaml.alias-bomb',
    'high',
    at,
    `${artifact.file} expands its anchors and aliases to more than moat reads (an alias bomb?), or nests deeper than ${MAX_DEPTH} levels`,
    'write the values out, or use fewer nested aliases',
  );
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

class Walker {
  private count = 0;
  constructor(
    private readonly doc: Document,
    private readonly file: string,
    private readonly lineOf: (offset: number | undefined) => number,
    private readonly maxNodes: number,
  ) {}

  node(input: unknown, depth: number): LNode {
    this.count += 1;
    if (this.count > this.maxNodes || depth > MAX_DEPTH) throw new Budget();
    let node = input as Node;
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (target === undefined) return this.scalar(null, node);
      node = target;
    }
    if (isMap(node)) {
      const entries = new Map<string, LNode>();
      const keys = new Map<string, { file: string; line: number }>();
      const merged: LNode[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key;
        if (isScalar(key) && typeof key.value === 'symbol') {
          merged.push(this.node(pair.value, depth + 1));
          continue;
        }
        const name = isScalar(key) ? String(key.value) : String(key);
        const value = pair.value === null || pair.value === undefined ? this.scalar(null, key as Node) : this.node(pair.value, depth + 1);
        entries.set(name, value);
        keys.set(name, { file: this.file, line: this.lineOf((key as Node | null)?.range?.[0]) });
      }
      // YAML 1.1 merge: explicit keys win; of several merged maps, the earlier wins.
      for (const source of merged.flatMap((m) => (m.kind === 'seq' ? m.items : [m]))) {
        if (source.kind !== 'map') continue;
        for (const [k, v] of source.entries) {
          if (entries.has(k)) continue;
          entries.set(k, v);
          const at = source.keys?.get(k);
          if (at) keys.set(k, at);
        }
      }
      return { kind: 'map', file: this.file, line: this.lineOf(node.range?.[0]), ...tagOf(node), entries, keys };
    }
    if (isSeq(node)) {
      const items = node.items.map((item) => this.node(item, depth + 1));
      return { kind: 'seq', file: this.file, line: this.lineOf(node.range?.[0]), ...tagOf(node), items };
    }
    if (isScalar(node)) {
      const v = node.value;
      const value = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : String(v);
      return { kind: 'scalar', file: this.file, line: this.lineOf(node.range?.[0]), ...tagOf(node), value };
    }
    return this.scalar(null, node);
  }

  private scalar(value: null, near: Node | undefined): LScalar {
    return { kind: 'scalar', file: this.file, line: this.lineOf(near?.range?.[0]), value };
  }
}

function tagOf(node: Node): { tag?: string } {
  return typeof node.tag === 'string' && node.tag.startsWith('!') && !node.tag.startsWith('!!') ? { tag: node.tag } : {};
}

// ------------------------------------------------------------ small readers

export function get(node: LNode | undefined, key: string): LNode | undefined {
  return node?.kind === 'map' ? node.entries.get(key) : undefined;
}

/** A scalar as text (numbers and booleans as YAML writes them); undefined for maps, lists and null. */
export function text(node: LNode | undefined): string | undefined {
  if (node?.kind !== 'scalar' || node.value === null) return undefined;
  return String(node.value);
}

export function seqItems(node: LNode | undefined): readonly LNode[] {
  return node?.kind === 'seq' ? node.items : [];
}

/** Where the key of a map entry is written; the value's own position when not known. */
export function keyOrigin(map: LNode | undefined, key: string): { file: string; line: number } | undefined {
  if (map?.kind !== 'map') return undefined;
  const value = map.entries.get(key);
  return map.keys?.get(key) ?? (value ? { file: value.file, line: value.line } : undefined);
}

export function mapEntries(node: LNode | undefined): readonly [string, LNode][] {
  return node?.kind === 'map' ? [...node.entries] : [];
}
