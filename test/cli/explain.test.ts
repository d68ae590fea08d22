// `moat explain`: one code's entry, the list of all codes, a prefix's codes,
// the exit-code table; an unknown or hostile code is exit 2 with a located
// problem and a did-you-mean, never a stack trace.
import { describe, expect, it } from 'vitest';
import { FINDING_REGISTRY } from '../../src/codes/index.js';
import { EXIT_CODE_DOCS } from '../../src/model/findings.js';
import { runMoat } from '../support/run-moat.js';

describe('moat explain CODE', () => {
  it('prints the title, severity, area and help of a code', async () => {
    const { code, out, err } = await runMoat('explain', 'exposure.unexpected-open');
    expect(code).toBe(0);
    expect(err).toBe('');
    const lines = out.split('\n');
    expect(lines[0]).toBe('exposure.unexpected-open');
    expect(lines[1]).toBe('  A zone reaches something the policy does not allow');
    expect(lines[2]).toContain('severity: high');
    expect(lines[2]).toContain('area: analyze');
    // The help, wrapped: every line within 78 columns, the words all there.
    const help = lines.slice(4).join(' ').replace(/\s+/g, ' ').trim();
    expect(help).toBe(FINDING_REGISTRY.find((e) => e.code === 'exposure.unexpected-open')?.help);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(78);
  });

  it('accepts the code in any case', async () => {
    const { code, out } = await runMoat('explain', 'CONFIG.Unknown-Key');
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe('config.unknown-key');
  });

  it('prints one entry as JSON with --format json', async () => {
    const { code, out } = await runMoat('explain', 'secrets.never-rotate-lost', '--format', 'json');
    expect(code).toBe(0);
    const entry = JSON.parse(out) as Record<string, unknown>;
    expect(entry).toMatchObject({ code: 'secrets.never-rotate-lost', severity: 'critical', area: 'deploy' });
    expect(typeof entry.help).toBe('string');
    expect(typeof entry.title).toBe('string');
  });
});

describe('moat explain (no code)', () => {
  it('lists every code, one line each, after a header', async () => {
    const { code, out } = await runMoat('explain');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CODE\s+SEVERITY\s+AREA\s+TITLE$/);
    expect(lines.length).toBe(FINDING_REGISTRY.length + 1);
    FINDING_REGISTRY.forEach((e, i) => {
      const cells = lines[i + 1]?.split(/\s{2,}/);
      expect(cells?.[0]).toBe(e.code);
      expect(cells?.[1]).toBe(e.severity);
      expect(cells?.[2]).toBe(e.area);
      expect(cells?.slice(3).join('  ')).toBe(e.title);
    });
  });

  it('lists every code as a JSON array with --format json', async () => {
    const { code, out } = await runMoat('explain', '--format', 'json');
    expect(code).toBe(0);
    const list = JSON.parse(out) as { code: string; area: string }[];
    expect(list.map((e) => e.code)).toEqual(FINDING_REGISTRY.map((e) => e.code));
  });

  it('lists the codes under a prefix, and only those', async () => {
    const { code, out } = await runMoat('explain', 'ingest.nginx');
    expect(code).toBe(0);
    const codes = out
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/)[0]);
    expect(codes).toEqual(FINDING_REGISTRY.filter((e) => e.code.startsWith('ingest.nginx.')).map((e) => e.code));
    expect(codes.length).toBeGreaterThan(5);
  });

  it('does not take a prefix that stops inside a word', async () => {
    const { code } = await runMoat('explain', 'ingest.ngi');
    expect(code).toBe(2);
  });
});

describe('moat explain --exit-codes', () => {
  it('prints 0, 1, 2, 3 and 70 with what each means', async () => {
    const { code, out } = await runMoat('explain', '--exit-codes');
    expect(code).toBe(0);
    const rows = out.trimEnd().split('\n').slice(1);
    expect(rows.map((r) => Number(r.split(/\s+/)[0]))).toEqual([0, 1, 2, 3, 70]);
    for (const [i, d] of EXIT_CODE_DOCS.entries()) expect(rows[i]).toContain(d.meaning);
  });

  it('prints the table as JSON with --format json', async () => {
    const { code, out } = await runMoat('explain', '--exit-codes', '--format', 'json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(EXIT_CODE_DOCS);
  });
});

describe('moat explain with a code moat does not have', () => {
  it('exits 2 with a did-you-mean', async () => {
    const { code, out, err } = await runMoat('explain', 'exposure.unexpected-opn');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('no finding code "exposure.unexpected-opn"');
    expect(err).toContain('did you mean exposure.unexpected-open?');
    expect(err).toContain('[cli.unknown-code]');
    expect(err).not.toContain('bug in moat');
  });

  it('exits 2 without a guess when nothing is close', async () => {
    const { code, err } = await runMoat('explain', 'zzzz.qqqq');
    expect(code).toBe(2);
    expect(err).not.toContain('did you mean');
    expect(err).toContain('`moat explain` lists every code');
  });

  it('survives hostile input: control characters, a huge argument, prototype names', async () => {
    for (const arg of ['\u001b[31mred\u0007', 'x'.repeat(100_000), '__proto__', 'constructor', '']) {
      const { code, err } = await runMoat('explain', arg);
      expect(code, JSON.stringify(arg.slice(0, 20))).toBe(2);
      expect(err).not.toContain('\u001b[31m');
      expect(err).not.toContain('internal error');
      expect(err.length).toBeLessThan(1000);
    }
  });

  it('rejects an unknown --format (exit 2)', async () => {
    const { code } = await runMoat('explain', 'config.unknown-key', '--format', 'xml');
    expect(code).toBe(2);
  });
});
