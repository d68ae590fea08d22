// Hostile input never crashes `moat audit`: random bytes, and mangled copies of
// real artifacts, give exit 0, 1 or 2 and a JSON report, never an internal error (70).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runMoat } from '../support/run-moat.js';

const dir = mkdtempSync(join(tmpdir(), 'moat-audit-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const seeds = ['exposed/compose.yaml', 'nginx-dir/nginx.conf', 'nginx-dir/conf.d/gateway.conf'].map((f) =>
  readFileSync(fileURLToPath(new URL(`./audit-fixtures/${f}`, import.meta.url)), 'utf8'),
);

async function survives(bytes: Uint8Array): Promise<void> {
  const file = join(dir, 'input');
  writeFileSync(file, bytes);
  const r = await runMoat('audit', file, '--format', 'json');
  expect([0, 1, 2]).toContain(r.code);
  const report = JSON.parse(r.out) as { findings: unknown[] };
  expect(Array.isArray(report.findings)).toBe(true);
}

describe('moat audit on hostile input', () => {
  it('survives random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), survives), { numRuns: 25 });
  });

  it('survives mangled compose and nginx files (lines cut, swapped, duplicated)', async () => {
    const mangled = fc
      .tuple(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('cut', 'swap', 'dup', 'junk')), { maxLength: 6 }),
        fc.string({ maxLength: 20 }),
      )
      .map(([text, edits, junk]) => {
        const lines = text.split('\n');
        for (const [a, b, op] of edits) {
          const i = a % lines.length;
          const j = b % lines.length;
          if (op === 'cut') lines[i] = (lines[i] ?? '').slice(0, b % 12);
          else if (op === 'swap') [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
          else if (op === 'dup') lines.splice(i, 0, lines[j] ?? '');
          else lines[i] = `${lines[i] ?? ''}${junk}`;
        }
        return new TextEncoder().encode(lines.join('\n'));
      });
    await fc.assert(fc.asyncProperty(mangled, survives), { numRuns: 40 });
  });
});
