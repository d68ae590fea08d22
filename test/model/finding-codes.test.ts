// The registry's own invariants: unique, well-formed codes, documented in the
// registry's words, with the area their prefix names; the analyzer's rule
// docs agree with it; the exit-code table covers every exit code once.
import { describe, expect, it } from 'vitest';
import { ruleDocs } from '../../src/analyze/index.js';
import {
  CODE_PATTERN,
  FINDING_AREAS,
  FINDING_CODES,
  FINDING_REGISTRY,
  type FindingArea,
  findingDoc,
  isFindingCode,
  lookupFindingCode,
} from '../../src/codes/index.js';
import { EXIT_CODE_DOCS, ExitCode, exitCodeFor, type Finding, SEVERITIES } from '../../src/model/findings.js';

/** Which area each first segment of a code belongs to. */
const AREA_OF_PREFIX: Readonly<Record<string, FindingArea>> = {
  config: 'config',
  render: 'render',
  ingest: 'ingest',
  exposure: 'analyze',
  route: 'analyze',
  listener: 'analyze',
  secret: 'analyze',
  probe: 'probe',
  deploy: 'deploy',
  secrets: 'deploy',
  backup: 'deploy',
  cli: 'cli',
  plan: 'cli',
  reset: 'cli',
  audit: 'cli',
  origin: 'analyze',
};

describe('the finding registry', () => {
  it('has more than a hundred codes, each once', () => {
    expect(FINDING_REGISTRY.length).toBeGreaterThan(100);
    const seen = new Set<string>();
    const duplicates = FINDING_CODES.filter((c) => (seen.has(c) ? true : (seen.add(c), false)));
    expect(duplicates).toEqual([]);
  });

  it('spells every code dotted lower-case, and the pattern rejects what is not', () => {
    for (const code of FINDING_CODES) expect(code, code).toMatch(CODE_PATTERN);
    for (const bad of ['config', 'Config.x', 'config.', '.x', 'config..x', 'config.x_y', 'config.x ', 'ingest.nginx.-x']) expect(bad).not.toMatch(CODE_PATTERN);
  });

  it('files every code under the area its prefix names', () => {
    for (const e of FINDING_REGISTRY) {
      const prefix = e.code.split('.')[0] ?? '';
      expect(AREA_OF_PREFIX[prefix], `${e.code}: unknown prefix ${prefix}`).toBeDefined();
      expect(e.area, e.code).toBe(AREA_OF_PREFIX[prefix]);
      expect(FINDING_AREAS).toContain(e.area);
    }
  });

  it('documents every code: a one-line title, a paragraph of help, a known severity', () => {
    for (const e of FINDING_REGISTRY) {
      expect(e.title.length, e.code).toBeGreaterThan(8);
      expect(e.title.length, e.code).toBeLessThanOrEqual(100);
      expect(e.title, e.code).not.toMatch(/[.\n]$/);
      expect(e.help.length, e.code).toBeGreaterThanOrEqual(60);
      expect(e.help, e.code).toMatch(/[.)]$/);
      expect(e.help, e.code).not.toContain('\n');
      expect(SEVERITIES, e.code).toContain(e.severity);
    }
  });

  it('holds every code the analyzer declares, at the analyzer’s severity', () => {
    for (const d of ruleDocs()) {
      expect(isFindingCode(d.code), d.code).toBe(true);
      if (isFindingCode(d.code)) expect(findingDoc(d.code).severity, d.code).toBe(d.severity);
    }
  });

  it('looks codes up exactly, ignoring case and surrounding space, and nothing else', () => {
    expect(lookupFindingCode('exposure.unexpected-open')?.area).toBe('analyze');
    expect(lookupFindingCode('  Exposure.Unexpected-Open ')?.code).toBe('exposure.unexpected-open');
    expect(lookupFindingCode('exposure')).toBeUndefined();
    expect(lookupFindingCode('exposure.unexpected-ope')).toBeUndefined();
    expect(lookupFindingCode('__proto__')).toBeUndefined();
    expect(lookupFindingCode('constructor')).toBeUndefined();
    expect(isFindingCode('toString')).toBe(false);
  });

  it('makes a misspelt code a compile error (tsc checks this file)', () => {
    const ok: Finding = { code: 'config.unknown-key', severity: 'high', path: 'x', message: 'm', hint: 'h' };
    // @ts-expect-error: 'config.unknown-kye' is not a FindingCode
    const typo: Finding = { code: 'config.unknown-kye', severity: 'high', path: 'x', message: 'm', hint: 'h' };
    expect(isFindingCode(ok.code)).toBe(true);
    expect(isFindingCode(typo.code)).toBe(false);
  });
});

describe('exit codes', () => {
  it('has one documented row per exit code, in order, 70 for internal errors', () => {
    expect(EXIT_CODE_DOCS.map((d) => d.outcome).sort()).toEqual(Object.keys(ExitCode).sort());
    expect(EXIT_CODE_DOCS.map((d) => d.code)).toEqual([0, 1, 2, 3, 70]);
    for (const d of EXIT_CODE_DOCS) {
      expect(d.code).toBe(ExitCode[d.outcome]);
      expect(exitCodeFor(d.outcome)).toBe(d.code);
      expect(d.meaning.length).toBeGreaterThan(20);
    }
    expect(ExitCode.internalError).toBe(70);
  });
});
