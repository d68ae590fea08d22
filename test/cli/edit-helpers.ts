// For the tests of commands that edit moat.yaml: the edit inserted one block
// and left every other byte where it was.
import { expect } from 'vitest';

/** The text `after` adds to `before` at one place; fails unless everything before and after that place is byte-identical. */
export function insertedBlock(before: string, after: string): string {
  let p = 0;
  while (p < before.length && before[p] === after[p]) p += 1;
  let s = 0;
  while (s < before.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s += 1;
  // What is left of `before` between the common prefix and suffix must be nothing: a pure insertion.
  expect(before.length - p - s, 'bytes of the original that changed').toBe(0);
  const block = after.slice(p, after.length - s);
  expect(`${before.slice(0, p)}${block}${before.slice(p)}`).toBe(after);
  return block;
}
