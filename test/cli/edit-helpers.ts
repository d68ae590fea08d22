// For the tests of commands that edit moat.yaml: the edit inserted one block
// and left every other byte where it was; a stream that keeps what is written.
import { Writable } from 'node:stream';
import { expect } from 'vitest';

/** A writable that keeps what it is given (a command's stdout or stderr). */
export function sink(): Writable & { text: () => string } {
  let text = '';
  const w = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) }) as Writable & { text: () => string };
  w.text = () => text;
  return w;
}

/** The text `after` adds to `before` at one place; fails unless everything before and after that place is byte-identical. */
export function insertedBlock(before: string, after: string): string {
  let p = 0;
  while (p < before.length && before[p] === after[p]) p += 1;
  let s = 0;
  while (s < before.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s += 1;
  // What is left of `before` between the common prefix and suffix must be nothing: a pure insertion.
  expect(before.length - p - s, 'bytes of the original that changed').toBe(0);
  let block = after.slice(p, after.length - s);
  // The same insertion can be read at several offsets ("  a\n" before "  b" matches from its third byte):
  // read it from the start of its line, as it was written.
  const k = p - (before.lastIndexOf('\n', p - 1) + 1);
  if (k > 0 && block.endsWith(before.slice(p - k, p))) {
    block = `${before.slice(p - k, p)}${block.slice(0, block.length - k)}`;
    p -= k;
  }
  expect(`${before.slice(0, p)}${block}${before.slice(p)}`).toBe(after);
  return block;
}
