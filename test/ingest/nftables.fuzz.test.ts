// The nftables ingester never throws, whatever it is given: random text, random
// JSON in the nftables shape, and real rulesets with random edits. Every
// problem is located and the chains it returns can be evaluated.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { nftablesIngester } from '../../src/ingest/nftables.js';
import { checkContract, mutated } from './corpus/firewall/fuzz-support.js';

const corpus = (name: string) => readFileSync(new URL(`corpus/firewall/${name}`, import.meta.url), 'utf8');
const REAL = ['nft-moat-live.json', 'nft-features.json', 'nft-iptables-compat.json'].map(corpus);

describe('nftables ingester (fuzz)', () => {
  it('survives random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (t) => checkContract(nftablesIngester, t)),
      { numRuns: 300 },
    );
  });

  it('survives random JSON items in an nftables array', () => {
    const item = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record({
        rule: fc.record({
          family: fc.constantFrom('inet', 'ip', 'ip6', 'bridge'),
          table: fc.constantFrom('t', 'u'),
          chain: fc.constantFrom('c', 'input'),
          expr: fc.array(fc.jsonValue({ maxDepth: 5 }), { maxLength: 4 }),
        }),
      }),
      fc.record({
        add: fc.record({
          chain: fc.record({
            family: fc.constantFrom('inet', 'ip'),
            table: fc.constant('t'),
            name: fc.constantFrom('c', 'input'),
            hook: fc.constantFrom('input', 'forward', 'bogus'),
            prio: fc.jsonValue({ maxDepth: 1 }),
            policy: fc.jsonValue({ maxDepth: 1 }),
          }),
        }),
      }),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 8 }), (items) =>
        checkContract(nftablesIngester, JSON.stringify({ nftables: [{ add: { table: { family: 'inet', name: 't' } } }, ...items] }, null, 1)),
      ),
      { numRuns: 300 },
    );
  });

  it('survives real rulesets with random edits', () => {
    fc.assert(
      fc.property(fc.constantFrom(...REAL).chain(mutated), (t) => checkContract(nftablesIngester, t)),
      { numRuns: 300 },
    );
  });

  it('survives random edits of the parsed structure (values of the wrong type anywhere)', () => {
    const doc = JSON.parse(REAL[1]!) as unknown;
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, p: (string | number)[]) => {
      paths.push(p);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
    };
    walk(doc, []);
    fc.assert(
      fc.property(fc.constantFrom(...paths.filter((p) => p.length > 0)), fc.jsonValue({ maxDepth: 2 }), (path, value) => {
        const copy = JSON.parse(REAL[1]!) as Record<string | number, unknown>;
        let at: Record<string | number, unknown> = copy;
        for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
        at[path[path.length - 1]!] = value;
        checkContract(nftablesIngester, JSON.stringify(copy));
      }),
      { numRuns: 400 },
    );
  });
});
