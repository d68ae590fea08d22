// Kubernetes manifests as located trees: a stream of YAML documents (`---`),
// each a tree whose every node knows its line (the compose reader's LNode
// shape, so its small readers serve here too), with the `# Source:` comment
// `helm template` writes above each document remembered.
//
// Not compose-yaml's parseLocated: that reads one document, and a manifest
// stream is many (yaml's parseAllDocuments). Hostile input is bounded the same
// way compose's are, by a node budget the walk shares across every document
// (one node per character of the text, at least 200,000: an alias-free stream
// has fewer nodes than characters, so only expansion by aliases exceeds it)
// and a depth limit. (No second expansion by yaml's toJS to count aliases: the
// budget stops a bomb as early, and the stream is parsed once.)
import { type Alias, type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import type { Finding } from '../model/findings.js';
import type { LMap, LNode } from './compose-yaml.js';
import { type Artifact, artifactProblem } from './types.js';

export interface ManifestDocument {
  readonly root: LNode;
  /** `helm template`'s `# Source: chart/templates/x.yaml` above the document, if any. */
  readonly source?: string;
}

export interface ManifestStream {
  readonly documents: readonly ManifestDocument[];
  readonly problems: readonly Finding[];
}

const MAX_DEPTH = 64;
const MIN_NODES = 200_000;
/** Far above a real chart (a large one renders a few hundred objects). */
const MAX_DOCUMENTS = 20_000;

class OverBudget extends Error {}

class UnresolvedAlias extends Error {
  constructor(
    readonly alias: string,
    readonly line: number,
  ) {
    super(alias);
  }
}

const firstLine = (text: string) => text.split('\n')[0] ?? text;

/** Every `# Source:` comment, by offset, in order. */
function helmSources(text: string): { offset: number; source: string }[] {
  const out: { offset: number; source: string }[] = [];
  for (const m of text.matchAll(/^# Source: (.{1,300})$/gm)) out.push({ offset: m.index ?? 0, source: m[1]?.trim() ?? '' });
  return out;
}

export function parseManifests(artifact: Artifact): ManifestStream {
  const at = (line: number) => ({ file: artifact.file, line: Math.max(1, line) });
  const problems: Finding[] = [];
  const documents: ManifestDocument[] = [];
  try {
    const lines = new LineCounter();
    const docs = parseAllDocuments(artifact.text, { lineCounter: lines, merge: true, uniqueKeys: true, prettyErrors: true });
    const list = Array.isArray(docs) ? docs : [docs];
    const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line || 1);
    if (list.length > MAX_DOCUMENTS) {
      return {
        documents: [],
        problems: [
          artifactProblem(
            'ingest.kubernetes.too-large',
            'high',
            at(1),
            `${artifact.file} holds ${list.length} YAML documents, more than moat reads (${MAX_DOCUMENTS})`,
            'split the manifests into several files',
          ),
        ],
      };
    }
    const sources = helmSources(artifact.text);
    const walk = new TreeWalk(artifact.file, lineOf, Math.max(MIN_NODES, artifact.text.length));
    let previousEnd = 0;
    for (const doc of list) {
      const start = doc.contents?.range?.[0] ?? doc.range[0];
      const source = sources.filter((s) => s.offset >= previousEnd && s.offset < start).at(-1)?.source;
      previousEnd = doc.range[1];
      if (doc.errors.length > 0) {
        for (const e of doc.errors.slice(0, 3)) {
          problems.push(
            artifactProblem(
              'ingest.yaml.syntax',
              'high',
              at(e.linePos?.[0].line ?? lineOf(e.pos[0])),
              `${artifact.file} does not parse: ${firstLine(e.message)}`,
              'fix the YAML at this line (`kubectl apply --dry-run=client -f` shows the same error); the document is not read',
            ),
          );
        }
        continue;
      }
      if (doc.contents === null) continue; // an empty document (`---` at the end) says nothing
      try {
        documents.push({ root: walk.tree(doc, doc.contents), ...(source ? { source } : {}) });
      } catch (error) {
        if (!(error instanceof UnresolvedAlias)) throw error;
        // An anchor is defined per document: `*x` may name one of another document.
        problems.push(
          artifactProblem(
            'ingest.yaml.syntax',
            'high',
            at(error.line),
            `${artifact.file} does not parse: the alias *${error.alias} names no anchor of its document`,
            'define the anchor in the same document as its alias (anchors do not cross `---`); the document is not read',
          ),
        );
      }
    }
  } catch (error) {
    if (error instanceof OverBudget) return { documents: [], problems: [...problems, bomb(artifact, at(1))] };
    // A parser fault on hostile input (deep nesting overflows the stack): report, never crash.
    return {
      documents: [],
      problems: [
        ...problems,
        artifactProblem(
          'ingest.yaml.syntax',
          'high',
          at(1),
          `${artifact.file} could not be read: ${error instanceof Error ? firstLine(error.message) : String(error)}`,
          'check that the file is YAML of a sane size and nesting',
        ),
      ],
    };
  }
  return { documents, problems };
}

function bomb(artifact: Artifact, where: { file: string; line: number }): Finding {
  return artifactProblem(
    'ingest.yaml.alias-bomb',
    'high',
    where,
    `${artifact.file} expands its anchors and aliases to more than moat reads (an alias bomb?), or nests deeper than ${MAX_DEPTH} levels`,
    'write the values out, or use fewer nested aliases',
  );
}

/** yaml's nodes → LNode, aliases resolved and `<<` merged (explicit keys win, earlier merged maps over later ones). */
class TreeWalk {
  private nodes = 0;
  constructor(
    private readonly file: string,
    private readonly lineOf: (offset: number | undefined) => number,
    private readonly budget: number,
  ) {}

  tree(doc: Document, input: unknown, depth = 0): LNode {
    if (++this.nodes > this.budget || depth > MAX_DEPTH) throw new OverBudget();
    const node = isAlias(input) ? this.resolve(doc, input) : (input as Node | null);
    const line = this.lineOf(node?.range?.[0] ?? (input as Node | null)?.range?.[0]);
    if (isSeq(node)) return { kind: 'seq', file: this.file, line, items: node.items.map((i) => this.tree(doc, i, depth + 1)) };
    if (isMap(node)) return this.map(doc, node.items, line, depth);
    if (isScalar(node)) {
      const v = node.value;
      return {
        kind: 'scalar',
        file: this.file,
        line,
        value: v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v),
      };
    }
    return { kind: 'scalar', file: this.file, line, value: null };
  }

  private resolve(doc: Document, alias: Alias): Node {
    const target = alias.resolve(doc);
    if (target === undefined) throw new UnresolvedAlias(alias.source, this.lineOf(alias.range?.[0]));
    return target;
  }

  private map(doc: Document, items: readonly unknown[], line: number, depth: number): LMap {
    const entries = new Map<string, LNode>();
    const keys = new Map<string, { file: string; line: number }>();
    const merges: LNode[] = [];
    for (const pair of items) {
      if (!isPair(pair)) continue;
      if (isScalar(pair.key) && typeof pair.key.value === 'symbol') {
        merges.push(this.tree(doc, pair.value, depth + 1));
        continue;
      }
      const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const keyLine = this.lineOf((pair.key as Node | null)?.range?.[0]);
      entries.set(name, pair.value === null ? { kind: 'scalar', file: this.file, line: keyLine, value: null } : this.tree(doc, pair.value, depth + 1));
      keys.set(name, { file: this.file, line: keyLine });
    }
    for (const merged of merges.flatMap((m) => (m.kind === 'seq' ? m.items : [m]))) {
      if (merged.kind !== 'map') continue;
      for (const [k, v] of merged.entries) {
        if (entries.has(k)) continue;
        entries.set(k, v);
        keys.set(k, merged.keys?.get(k) ?? { file: v.file, line: v.line });
      }
    }
    return { kind: 'map', file: this.file, line, entries, keys };
  }
}
