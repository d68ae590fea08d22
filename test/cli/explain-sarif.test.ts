// SARIF's rule list is the finding registry's: the same codes in the same
// order in every log, each with the help `moat explain` prints.
import { describe, expect, it } from 'vitest';
import { formatCheckSarif, SARIF_RULE_AREAS } from '../../src/cli/format/sarif.js';
import { FINDING_REGISTRY } from '../../src/codes/index.js';
import { runMoat } from '../support/run-moat.js';

interface Rule {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
  defaultConfiguration: { level: string };
  properties: { tags: string[] };
}

const LEVEL = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' } as const;

describe('moat check --format sarif: rules from the registry', () => {
  it('lists every code of config, render, ingest and analyze, in registry order, with its docs', async () => {
    const { out } = await runMoat('check', '--format', 'sarif');
    const log = JSON.parse(out) as { runs: { tool: { driver: { rules: Rule[] } } }[] };
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    const expected = FINDING_REGISTRY.filter((e) => SARIF_RULE_AREAS.includes(e.area));
    expect(rules.map((r) => r.id)).toEqual(expected.map((e) => e.code));
    for (const [i, e] of expected.entries()) {
      const r = rules[i];
      expect(r?.shortDescription.text).toBe(e.title);
      expect(r?.fullDescription.text).toBe(e.help);
      expect(r?.help.text).toContain(e.help);
      expect(r?.help.text).toContain(`moat explain ${e.code}`);
      expect(r?.defaultConfiguration.level).toBe(LEVEL[e.severity]);
      expect(r?.properties.tags).toEqual(['security', e.area]);
    }
    // Codes a check never reports (probe, deploy, cli) stay out unless a result brings one.
    expect(rules.some((r) => r.id.startsWith('probe.') || r.id.startsWith('secrets.') || r.id.startsWith('cli.'))).toBe(false);
  });

  it('adds the rule of a result from another area, and points the result at it', () => {
    const log = JSON.parse(
      formatCheckSarif({ matrix: [], findings: [{ code: 'probe.unexpected-open', severity: 'high', path: 'tcp/5432', message: 'open', hint: 'close it' }] }),
    ) as { runs: { tool: { driver: { rules: Rule[] } }; results: { ruleId: string; ruleIndex: number }[] }[] };
    const run = log.runs[0];
    const result = run?.results[0];
    expect(result?.ruleId).toBe('probe.unexpected-open');
    expect(run?.tool.driver.rules[result?.ruleIndex ?? -1]?.id).toBe('probe.unexpected-open');
    expect(run?.tool.driver.rules.filter((r) => r.id === 'probe.unexpected-open')).toHaveLength(1);
  });
});
