// Every finding code in src/ is declared in the registry, and every declared
// code is emitted somewhere (or marked reserved, with why). The compiler
// already rejects an undeclared code in a Finding; this scan also catches
// codes outside Finding objects (comparisons, lookup tables) and dead entries.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_REGISTRY, isFindingCode } from '../../src/codes/index.js';

const SRC = join(import.meta.dirname, '../../src');
/** The registry's own folder only declares codes; it is not where they are emitted. */
const DECLARATIONS_ONLY = 'model/codes/';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

const FILES = sources(SRC).map((file) => ({ file: relative(SRC, file), text: readFileSync(file, 'utf8') }));

/** First segments of registry codes: a string literal starting with one of them and a dot may be a code. */
const PREFIXES = new Set(FINDING_REGISTRY.map((e) => e.code.split('.')[0] ?? ''));

/** Literals with a code's prefix that are not codes: file names and such. */
const NOT_CODES = /\.(ya?ml|json|env|conf|rules|sh|md|txt|toml|pem|crt|key|js|ts|html|template|service|sock|log|db)$/;

const LITERAL = /(['"`])([a-z][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)+)\1/g;
/** `X_CODES = { key: 'code', ... }` tables name codes; `X_CODES.key` then uses one. */
const ALIAS_TABLE = /(\b[A-Z][A-Z0-9_]*_CODES)\s*=\s*\{([^}]*)\}/g;
const ALIAS_ENTRY = /(\w+):\s*'([^']+)'/g;

interface Occurrence {
  readonly code: string;
  readonly file: string;
  /** Part of a doc entry (`code: ..., title, help`), not an emission. */
  readonly declaration: boolean;
}

/** A `code:` property whose object (up to its closing brace) has `help:` is a doc entry. */
function isDeclaration(text: string, index: number, end: number): boolean {
  const before = text.slice(Math.max(0, index - 8), index);
  if (!/code:\s*$/.test(before)) return false;
  const rest = text.slice(end, text.indexOf('}', end) === -1 ? undefined : text.indexOf('}', end));
  return /\bhelp:/.test(rest);
}

function occurrences(): Occurrence[] {
  const found: Occurrence[] = [];
  for (const { file, text } of FILES) {
    const aliases = new Map<string, string>();
    const aliasSpans: [number, number][] = [];
    for (const table of text.matchAll(ALIAS_TABLE)) {
      aliasSpans.push([table.index, table.index + table[0].length]);
      for (const entry of (table[2] ?? '').matchAll(ALIAS_ENTRY)) aliases.set(`${table[1]}.${entry[1]}`, entry[2] ?? '');
    }
    for (const m of text.matchAll(LITERAL)) {
      const code = m[2] ?? '';
      if (!PREFIXES.has(code.split('.')[0] ?? '') || NOT_CODES.test(code)) continue;
      if (aliasSpans.some(([a, b]) => m.index >= a && m.index < b)) continue;
      const declaration = file.startsWith(DECLARATIONS_ONLY) || isDeclaration(text, m.index, m.index + m[0].length);
      found.push({ code, file, declaration });
    }
    for (const [alias, code] of aliases) {
      for (const m of text.matchAll(new RegExp(`\\b${alias.replace('.', '\\.')}\\b`, 'g'))) {
        found.push({ code, file, declaration: isDeclaration(text, m.index, m.index + m[0].length) });
      }
    }
  }
  // Alias tables are exported (NGINX_CODES): their uses in other files count too.
  for (const { file, text } of FILES) {
    for (const table of FILES.flatMap((f) => [...f.text.matchAll(ALIAS_TABLE)].map((t) => ({ from: f.file, name: t[1] ?? '', body: t[2] ?? '' })))) {
      if (table.from === file) continue;
      for (const entry of table.body.matchAll(ALIAS_ENTRY)) {
        for (const m of text.matchAll(new RegExp(`\\b${table.name}\\.${entry[1]}\\b`, 'g'))) {
          found.push({ code: entry[2] ?? '', file, declaration: isDeclaration(text, m.index, m.index + m[0].length) });
        }
      }
    }
  }
  return found;
}

const FOUND = occurrences();

describe('finding codes in src/', () => {
  it('finds the codes (the scan itself works)', () => {
    const codes = new Set(FOUND.map((o) => o.code));
    expect(codes.size).toBeGreaterThan(100);
    // One of each kind: a plain literal, a helper's argument, a ternary, an alias table.
    for (const c of ['probe.unexpected-open', 'config.image-unpinned', 'config.file-unreadable', 'ingest.nginx.include-loop']) {
      expect(
        FOUND.some((o) => o.code === c && !o.declaration),
        c,
      ).toBe(true);
    }
    expect(FOUND.some((o) => o.code === 'ingest.nginx.include-loop' && o.declaration)).toBe(true);
  });

  it('declares every code-shaped literal in the registry', () => {
    const undeclared = FOUND.filter((o) => !isFindingCode(o.code)).map((o) => `${o.file}: ${o.code}`);
    expect([...new Set(undeclared)]).toEqual([]);
  });

  it('emits every registry code somewhere, unless it is reserved with a reason', () => {
    const emitted = new Set(FOUND.filter((o) => !o.declaration).map((o) => o.code));
    const dead = FINDING_REGISTRY.filter((e) => !emitted.has(e.code) && !('reserved' in e && typeof e.reserved === 'string' && e.reserved.length > 20));
    expect(dead.map((e) => e.code)).toEqual([]);
  });

  it('declares each code in one place only', () => {
    const declaredIn = new Map<string, Set<string>>();
    for (const o of FOUND.filter((x) => x.declaration)) declaredIn.set(o.code, (declaredIn.get(o.code) ?? new Set()).add(o.file));
    // The address rule reuses the loader's codes and repeats their docs for its own `docs`.
    const ALLOWED_TWICE = new Set(['analyze/rules/addresses.ts']);
    const twice = [...declaredIn]
      .filter(([, files]) => [...files].filter((f) => !ALLOWED_TWICE.has(f)).length > 1)
      .map(([c, f]) => `${c}: ${[...f].join(', ')}`);
    expect(twice).toEqual([]);
  });
});
