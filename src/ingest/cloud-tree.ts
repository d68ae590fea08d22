// A located value tree shared by the cloud and tailnet ingesters: JSON (and
// HuJSON) through jsonc-parser's parseTree, YAML through the yaml package's
// AST, both turned into the same small shape with a 1-based line on every
// node, so the ingesters read one structure and every fact keeps its line.
// CloudFormation's short intrinsic tags (`!Ref X`, `!GetAtt A.B`, `!Sub ...`)
// become the long form (`{ Ref: X }`, `{ 'Fn::GetAtt': [A, B] }`) here, which
// is what AWS documents them to mean:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
import { type Node as JsonNode, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { lineIndex } from './lines.js';

export interface LEntry {
  readonly key: string;
  readonly line: number;
  readonly value: LNode;
}

export type LNode =
  | { readonly kind: 'object'; readonly line: number; readonly entries: readonly LEntry[] }
  | { readonly kind: 'array'; readonly line: number; readonly items: readonly LNode[] }
  | { readonly kind: 'scalar'; readonly line: number; readonly value: string | number | boolean | null }
  /** Not a literal: an expression (HCL `var.x`, a function call), or a tag moat does not know. */
  | { readonly kind: 'other'; readonly line: number; readonly text: string };

export interface SyntaxProblem {
  readonly line: number;
  readonly message: string;
}

export interface Parsed {
  readonly root?: LNode;
  readonly errors: readonly SyntaxProblem[];
}

/** Deeper than any real template: hostile nesting stops here instead of exhausting the stack. */
export const MAX_DEPTH = 200;
/** More nodes than any real template: YAML aliases of aliases ("billion laughs") stop here. */
export const MAX_NODES = 200_000;

export { lineIndex };

// ---------------------------------------------------------------- JSON / HuJSON

export function parseJsonc(text: string): Parsed {
  const lineOf = lineIndex(text);
  const raw: ParseError[] = [];
  const tree = parseTree(text, raw, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  const errors = raw.map((e) => ({ line: lineOf(e.offset), message: printParseErrorCode(e.error) }));
  const convert = (node: JsonNode, depth: number): LNode => {
    const line = lineOf(node.offset);
    if (depth > MAX_DEPTH) return { kind: 'other', line, text: '(nested too deep)' };
    if (node.type === 'object') {
      const entries: LEntry[] = [];
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (k === undefined || typeof k.value !== 'string') continue;
        entries.push({
          key: k.value,
          line: lineOf(k.offset),
          value: v === undefined ? { kind: 'scalar', line: lineOf(k.offset), value: null } : convert(v, depth + 1),
        });
      }
      return { kind: 'object', line, entries };
    }
    if (node.type === 'array') return { kind: 'array', line, items: (node.children ?? []).map((c) => convert(c, depth + 1)) };
    const value: unknown = node.value;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return { kind: 'scalar', line, value };
    return { kind: 'other', line, text: String(value) };
  };
  return { ...(tree === undefined ? {} : { root: convert(tree, 0) }), errors };
}

// ---------------------------------------------------------------- YAML (CloudFormation)

const CFN_SHORT_TAGS = new Set([
  'Ref',
  'Condition',
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'Length',
  'ToJsonString',
]);

function longForm(tag: string): string | undefined {
  const name = tag.slice(1);
  if (!tag.startsWith('!') || !CFN_SHORT_TAGS.has(name)) return undefined;
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

export function parseYaml(text: string): Parsed {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: false });
  } catch (error) {
    return { errors: [{ line: 1, message: error instanceof Error ? error.message : String(error) }] };
  }
  const lineOf = (offset: number | undefined): number => lineCounter.linePos(offset ?? 0).line;
  const errors = doc.errors.map((e) => ({ line: lineOf(e.pos[0]), message: e.message.split('\n')[0] ?? e.message }));
  let budget = MAX_NODES;
  const resolved = new Map<object, unknown>();
  const convert = (node: unknown, depth: number, fallbackLine: number): LNode => {
    if (depth > MAX_DEPTH) return { kind: 'other', line: fallbackLine, text: '(nested too deep)' };
    if (--budget < 0) {
      if (budget === -1) errors.push({ line: fallbackLine, message: `more than ${MAX_NODES} values (aliases expanding without end?)` });
      return { kind: 'other', line: fallbackLine, text: '(too many values)' };
    }
    if (isAlias(node)) {
      // Alias.resolve searches the document each time: cache per alias node.
      const target = resolved.has(node) ? resolved.get(node) : node.resolve(doc);
      resolved.set(node, target);
      return target === undefined
        ? { kind: 'other', line: lineOf(node.range?.[0]), text: `*${node.source}` }
        : convert(target, depth + 1, lineOf(node.range?.[0]));
    }
    const yamlNode = node as YamlNode | null | undefined;
    const line = yamlNode?.range ? lineOf(yamlNode.range[0]) : fallbackLine;
    let plain: LNode;
    if (isMap(node)) {
      const entries: LEntry[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) continue;
        const keyLine = isScalar(pair.key) && pair.key.range ? lineOf(pair.key.range[0]) : line;
        entries.push({ key, line: keyLine, value: convert(pair.value, depth + 1, keyLine) });
      }
      plain = { kind: 'object', line, entries };
    } else if (isSeq(node)) {
      plain = { kind: 'array', line, items: node.items.map((item) => convert(item, depth + 1, line)) };
    } else if (isScalar(node)) {
      const v = node.value;
      plain =
        typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null
          ? { kind: 'scalar', line, value: v }
          : { kind: 'scalar', line, value: String(v) };
    } else {
      plain = { kind: 'scalar', line, value: null };
    }
    const tag = yamlNode?.tag;
    if (tag === undefined || !tag.startsWith('!')) return plain;
    const fn = longForm(tag);
    if (fn === undefined) return { kind: 'other', line, text: `${tag} (a tag moat does not know)` };
    // `!GetAtt Res.Attr` is the short form of `Fn::GetAtt: [Res, Attr]`.
    const value =
      fn === 'Fn::GetAtt' && plain.kind === 'scalar' && typeof plain.value === 'string' && plain.value.includes('.')
        ? {
            kind: 'array' as const,
            line,
            items: [plain.value.slice(0, plain.value.indexOf('.')), plain.value.slice(plain.value.indexOf('.') + 1)].map((s) => ({
              kind: 'scalar' as const,
              line,
              value: s,
            })),
          }
        : plain;
    return { kind: 'object', line, entries: [{ key: fn, line, value }] };
  };
  return { root: convert(doc.contents, 0, 1), errors };
}

// ---------------------------------------------------------------- reading

export function entry(node: LNode | undefined, key: string): LEntry | undefined {
  return node?.kind === 'object' ? node.entries.find((e) => e.key === key) : undefined;
}

export function field(node: LNode | undefined, key: string): LNode | undefined {
  return entry(node, key)?.value;
}

export function text(node: LNode | undefined): string | undefined {
  if (node?.kind !== 'scalar' || node.value === null || typeof node.value === 'boolean') return undefined;
  return String(node.value);
}

export function items(node: LNode | undefined): readonly LNode[] {
  return node?.kind === 'array' ? node.items : [];
}

/** The node as the artifact's words, for messages and unresolved sources (short). */
export function describe(node: LNode | undefined): string {
  if (node === undefined) return '(absent)';
  const full =
    node.kind === 'scalar'
      ? JSON.stringify(node.value)
      : node.kind === 'other'
        ? node.text
        : node.kind === 'array'
          ? `[${node.items.map(describe).join(', ')}]`
          : `{ ${node.entries.map((e) => `${e.key}: ${describe(e.value)}`).join(', ')} }`;
  return full.length > 120 ? `${full.slice(0, 117)}...` : full;
}
