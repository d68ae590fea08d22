// The text side of config-edit.ts: one edit of moat.yaml as a splice of its
// text at the byte ranges the `yaml` Document gives each node, so that only
// the edited entry's bytes change. The new entry is rendered by the same
// library (stringify, block or flow like its neighbours) and indented like
// them. config-edit.ts checks that the result means the edit.

import type { Node, Pair, YAMLMap, YAMLSeq } from 'yaml';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, stringify } from 'yaml';
import type { PathSegment } from '../model/config-yaml.js';
import { formatPath } from '../model/config-yaml.js';
import { UserInputError } from '../model/findings.js';
import type { ConfigEdit } from './config-edit.js';

interface Ctx {
  readonly text: string;
  readonly eol: string;
  readonly file: string;
}

/** A refusal of the editor (nothing is written). */
export const editRefused = (code: 'config.edit-unsupported' | 'config.changed-meanwhile', path: string, message: string, hint: string): UserInputError =>
  new UserInputError([{ code, severity: 'high', path, message, hint }]);

export function spliceEdit(text: string, edit: ConfigEdit, file: string): string {
  const doc = parseDocument(text, { version: '1.2', uniqueKeys: true, keepSourceTokens: false });
  const ctx: Ctx = { text, eol: text.includes('\r\n') ? '\r\n' : '\n', file };
  const contents = doc.contents as Node | null;
  if (edit.op === 'delete') return deleteAt(ctx, contents, edit.path);
  if (edit.op === 'append') {
    const seq = lookup(ctx, contents, edit.path);
    if (seq.missing === 0 && isSeq(seq.node)) return appendItem(ctx, seq.node, edit.value);
    return spliceEdit(text, { op: 'set', path: edit.path, value: [edit.value] }, file);
  }
  return setAt(ctx, contents, edit.path, edit.value);
}

interface Found {
  /** The deepest node that exists on the path, and its pair when it is a map value. */
  readonly node: Node | null;
  readonly pair?: Pair<Node, Node | null>;
  /** The collection holding that node, for replacing it. */
  readonly parent?: YAMLMap | YAMLSeq;
  readonly index?: number;
  /** How many segments of the path do not exist below `node`. */
  readonly missing: number;
}

function lookup(ctx: Ctx, root: Node | null, path: readonly PathSegment[]): Found {
  let found: Found = { node: root, missing: path.length };
  for (const [i, seg] of path.entries()) {
    const node = found.node;
    if (isAlias(node)) throw unsupported(ctx, path.slice(0, i), 'it is a YAML alias (*name): editing it would change every place the anchor is used');
    if (isMap(node)) {
      const index = node.items.findIndex((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      const pair = node.items[index] as Pair<Node, Node | null> | undefined;
      if (!pair) return found;
      found = { node: pair.value, pair, parent: node, index, missing: path.length - i - 1 };
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (item === undefined) return found;
      found = { node: item, parent: node, index: seg, missing: path.length - i - 1 };
    } else {
      return found;
    }
  }
  if (isAlias(found.node)) throw unsupported(ctx, path, 'it is a YAML alias (*name)');
  return found;
}

function unsupported(ctx: Ctx, path: readonly PathSegment[], why: string): UserInputError {
  return editRefused(
    'config.edit-unsupported',
    `${ctx.file}: ${formatPath(path) || '(the document)'}`,
    `moat cannot edit ${formatPath(path) || 'the document'} in ${ctx.file}: ${why}`,
    'make the change by hand (the command prints what to write), or write the value out instead of the alias',
  );
}

/** `{ a: { b: value } }` for the part of the path that does not exist yet. */
function nest(path: readonly PathSegment[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, seg) => (typeof seg === 'number' ? [inner] : { [seg]: inner }), value);
}

function setAt(ctx: Ctx, root: Node | null, path: readonly PathSegment[], value: unknown): string {
  const found = lookup(ctx, root, path);
  const existing = path.length - found.missing;
  if (found.missing === 0 && found.parent && found.index !== undefined) return replaceEntry(ctx, found.parent, found.index, value);
  const rest = path.slice(existing);
  const [head, ...tail] = rest;
  const node = found.node;
  if (head !== undefined && isMap(node)) return addPair(ctx, node, String(head), nest(tail, value));
  if (head !== undefined && isSeq(node) && typeof head === 'number' && head === node.items.length) return appendItem(ctx, node, nest(tail, value));
  // The node on the path is a scalar, null or missing altogether: replace it (or the document) with the new structure.
  if (existing === 0) return replaceDocument(ctx, root, nest(path, value));
  if (found.parent && found.index !== undefined && (node === null || isScalar(node))) return replaceEntry(ctx, found.parent, found.index, nest(rest, value));
  throw unsupported(ctx, path.slice(0, existing), 'it is not a mapping or a list');
}

function replaceDocument(ctx: Ctx, root: Node | null, value: unknown): string {
  if (root !== null && !(isScalar(root) && root.value === null)) throw unsupported(ctx, [], 'the document is not a mapping');
  // An empty file (or comments only): the new entry goes after whatever is there.
  const body = renderBlock(ctx, value, 0, seqIndented(ctx));
  const text = ctx.text;
  const sep = text === '' || text.endsWith('\n') ? '' : ctx.eol;
  return `${text}${sep}${body}`;
}

// ---- positions ----

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** The offset after the newline ending the line that holds the last non-blank character before `end`. */
function lineEndAfter(text: string, end: number): number {
  let p = Math.min(end, text.length) - 1;
  while (p >= 0 && /[\s]/.test(text[p] ?? '')) p -= 1;
  const nl = text.indexOf('\n', p + 1);
  return nl < 0 ? text.length : nl + 1;
}

function column(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

/** Where a map entry or list item ends in the text (its value's last character). */
function entryEnd(item: Pair<Node, Node | null> | Node): number {
  if (isPair(item)) {
    const value = item.value as Node | null;
    return value?.range?.[1] ?? (item.key as Node).range?.[1] ?? 0;
  }
  return item.range?.[1] ?? 0;
}

function entryStart(item: Pair<Node, Node | null> | Node): number {
  return isPair(item) ? ((item.key as Node).range?.[0] ?? 0) : (item.range?.[0] ?? 0);
}

// ---- rendering ----

function renderBlock(ctx: Ctx, value: unknown, indent: number, indentSeq: boolean): string {
  const text = stringify(value, { lineWidth: 0, indent: 2, indentSeq, version: '1.2' });
  const pad = ' '.repeat(indent);
  return text
    .split('\n')
    .map((l) => (l === '' ? l : `${pad}${l}`))
    .join(ctx.eol);
}

function renderFlow(value: unknown): string {
  return stringify(value, { lineWidth: 0, collectionStyle: 'flow', version: '1.2' }).trimEnd();
}

/** Does the file indent list items under their key (`key:\n  - x`) or not (`key:\n- x`)? Follow its first block list. */
function seqIndented(ctx: Ctx): boolean {
  const m = /^( *)[^\s#][^\n]*:[ \t]*\r?\n( *)- /m.exec(ctx.text);
  return m ? (m[2] ?? '').length > (m[1] ?? '').length : true;
}

function insertAt(ctx: Ctx, at: number, block: string): string {
  const before = ctx.text.slice(0, at);
  const sep = before === '' || before.endsWith('\n') ? '' : ctx.eol;
  const body = block.endsWith(ctx.eol) ? block : `${block}${ctx.eol}`;
  return `${before}${sep}${body}${ctx.text.slice(at)}`;
}

function addPair(ctx: Ctx, map: YAMLMap, key: string, value: unknown): string {
  const items = map.items as Pair<Node, Node | null>[];
  const last = items[items.length - 1];
  if (map.flow) {
    const entry = renderFlow({ [key]: value })
      .replace(/^\{ ?/, '')
      .replace(/ ?\}$/, '');
    if (!last) return splice(ctx, map.range?.[0] ?? 0, map.range?.[1] ?? 0, `{ ${entry} }`);
    const end = entryEnd(last);
    return splice(ctx, end, end, `, ${entry}`);
  }
  if (!last) throw unsupported(ctx, [key], 'the mapping holding it is empty');
  const first = items[0] ?? last;
  const indent = column(ctx.text, entryStart(first));
  return insertAt(ctx, lineEndAfter(ctx.text, entryEnd(last)), renderBlock(ctx, { [key]: value }, indent, seqIndented(ctx)));
}

function appendItem(ctx: Ctx, seq: YAMLSeq, value: unknown): string {
  const items = seq.items as Node[];
  const last = items[items.length - 1];
  if (seq.flow) {
    if (!last) return splice(ctx, seq.range?.[0] ?? 0, seq.range?.[1] ?? 0, `[ ${renderFlow(value)} ]`);
    const end = entryEnd(last);
    return splice(ctx, end, end, `, ${renderFlow(value)}`);
  }
  if (!last) throw unsupported(ctx, [], 'the list is empty');
  const first = items[0] ?? last;
  // The dash of the first item: its column is the list's indentation.
  const firstStart = entryStart(first);
  const dash = ctx.text.lastIndexOf('-', firstStart);
  const indent = column(ctx.text, dash < lineStart(ctx.text, firstStart) ? firstStart : dash);
  return insertAt(ctx, lineEndAfter(ctx.text, entryEnd(last)), renderBlock(ctx, [value], indent, true));
}

function splice(ctx: Ctx, from: number, to: number, insert: string): string {
  return `${ctx.text.slice(0, from)}${insert}${ctx.text.slice(to)}`;
}

/** Replaces one entry (a map pair or a list item) whose value changes. */
function replaceEntry(ctx: Ctx, parent: YAMLMap | YAMLSeq, index: number, value: unknown): string {
  const item = parent.items[index] as Pair<Node, Node | null> | Node;
  const start = entryStart(item);
  const end = entryEnd(item);
  if (isPair(item)) {
    const keyText = ctx.text.slice(start, (item.key as Node).range?.[1] ?? start);
    const old = item.value as Node | null;
    // A scalar becoming a scalar changes in place: the rest of its line (a comment) stays.
    if (!isCollection(value) && (old === null || isScalar(old))) {
      const range = old?.range;
      if (range && range[1] > range[0]) return splice(ctx, range[0], range[1], renderFlow(value));
      // `key:` with no value: the value goes right after the colon.
      const colon = ctx.text.indexOf(':', (item.key as Node).range?.[1] ?? start);
      return splice(ctx, colon + 1, colon + 1, ` ${renderFlow(value)}`);
    }
    if (parent.flow) return splice(ctx, start, end, `${keyText}: ${renderFlow(value)}`);
    const indent = column(ctx.text, start);
    const block = renderBlock(ctx, { __moat_key__: value }, indent, seqIndented(ctx)).replace('__moat_key__', keyText);
    return splice(ctx, lineStart(ctx.text, start), lineEndAfter(ctx.text, end), block.endsWith(ctx.eol) ? block : `${block}${ctx.eol}`);
  }
  if (parent.flow || !isCollection(value)) return splice(ctx, start, end, renderFlow(value));
  const dash = ctx.text.lastIndexOf('-', start);
  const indent = column(ctx.text, dash);
  const block = renderBlock(ctx, [value], indent, true);
  return splice(ctx, lineStart(ctx.text, start), lineEndAfter(ctx.text, end), block);
}

function isCollection(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0);
}

function deleteAt(ctx: Ctx, root: Node | null, path: readonly PathSegment[]): string {
  const found = lookup(ctx, root, path);
  if (found.missing > 0 || !found.parent || found.index === undefined) return ctx.text;
  // The entry is the only one of its collection: remove the collection's own entry instead (no `key: {}` left behind).
  if (found.parent.items.length === 1 && path.length > 1) {
    const up = deleteAt(ctx, root, path.slice(0, -1));
    if (up !== ctx.text) return up;
  }
  const parent = found.parent;
  const item = parent.items[found.index] as Pair<Node, Node | null> | Node;
  const start = entryStart(item);
  const end = entryEnd(item);
  if (parent.flow) {
    const next = parent.items[found.index + 1] as Pair<Node, Node | null> | Node | undefined;
    const prev = found.index > 0 ? (parent.items[found.index - 1] as Pair<Node, Node | null> | Node) : undefined;
    if (next) return splice(ctx, start, entryStart(next), '');
    if (prev) return splice(ctx, entryEnd(prev), end, '');
    return splice(ctx, start, end, '');
  }
  const from = lineStart(ctx.text, isPair(item) ? start : Math.max(lineStart(ctx.text, start), ctx.text.lastIndexOf('-', start)));
  return splice(ctx, from, lineEndAfter(ctx.text, end), '');
}
