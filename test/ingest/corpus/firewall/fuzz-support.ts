// Shared by the firewall ingesters' fuzz tests: mutations of real inputs, and
// the contract every result must keep (no throw, located problems, located
// facts, chains the evaluator can run).
import fc from 'fast-check';
import { expect } from 'vitest';
import { WORLD } from '../../../../src/analyze/cidr-set.js';
import { evaluateHook } from '../../../../src/analyze/firewall-eval.js';
import type { Ingester } from '../../../../src/ingest/types.js';

/** A real text with a few random edits: a cut, an insertion, a repeated or dropped line. */
export function mutated(text: string): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.tuple(fc.constant('cut' as const), fc.nat(), fc.integer({ min: 1, max: 40 }), fc.constant('')),
    fc.tuple(fc.constant('insert' as const), fc.nat(), fc.constant(0), fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('"', '{', '}', '[', ']', ',', '\n', '!', ' -j ', '*', 'COMMIT\n', ':X - [0:0]\n', '-A ', '"nftables"', 'null', '-1', '1e999'))),
    fc.tuple(fc.constant('line' as const), fc.nat(), fc.nat(), fc.constant('')),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let t = text;
    for (const [kind, a, b, s] of edits) {
      const at = t.length === 0 ? 0 : a % t.length;
      if (kind === 'cut') t = t.slice(0, at) + t.slice(at + b);
      else if (kind === 'insert') t = t.slice(0, at) + s + t.slice(at);
      else {
        const lines = t.split('\n');
        const i = lines.length === 0 ? 0 : a % lines.length;
        if (b % 2 === 0) lines.splice(i, 1);
        else lines.splice(b % (lines.length + 1), 0, lines[i] ?? '');
        t = lines.join('\n');
      }
    }
    return t;
  });
}

export function checkContract(ingester: Ingester, text: string, file = 'fuzz.txt'): void {
  const r = ingester.ingest({ file, text }, {});
  for (const p of r.problems) {
    expect(p.location?.file).toBe(file);
    expect(Number.isInteger(p.location?.line) && (p.location?.line ?? 0) >= 1).toBe(true);
    expect(p.message.length).toBeGreaterThan(0);
    expect(p.hint.length).toBeGreaterThan(0);
  }
  const chains = r.fragment.firewall?.chains ?? [];
  for (const c of chains) {
    expect(c.origin.file).toBe(file);
    for (const rule of c.rules) expect(rule.origin.line).toBeGreaterThanOrEqual(1);
  }
  const layer = { present: true, chains, dockerUserImplied: true };
  for (const hook of ['input', 'forward'] as const) {
    evaluateHook(layer, hook, { iif: undefined, protocol: 'tcp', dport: 22, daddr: { kind: 'any-except', except: { v4: [], v6: [] } }, ctState: ['new', 'dnat'] }, WORLD);
  }
}
