// moat.yaml as a YAML document that remembers where everything was written:
// syntax errors become located findings, and key paths map back to lines.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
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

export function parseConfigText(text: string, file: string): ParseResult {
  const lines = new LineCounter();
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
  const data: unknown = document.toJS({ maxAliasCount: 100 }) ?? {};
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
export function locateInDocument(
  config: ConfigDocument,
  segments: readonly PathSegment[],
  prefer: 'auto' | 'key' = 'auto',
): Located | undefined {
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
