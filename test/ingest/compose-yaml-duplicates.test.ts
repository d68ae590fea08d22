// parseLocated refuses duplicate keys itself (one set per map) instead of
// with yaml's `uniqueKeys`, which compares each key with every earlier key of
// its map. The problems must be those yaml's own check gives: same lines,
// same messages, in the same order, duplicates mixed with other errors.
import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { parseLocated } from '../../src/ingest/compose-yaml.js';

/** What yaml itself reports with `uniqueKeys: true`: each error's line and first message line. */
function yamlOwn(text: string): [number, string][] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: true, uniqueKeys: true });
  return doc.errors.slice(0, 5).map((e) => [e.linePos?.[0].line ?? 1, `f.yaml does not parse: ${e.message.split('\n')[0]}`]);
}

const CASES = [
  'a: 1\nb: 2\na: 3\n',
  'x:\n  p: 1\n  p: 2\ny: {q: 1, q: 2}\n',
  'a: 1\n"a": 2\n1: x\n"1": y\n',
  '<<: {a: 1}\n<<: {b: 2}\n',
  ': 1\n: 2\n',
  'a: [\nb: 1\nb: 2\n',
  '.nan: 1\n.nan: 2\n',
  '&x k: 1\nk: 2\n',
  'services:\n  s1: {}\n  s1: {}\n  bad: [\n',
  'services:\n  a: {image: x}\n  b: {image: y}\n  a: {image: z}\n  c: {ports: [1, 2], ports: [3]}\n',
  'k: 1\nk: 2\nk: 3\nk: 4\nk: 5\nk: 6\nk: 7\n',
  '{"a": 1, "a": 2}',
];

describe('parseLocated: duplicate keys', () => {
  it.each(CASES)('reports what yaml uniqueKeys reports for %j', (text) => {
    const ours = parseLocated({ file: 'f.yaml', text }).problems.map((p) => [p.location?.line, p.message]);
    expect(ours).toEqual(yamlOwn(text));
  });

  it('finds a repeated service among 20,000, at its line', () => {
    const lines = ['services:'];
    for (let i = 0; i < 20_000; i++) lines.push(`  s${i}: {image: x}`);
    lines.push('  s7: {image: y}');
    const problems = parseLocated({ file: 'f.yaml', text: `${lines.join('\n')}\n` }).problems;
    expect(problems.map((p) => [p.code, p.location?.line])).toEqual([['ingest.yaml.syntax', 20_002]]);
  });
});
