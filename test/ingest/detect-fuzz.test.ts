// Hostile input: random text and mutated corpus files never make an ingester
// (or its detector) throw, and every problem and every fact is located.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Origin } from '../../src/analyze/state.js';
import { ingestComposeProject } from '../../src/ingest/compose.js';
import { detectArtifact } from '../../src/ingest/detect.js';
import { INGESTERS } from '../../src/ingest/registry.js';
import { ingestSshdConfigs } from '../../src/ingest/sshd-config.js';
import type { Artifact, IngestResult } from '../../src/ingest/types.js';

const corpusTexts = ['compose', 'docker', 'ss', 'sshd'].flatMap((dir) =>
  readdirSync(new URL(`corpus/${dir}/`, import.meta.url)).map((f) => readFileSync(new URL(`corpus/${dir}/${f}`, import.meta.url), 'utf8')),
);

function located(o: Origin | undefined, file: string): void {
  expect(o?.file).toBe(file);
  expect(Number.isInteger(o?.line) && (o?.line ?? 0) >= 1).toBe(true);
}

function checkResult(r: IngestResult, files: readonly string[]): void {
  for (const p of r.problems) {
    expect(files).toContain(p.location?.file);
    expect(Number.isInteger(p.location?.line) && (p.location?.line ?? 0) >= 1).toBe(true);
    expect(p.hint.length).toBeGreaterThan(0);
  }
  const f = r.fragment;
  const facts = [...(f.publishing ?? []), ...(f.sockets ?? []), ...(f.services ?? [])];
  for (const x of facts) expect(files).toContain(x.origin.file);
  for (const x of facts) located(x.origin, x.origin.file);
}

/** Mutations of a real file: cut, duplicate, swap lines, insert junk, flip characters. */
const mutated = fc
  .tuple(
    fc.constantFrom(...corpusTexts),
    fc.array(
      fc.oneof(
        fc.record({ op: fc.constant('cut' as const), at: fc.nat(), len: fc.nat({ max: 40 }) }),
        fc.record({
          op: fc.constant('insert' as const),
          at: fc.nat(),
          text: fc.oneof(
            fc.string({ maxLength: 20 }),
            fc.constantFrom(':', '[', ']', '{', '}', '*a', '&a ', '<<: ', '\n  - ', '"', '%', '\u0000', '!reset ', '65536', '-1'),
          ),
        }),
        fc.record({ op: fc.constant('dupline' as const), at: fc.nat() }),
      ),
      { maxLength: 8 },
    ),
  )
  .map(([text, ops]) => {
    let t = text;
    for (const o of ops) {
      const at = t.length === 0 ? 0 : o.at % t.length;
      if (o.op === 'cut') t = t.slice(0, at) + t.slice(at + o.len);
      else if (o.op === 'insert') t = t.slice(0, at) + o.text + t.slice(at);
      else {
        const lines = t.split('\n');
        const i = lines.length === 0 ? 0 : o.at % lines.length;
        lines.splice(i, 0, lines[i] ?? '');
        t = lines.join('\n');
      }
    }
    return t;
  });

const anyText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), mutated);

describe('every ingester on hostile input', () => {
  for (const ingester of INGESTERS) {
    it(`${ingester.kind}: never throws; problems and facts are located`, () => {
      fc.assert(
        fc.property(anyText, (text) => {
          const a: Artifact = { file: 'fuzz.txt', text };
          expect(typeof ingester.detect(a)).toBe('boolean');
          checkResult(ingester.ingest(a, {}), ['fuzz.txt']);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('detectArtifact never throws and always says either a kind or a located problem', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const d = detectArtifact({ file: 'fuzz.txt', text });
        expect(d.kind !== undefined || d.problems.length === 1).toBe(true);
        for (const p of d.problems) expect(p.location).toEqual({ file: 'fuzz.txt', line: 1, column: 1 });
      }),
      { numRuns: 200 },
    );
  });

  it('several compose files and several sshd files merge without throwing', () => {
    fc.assert(
      fc.property(fc.array(mutated, { minLength: 1, maxLength: 3 }), (texts) => {
        const as = texts.map((text, i) => ({ file: `f${i}`, text }));
        const files = as.map((a) => a.file);
        checkResult(ingestComposeProject(as, { readFile: (p) => as.find((a) => a.file === p) }), files);
        checkResult(ingestSshdConfigs(as), files);
      }),
      { numRuns: 150 },
    );
  });
});

describe('resource exhaustion is refused quickly, with a located problem', () => {
  const compose = INGESTERS.find((i) => i.kind === 'compose');
  const timed = (text: string) => {
    const started = performance.now();
    const r = compose?.ingest({ file: 'bomb.yaml', text }, {});
    return { r, ms: performance.now() - started };
  };

  it('a merge-key alias bomb', () => {
    const lines = ['x0: &x0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}'];
    for (let i = 1; i <= 12; i++)
      lines.push(
        `x${i}: &x${i} [${Array(10)
          .fill(`*x${i - 1}`)
          .join(', ')}]`,
      );
    lines.push('services:', '  s:', '    <<: *x12', '    image: busybox:1');
    const { r, ms } = timed(lines.join('\n'));
    expect(ms).toBeLessThan(1000);
    expect(r?.problems.map((p) => p.code)).toEqual(['ingest.yaml.alias-bomb']);
  });

  it('deep nesting', () => {
    const depth = 5000;
    const { r, ms } = timed(`services:\n  s:\n    ports: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
    expect(ms).toBeLessThan(1000);
    expect(r?.problems.length).toBeGreaterThan(0);
    for (const p of r?.problems ?? []) expect(p.location?.file).toBe('bomb.yaml');
  });

  it('a full expose range of both protocols is read whole (no silent truncation)', () => {
    const { r } = timed('services:\n  s:\n    image: x:1\n    expose: ["1-65535", "1-65535/udp"]\n    networks:\n      n:\n        ipv4_address: 10.0.0.2\n');
    expect(r?.fragment.sockets?.length).toBe(2 * 65535);
  });
});
