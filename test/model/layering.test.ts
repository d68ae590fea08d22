// The layers import one way (design.md): cli → everything; render, analyze,
// deploy, probe → model; the model imports nothing from the catalog (the
// reference platform is passed in), and the analyzer reads no renderer.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = new URL('../../src/', import.meta.url).pathname;

function importsOf(dir: string): { file: string; from: string }[] {
  const out: { file: string; from: string }[] = [];
  for (const entry of readdirSync(join(src, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    // Type-only imports are erased: the model may name the registry's code union.
    for (const m of readFileSync(file, 'utf8').matchAll(/^import (?!type )[^'"]*from '([^']+)'/gm))
      out.push({ file: file.slice(src.length), from: m[1] ?? '' });
  }
  return out;
}

const into = (layer: string) => (i: { from: string }) => new RegExp(`(^|/)${layer}/`).test(i.from);

describe('layering', () => {
  it('src/model imports nothing from src/catalog, src/render, src/cli or src/deploy', () => {
    const bad = importsOf('model').filter((i) => ['catalog', 'render', 'cli', 'deploy', 'probe', 'analyze', 'ingest'].some((l) => into(l)(i)));
    expect(bad).toEqual([]);
  });

  it('src/analyze imports no renderer, ingester, catalog or CLI', () => {
    const bad = importsOf('analyze').filter((i) => ['render', 'ingest', 'catalog', 'cli', 'deploy', 'probe'].some((l) => into(l)(i)));
    expect(bad).toEqual([]);
  });

  it("nothing outside src/cli (and the code registry, src/codes, which gathers every layer's docs) imports src/cli", () => {
    const bad = ['model', 'catalog', 'render', 'ingest', 'analyze', 'proof', 'probe', 'deploy'].flatMap((d) => importsOf(d).filter(into('cli')));
    expect(bad).toEqual([]);
  });
});
