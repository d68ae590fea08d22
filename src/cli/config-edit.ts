// Editing moat.yaml the way a careful person would: only the lines of the
// entry that changes move, every other byte (comments, blank lines, key
// order, quoting, flow `{ }` maps, CRLF) stays as the user wrote it.
// The `yaml` library's Document API parses the file and gives every node its
// byte range; the new entry is rendered by the same library (createNode +
// String on a one-entry document) and spliced in at the node's range.
// String(doc) alone re-prints the whole file (it re-spaces flow maps, folds
// long lines and re-indents), which is why the text is spliced, by hand,
// here. Every edit is checked afterwards: the edited text must parse to
// exactly the data the edit means, or nothing is written.
// Writes are atomic (temp file + rename, the file's mode kept) and refused
// when the file changed since it was read.
import { randomBytes } from 'node:crypto';
import { chmod, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, stringify } from 'yaml';
import type { Node, Pair, YAMLMap, YAMLSeq } from 'yaml';
import { UserInputError } from '../model/findings.js';
import type { PathSegment } from '../model/config-yaml.js';
import { formatPath } from '../model/config-yaml.js';

/** One change: set a value (creating missing parents), delete an entry (and parents it leaves empty), or append to a list. */
export type ConfigEdit =
  | { readonly op: 'set'; readonly path: readonly PathSegment[]; readonly value: unknown }
  | { readonly op: 'delete'; readonly path: readonly PathSegment[] }
  | { readonly op: 'append'; readonly path: readonly PathSegment[]; readonly value: unknown };

export interface ConfigFile {
  /** The path given; writes go to the file it resolves to (a symbolic link is followed, not replaced). */
  readonly file: string;
  readonly exists: boolean;
  /** The bytes read (decoded as UTF-8), '' when the file does not exist. */
  readonly text: string;
  readonly mode: number;
}

const refused = (code: 'config.edit-unsupported' | 'config.changed-meanwhile', path: string, message: string, hint: string): UserInputError =>
  new UserInputError([{ code, severity: 'high', path, message, hint }]);

export async function readConfigFile(file: string): Promise<ConfigFile> {
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { file, exists: true, text, mode: info.mode & 0o777 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { file, exists: false, text: '', mode: 0o644 };
  }
}

/**
 * Writes `text` over the file atomically, keeping its mode. Refuses (and
 * writes nothing) when the file on disk is no longer what `original` read:
 * someone edited it meanwhile, and their change would be lost.
 */
export async function writeConfigFile(original: ConfigFile, text: string): Promise<'written' | 'unchanged'> {
  const now = await readConfigFile(original.file);
  if (now.exists !== original.exists || now.text !== original.text) {
    throw refused('config.changed-meanwhile', original.file, `${original.file} changed while moat was editing it; nothing was written`, 'run the command again: moat re-reads the file and applies its change to the new content');
  }
  if (original.exists && text === original.text) return 'unchanged';
  const target = original.exists ? await realpath(original.file) : original.file;
  const temp = join(dirname(target), `.${basename(target)}.moat-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(temp, text, { mode: original.mode, flag: 'wx' });
    await chmod(temp, original.mode);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return 'written';
}

// ---- the edit itself ----

/** Applies the edits in order; returns the new text (the same string when nothing changes). */
export function editConfigText(text: string, edits: readonly ConfigEdit[], file = 'moat.yaml'): string {
  let current = text;
  let expected: unknown = parseChecked(text, file);
  for (const edit of edits) {
    current = spliceEdit(current, edit, file);
    expected = applyToData(expected, edit);
  }
  const actual = parseChecked(current, file);
  if (!deepEqual(actual, expected)) throw new Error(`editing ${file} gave text that does not mean the edit (this is a bug in moat); nothing was written`);
  return current;
}

function parseChecked(text: string, file: string): unknown {
  const doc = parseDocument(text, { version: '1.2', uniqueKeys: true });
  if (doc.errors.length > 0) throw refused('config.edit-unsupported', file, `${file} has YAML errors, so moat does not edit it`, '`moat check` locates them: fix them first');
  return doc.toJS() ?? {};
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the edit means, on plain data: the check the spliced text must pass. */
function applyToData(data: unknown, edit: ConfigEdit): unknown {
  const root: unknown = structuredClone(data);
  const path = edit.path;
  if (edit.op === 'delete') {
    const parents: unknown[] = [root];
    let node: unknown = root;
    for (const seg of path.slice(0, -1)) {
      node = isRecord(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[seg] : undefined;
      parents.push(node);
    }
    const last = path[path.length - 1];
    const parent = parents[parents.length - 1];
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else if (isRecord(parent) && last !== undefined) delete parent[String(last)];
    // Parents the deletion leaves empty go too (as the text splice removes their lines).
    for (let i = parents.length - 1; i >= 1; i -= 1) {
      const p = parents[i];
      const empty = (Array.isArray(p) && p.length === 0) || (isRecord(p) && Object.keys(p).length === 0);
      if (!empty) break;
      const holder = parents[i - 1];
      const seg = path[i - 1];
      if (Array.isArray(holder) && typeof seg === 'number') holder.splice(seg, 1);
      else if (isRecord(holder) && seg !== undefined) delete holder[String(seg)];
    }
    return root;
  }
  const value = structuredClone(edit.value);
  const top: Record<string, unknown> = isRecord(root) ? root : {};
  let node: Record<string | number, unknown> | unknown[] = top;
  const full = edit.op === 'append' ? [...path, Number.NaN] : path;
  for (const [i, seg] of full.entries()) {
    const last = i === full.length - 1;
    if (Number.isNaN(seg)) {
      (node as unknown[]).push(value);
      break;
    }
    const holder = node as Record<string | number, unknown>;
    if (last) {
      holder[seg] = value;
      break;
    }
    const next = full[i + 1];
    const wantList = typeof next === 'number';
    const child = holder[seg];
    if (wantList ? !Array.isArray(child) : !isRecord(child)) holder[seg] = wantList ? [] : {};
    node = holder[seg] as Record<string | number, unknown> | unknown[];
  }
  return top;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isRecord(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

// ---- splicing text at node ranges ----

interface Ctx {
  readonly text: string;
  readonly eol: string;
  readonly file: string;
}

function spliceEdit(text: string, edit: ConfigEdit, file: string): string {
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
  return refused('config.edit-unsupported', `${ctx.file}: ${formatPath(path) || '(the document)'}`, `moat cannot edit ${formatPath(path) || 'the document'} in ${ctx.file}: ${why}`, 'make the change by hand (the command prints what to write), or write the value out instead of the alias');
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
    const entry = renderFlow({ [key]: value }).replace(/^\{ ?/, '').replace(/ ?\}$/, '');
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
