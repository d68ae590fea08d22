// Golden files: one readable case per file. The top part is the input (the word
// `reference`, or YAML merged onto the reference platform), then SEPARATOR, then
// the expected output (or `error: <message>`). MOAT_UPDATE_GOLDEN=1 rewrites the
// expected part from the actual output instead of comparing.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { referencePlatform } from '../../src/catalog/reference.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import type { Platform, PlatformInput } from '../../src/model/types.js';
import type { RenderResult } from '../../src/render/types.js';

export const SEPARATOR = '======== expected output ========';

export interface GoldenCase {
  /** File name without `.golden`: use it as the test name. */
  readonly name: string;
  readonly input: string;
  /** Undefined for a new case that has no expected part yet. */
  readonly expected: string | undefined;
  readonly file: string;
}

const updating = process.env['MOAT_UPDATE_GOLDEN'] === '1';

/** Every `*.golden` file of a directory, sorted by name. */
export function goldenCases(dir: string | URL): GoldenCase[] {
  const path = typeof dir === 'string' ? dir : dir.pathname;
  return readdirSync(path)
    .filter((f) => f.endsWith('.golden'))
    .sort()
    .map((f) => {
      const file = join(path, f);
      const text = readFileSync(file, 'utf8');
      const at = text.indexOf(`\n${SEPARATOR}\n`);
      const input = at < 0 ? text.trimEnd() : text.slice(0, at);
      const expected = at < 0 ? undefined : text.slice(at + SEPARATOR.length + 2);
      return { name: f.slice(0, -'.golden'.length), input, expected, file };
    });
}

/** Compares (or, when updating, rewrites) the expected part of a case. */
export function expectGolden(c: GoldenCase, actual: string): void {
  if (updating) {
    writeFileSync(c.file, `${c.input}\n${SEPARATOR}\n${actual}`);
    return;
  }
  if (c.expected === undefined) throw new Error(`${c.file} has no "${SEPARATOR}" line: run npm run golden:update`);
  expect(actual).toBe(c.expected);
}

/**
 * The platform a case's input describes: `reference`, or YAML merged onto the
 * reference input. Objects merge key by key; arrays of objects with a `name`
 * (services, networks) merge by name (`$delete: true` removes one, new names
 * append); other arrays replace. Parsed by the schema, like a real config.
 */
export function goldenPlatform(input: string): Platform {
  const base = referencePlatform() as unknown as Record<string, unknown>;
  const text = input.trim();
  if (text === 'reference' || text === '') return normalizePlatform(base as unknown as PlatformInput);
  const patch: unknown = parse(text);
  return normalizePlatform(merge(base, patch) as PlatformInput);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function named(value: unknown): value is { name: string } {
  return isObject(value) && typeof value['name'] === 'string';
}

function merge(base: unknown, patch: unknown): unknown {
  if (isObject(base) && isObject(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) out[key] = merge(base[key], value);
    return out;
  }
  if (Array.isArray(base) && Array.isArray(patch) && base.every(named) && patch.every(named) && patch.length > 0) {
    const out: unknown[] = [...base];
    for (const item of patch) {
      const at = out.findIndex((b) => named(b) && b.name === item.name);
      const removing = (item as Record<string, unknown>)['$delete'] === true;
      if (at >= 0 && removing) out.splice(at, 1);
      else if (at >= 0) out[at] = merge(out[at], item);
      else if (!removing) out.push(item);
    }
    return out;
  }
  return patch;
}

/** A render result as one text: each file under a `>>> path (mode)` line, then warnings. */
export function formatRender(result: RenderResult): string {
  const parts = result.files.map((f) => {
    const body = f.content.endsWith('\n') ? f.content : `${f.content}\n\\ no newline at end of file\n`;
    return `>>> ${f.path} (${(f.mode ?? 0o644).toString(8)})\n${body}`;
  });
  for (const w of result.warnings) parts.push(`!!! ${w.severity} ${w.code} at ${w.path}: ${w.message}\n`);
  return parts.join('');
}

/** Runs a render and formats it, or formats the error it throws (for error cases). */
export function renderOrError(render: () => RenderResult): string {
  try {
    return formatRender(render());
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}\n`;
  }
}
