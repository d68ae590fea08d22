// Editing moat.yaml the way a careful person would: only the lines of the
// entry that changes move, every other byte (comments, blank lines, key
// order, quoting, flow `{ }` maps, CRLF) stays as the user wrote it.
// The `yaml` library's Document API parses the file and gives every node its
// byte range; the new entry is rendered by the same library and spliced in at
// the node's range (config-splice.ts).
// String(doc) alone re-prints the whole file (it re-spaces flow maps, folds
// long lines and re-indents), which is why the text is spliced, by hand,
// here. Every edit is checked afterwards: the edited text must parse to
// exactly the data the edit means, or nothing is written.
// Writes are atomic (temp file + rename, the file's mode kept) and refused
// when the file changed since it was read.
import { randomBytes } from 'node:crypto';
import { chmod, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import type { PathSegment } from '../model/config-yaml.js';
import { editRefused, spliceEdit } from './config-splice.js';

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
    throw editRefused(
      'config.changed-meanwhile',
      original.file,
      `${original.file} changed while moat was editing it; nothing was written`,
      'run the command again: moat re-reads the file and applies its change to the new content',
    );
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
  if (doc.errors.length > 0)
    throw editRefused('config.edit-unsupported', file, `${file} has YAML errors, so moat does not edit it`, '`moat check` locates them: fix them first');
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
  if (isRecord(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys(v[k])]),
    );
  return v;
}
