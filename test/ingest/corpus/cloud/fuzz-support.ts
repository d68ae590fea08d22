// Property checks shared by the cloud and tailnet ingester tests: random text
// and mutated corpus files never make an ingester throw, every problem is
// located in the artifact, every fact has a line inside it, and a problem
// never leaves the layer narrower than "open" (a rule or grant stands for it).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { IngestResult } from '../../../../src/ingest/types.js';

export function corpus(name: string): string {
  return readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');
}

/** A corpus file with a slice cut out, a slice repeated, or random text spliced in. */
export function mutated(texts: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...texts), fc.nat(), fc.nat(), fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('cut', 'repeat', 'splice'))
    .map(([text, a, b, insert, how]) => {
      const i = a % (text.length + 1);
      const j = Math.min(text.length, i + (b % 40));
      if (how === 'cut') return text.slice(0, i) + text.slice(j);
      if (how === 'repeat') return text.slice(0, j) + text.slice(i, j) + text.slice(j);
      return text.slice(0, i) + insert + text.slice(i);
    });
}

export function anyText(texts: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json(), mutated(texts), mutated(texts).map((t) => `${t}${t}`));
}

type Ingest = (artifact: { file: string; text: string }) => IngestResult;

export function checkProperties(ingest: Ingest, texts: readonly string[], numRuns = 300): void {
  fc.assert(
    fc.property(anyText(texts), (text) => {
      const file = 'fuzz/artifact';
      const lines = text.split('\n').length;
      const result = ingest({ file, text });
      for (const p of result.problems) {
        expect(p.location?.file).toBe(file);
        expect(Number.isInteger(p.location?.line) && (p.location?.line ?? 0) >= 1 && (p.location?.line ?? 0) <= lines).toBe(true);
        expect(p.hint.length).toBeGreaterThan(0);
      }
      const facts = [...(result.fragment.cloud?.ingress ?? []), ...(result.fragment.tailnet?.grants ?? [])];
      for (const f of facts) {
        expect(f.origin.file).toBe(file);
        expect(f.origin.line >= 1 && f.origin.line <= lines).toBe(true);
      }
      // A port entry Tailscale-side that moat cannot read widens that grant to every port, at its line.
      for (const p of result.problems.filter((x) => x.code === 'ingest.tailnet.unreadable-port')) {
        expect((result.fragment.tailnet?.grants ?? []).some((g) => g.origin.line === p.location?.line && g.protocol === 'any' && g.ports === undefined)).toBe(true);
      }
      const widening = result.problems.filter((p) => /syntax|unreadable-(rule|grant)/.test(p.code));
      if (widening.length > 0) {
        const open = [...(result.fragment.cloud?.ingress ?? []).filter((r) => r.protocol === 'all' && r.ports === undefined && (r.unresolvedSources?.length ?? 0) > 0), ...(result.fragment.tailnet?.grants ?? []).filter((g) => g.sources.includes('*') && g.destinations.includes('*'))];
        expect(open.length).toBeGreaterThan(0);
      }
    }),
    { numRuns },
  );
}
