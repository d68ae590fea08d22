// moat.yaml as a YAML document that remembers where everything was written:
// syntax errors become located findings, and key paths map back to lines.

import type { Document, Node } from 'yaml';
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Finding } from './findings.js';

export type PathSegment = string | number;

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** `['services', 'dify-db', 'publish', 0]` → `services.dify-db.publish[0]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** The inverse of formatPath. Names with dots are not supported (none in moat.yaml). */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[1] !== undefined) segments.push(match[1]);
  }
  return segments;
}

export interface ConfigDocument {
  readonly file: string;
  readonly document: Document.Parsed;
  readonly lines: LineCounter;
  /** The plain data of the document ({} for an empty file). */
  readonly data: unknown;
}

export type ParseResult = { readonly ok: true; readonly config: ConfigDocument } | { readonly ok: false; readonly findings: Finding[] };

/** Larger than any real moat.yaml by far; refused before parsing. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Deeper than any real moat.yaml by far (it needs 6 levels); refused before the recursion of parsing. */
const MAX_DEPTH = 64;
/**
 * Alias expansion budget (yaml's maxAliasCount counts the nodes aliases
 * expand to): generous for anchors of shared settings, and far below what an
 * alias bomb (a billion laughs) expands to.
 */
const MAX_ALIAS_EXPANSION = 10_000;

/** The YAML 1.2 core schema's own tags: writing one changes nothing moat cares about. */
const CORE_TAGS = new Set([
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:map',
  'tag:yaml.org,2002:seq',
]);

const problem = (file: string, code: Finding['code'], line: number, column: number, message: string, hint: string): Finding => ({
  code,
  severity: 'high',
  path: file,
  location: { file, line, column },
  message,
  hint,
});

/**
 * The deepest bracket or indentation nesting, by a linear scan before any
 * recursive parsing (a file of 100,000 `[` must not exhaust the stack).
 */
function nestingTooDeep(text: string): { line: number; column: number } | undefined {
  let depth = 0;
  let line = 1;
  let column = 0;
  let quote: string | undefined;
  for (const ch of text) {
    column += 1;
    if (ch === '\n') {
      line += 1;
      column = 0;
      continue;
    }
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{') depth += 1;
    else if (ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
    if (depth > MAX_DEPTH) return { line, column };
  }
  const indents = text.split('\n').map((l, i) => ({ i, n: /^ */.exec(l)?.[0].length ?? 0 }));
  const deep = indents.find((x) => x.n > MAX_DEPTH * 2 * 4);
  return deep ? { line: deep.i + 1, column: 1 } : undefined;
}

export function parseConfigText(text: string, file: string): ParseResult {
  const lines = new LineCounter();
  if (text.length > MAX_CONFIG_BYTES) {
    return {
      ok: false,
      findings: [
        problem(
          file,
          'config.file-too-large',
          1,
          1,
          `${file} is ${text.length} bytes; moat reads at most ${MAX_CONFIG_BYTES}`,
          'a moat.yaml is a few kilobytes: check that this is the right file',
        ),
      ],
    };
  }
  const deep = nestingTooDeep(text);
  if (deep) {
    return {
      ok: false,
      findings: [
        problem(
          file,
          'config.yaml-too-deep',
          deep.line,
          deep.column,
          `YAML nesting deeper than ${MAX_DEPTH} levels`,
          'a moat.yaml nests a few levels; check that this is the right file',
        ),
      ],
    };
  }
  // YAML 1.2 core schema: `on`/`no` stay strings; duplicate keys are errors.
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true, version: '1.2' });
  if (document.errors.length > 0) {
    const findings = document.errors.map((error): Finding => {
      const at = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
      return {
        code: 'config.yaml-syntax',
        severity: 'high',
        path: file,
        location: { file, line: at.line, column: at.col },
        // yaml appends "at line L, column C:" and a code frame; the location says that already.
        message: `YAML syntax: ${(error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '')}`,
        hint: 'fix the YAML syntax (indentation with spaces, a space after each colon, quoted strings with special characters)',
      };
    });
    return { ok: false, findings };
  }
  // moat.yaml is plain data: a tag (`!!binary`, `!!omap`, `!!set`, `!!timestamp`, `!custom`)
  // would turn a value into bytes, a Map or a Date that the schema cannot judge.
  const tagged: Finding[] = [];
  visit(document, (_key, node) => {
    if (!isNode(node) || node.tag === undefined || CORE_TAGS.has(node.tag)) return;
    const at = lines.linePos(node.range?.[0] ?? 0);
    tagged.push(
      problem(
        file,
        'config.yaml-tag',
        at.line,
        at.col,
        `YAML tag ${node.tag.replace('tag:yaml.org,2002:', '!!')} is not used in moat.yaml`,
        'remove the tag: moat.yaml holds plain strings, numbers, booleans, lists and mappings',
      ),
    );
  });
  if (tagged.length > 0) return { ok: false, findings: tagged };
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION }) ?? {};
  } catch (error) {
    // yaml throws a ReferenceError when aliases expand past the budget (an alias bomb).
    if (!(error instanceof ReferenceError) && !(error instanceof RangeError)) throw error;
    const alias = /\*[A-Za-z0-9_-]+/.exec(text);
    const at = lines.linePos(alias?.index ?? 0);
    return {
      ok: false,
      findings: [
        problem(
          file,
          'config.yaml-aliases',
          at.line,
          at.col,
          `YAML aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes (an alias bomb?)`,
          'use anchors and aliases for shared settings only, not to multiply data',
        ),
      ],
    };
  }
  return { ok: true, config: { file, document, lines, data } };
}

/** Where a node starts, 1-based. */
function startOf(config: ConfigDocument, node: Node | null | undefined): SourceLocation | undefined {
  const offset = node?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = config.lines.linePos(offset);
  return { file: config.file, line, column: col };
}

export interface Located {
  readonly location: SourceLocation;
  /** False when only an ancestor of the path was written. */
  readonly exact: boolean;
}

/**
 * Finds what the user wrote at a config key path. A scalar value is located at
 * the value (`address: 172.30.0.5` → the address), a map or list entry at its
 * key or item; `prefer: 'key'` always locates the key (for unknown keys).
 * Falls back to the closest written ancestor; undefined if none.
 */
export function locateInDocument(config: ConfigDocument, segments: readonly PathSegment[], prefer: 'auto' | 'key' = 'auto'): Located | undefined {
  let node: unknown = config.document.contents;
  let best: SourceLocation | undefined;
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return best && { location: best, exact: false };
      const keyNode = pair.key as Node;
      const value = pair.value as Node | null;
      const valueIsScalar = isScalar(value) && value.range != null && value.range[0] !== value.range[1];
      best = (last && prefer === 'auto' && valueIsScalar ? startOf(config, value) : undefined) ?? startOf(config, keyNode) ?? best;
      node = value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (item === undefined) return best && { location: best, exact: false };
      best = startOf(config, item) ?? best;
      node = item;
    } else {
      return best && { location: best, exact: false };
    }
  }
  if (segments.length === 0) best = startOf(config, config.document.contents as Node | null);
  return best && { location: best, exact: true };
}
