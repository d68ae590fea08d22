// The golden helper itself: merging YAML onto the reference and splitting case files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatRender, goldenCases, goldenPlatform, SEPARATOR } from '../../support/golden.js';

describe('golden helper', () => {
  it('merges services by name, deletes with $delete, replaces scalars', () => {
    const p = goldenPlatform(
      'project: moat-x\nservices:\n  - name: ollama\n    $delete: true\n  - name: dify-db\n    publish: [{hostAddress: 0.0.0.0, hostPort: 5432, containerPort: 5432}]\n',
    );
    expect(p.project).toBe('moat-x');
    expect(p.services.some((s) => s.name === 'ollama')).toBe(false);
    const db = p.services.find((s) => s.name === 'dify-db');
    expect(db?.publish).toEqual([{ hostAddress: '0.0.0.0', hostPort: 5432, containerPort: 5432, protocol: 'tcp' }]);
    expect(db?.image).toMatch(/postgres/);
  });

  it('reads input and expected parts of a case file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'moat-golden-'));
    try {
      writeFileSync(join(dir, 'b.golden'), `reference\n${SEPARATOR}\nline 1\n`);
      writeFileSync(join(dir, 'a.golden'), 'project: x\n');
      const cases = goldenCases(dir);
      expect(cases.map((c) => [c.name, c.input, c.expected])).toEqual([
        ['a', 'project: x', undefined],
        ['b', 'reference', 'line 1\n'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('formats files with mode and flags a missing final newline', () => {
    const text = formatRender({ files: [{ path: 'a.sh', content: 'x', mode: 0o755 }], warnings: [] });
    expect(text).toBe('>>> a.sh (755)\nx\n\\ no newline at end of file\n');
  });
});
