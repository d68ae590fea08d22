// moat upgrade's plan and moat outdated, against the catalog's table of known
// releases (src/catalog/upstream/releases.ts). No engine: what is refused and
// why, and what is listed, before anything runs.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { splitImage } from '../../src/catalog/upstream/index.js';
import { DATA_FORMATS, KNOWN_RELEASES } from '../../src/catalog/upstream/releases.js';
import { runOutdated } from '../../src/cli/commands/upgrade.js';
import { loadPlatform } from '../../src/cli/load-platform.js';
import { main } from '../../src/cli/main.js';
import { outdatedServices, planUpgrade, versionChange } from '../../src/deploy/upgrade-plan.js';
import { recordImage } from '../../src/deploy/upgrade-record.js';
import { normalizePlatform } from '../../src/model/normalize.js';

const platform = normalizePlatform(referencePlatform());
const imageOf = (service: string) => platform.services.find((s) => s.name === service)?.image ?? '';

describe('versionChange', () => {
  it('names the step by the first number that differs, and compares only tags of one flavour', () => {
    expect(versionChange('15.18-alpine', '16.0-alpine')).toBe('major');
    expect(versionChange('1.27.0', '1.39.2')).toBe('minor');
    // PostgreSQL numbers MAJOR.MINOR since 10: 15.19 is what PostgreSQL itself calls a minor release.
    expect(versionChange('15.18-alpine', '15.19-alpine')).toBe('minor');
    expect(versionChange('6.2.23-alpine', '6.2.24-alpine')).toBe('patch');
    expect(versionChange('main-v1.83.10-stable', 'main-v1.84.0-stable')).toBe('minor');
    expect(versionChange('2.46.5', '2.41.3')).toBe('older');
    expect(versionChange('6.2.23-alpine', '6.2.23-alpine')).toBe('same');
    expect(versionChange('15.18-alpine', '16.0-bookworm')).toBe('incomparable');
  });
});

describe("moat upgrade refuses a data service's format-changing step without --allow-major", () => {
  it('PostgreSQL 15 → 16: refused, and the finding says pg_upgrade or a dump and restore is needed', () => {
    expect(splitImage(imageOf('dify-db')).tag).toBe('15.18-alpine');
    const { steps, findings } = planUpgrade(platform, { service: 'dify-db', to: '16.0-alpine' });
    expect(steps).toEqual([]);
    expect(findings).toMatchObject([{ code: 'deploy.upgrade.data-format-change', path: 'services.dify-db.image' }]);
    expect(findings[0]?.message).toMatch(/major step of postgres.*pg_upgrade or a dump and restore/);
    expect(findings[0]?.hint).toContain('--allow-major');
    expect(planUpgrade(platform, { service: 'dify-db', to: '16.0-alpine', allowMajor: true }).steps).toEqual([
      { service: 'dify-db', from: 'postgres:15.18-alpine', to: 'postgres:16.0-alpine', change: 'major' },
    ]);
  });

  it('Redis 6 → 7 and Weaviate 1.27 → 1.39 (a minor step, but Weaviate migrates its files per minor): refused with why', () => {
    const redis = planUpgrade(platform, { service: 'dify-redis', to: '7.0.0-alpine' });
    expect(redis.findings).toMatchObject([{ code: 'deploy.upgrade.data-format-change' }]);
    expect(redis.findings[0]?.message).toContain('RDB format 10');
    const weaviate = planUpgrade(platform, { service: 'dify-weaviate', to: '1.39.2' });
    expect(weaviate.findings).toMatchObject([{ code: 'deploy.upgrade.data-format-change', path: 'services.dify-weaviate.image' }]);
    expect(weaviate.findings[0]?.message).toContain('one minor version at a time');
  });

  it("a PostgreSQL minor release, a Redis patch and an app's minor need no flag", () => {
    expect(planUpgrade(platform, { service: 'dify-db', to: '15.19-alpine' })).toMatchObject({ findings: [], steps: [{ change: 'minor' }] });
    expect(planUpgrade(platform, { service: 'dify-redis', to: '6.2.24-alpine' })).toMatchObject({ findings: [], steps: [{ change: 'patch' }] });
    expect(planUpgrade(platform, { service: 'n8n', to: 'n8nio/n8n:2.46.5' })).toMatchObject({
      findings: [],
      steps: [{ to: 'n8nio/n8n:2.46.5', change: 'minor' }],
    });
  });

  it('without --to: apps move to their newest known release, data services are held back with the reason', () => {
    const { steps, findings, held } = planUpgrade(platform, {});
    expect(findings).toEqual([]);
    expect(steps.map((s) => `${s.service} ${s.to}`)).toEqual(['n8n n8nio/n8n:2.46.5']);
    expect(held.map((h) => `${h.service} ${h.newest}`).sort()).toEqual([
      'dify-db postgres:18.0-alpine',
      'dify-redis redis:7.0.0-alpine',
      'dify-weaviate semitechnologies/weaviate:1.39.2',
    ]);
    expect(
      planUpgrade(platform, { allowMajor: true })
        .steps.map((s) => s.service)
        .sort(),
    ).toEqual(['dify-db', 'dify-redis', 'dify-weaviate', 'n8n']);
  });

  it('refuses --to without a service, a tag of another image, :latest, and a downgrade', () => {
    expect(planUpgrade(platform, { to: '2.46.5' }).findings).toMatchObject([{ code: 'deploy.upgrade.needs-service' }]);
    expect(planUpgrade(platform, { service: 'n8n', to: 'evil/n8n:9.9.9' }).findings).toMatchObject([{ code: 'deploy.upgrade.bad-version' }]);
    expect(planUpgrade(platform, { service: 'n8n', to: 'latest' }).findings).toMatchObject([{ code: 'deploy.upgrade.bad-version' }]);
    expect(planUpgrade(platform, { service: 'n8n', to: '2.40.0' }).findings).toMatchObject([{ code: 'deploy.upgrade.not-newer' }]);
    expect(planUpgrade(platform, { service: 'n8m' }).findings).toMatchObject([{ code: 'deploy.unknown-service', hint: 'did you mean n8n?' }]);
  });
});

describe('the known-releases table', () => {
  it('every entry is newer than the catalog pin of its image, dated, sourced; every data-format note is sourced', () => {
    const pins = new Map(platform.services.map((s) => [splitImage(s.image).repository, splitImage(s.image).tag]));
    for (const [repository, releases] of Object.entries(KNOWN_RELEASES)) {
      const pin = pins.get(repository);
      expect(pin, repository).toBeDefined();
      for (const r of releases) {
        expect(['major', 'minor', 'patch'], `${repository}:${r.tag} against ${pin}`).toContain(versionChange(pin ?? '', r.tag));
        expect(r.released).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(r.source).toMatch(/^https:\/\//);
      }
    }
    for (const note of Object.values(DATA_FORMATS)) expect(note.sources.every((s) => s.startsWith('https://'))).toBe(true);
  });
});

describe('moat outdated', () => {
  let out = '';
  const sink = { write: (chunk: string) => ((out += chunk), true) } as unknown as NodeJS.WritableStream;
  beforeEach(() => {
    out = '';
  });

  it('lists pinned → newest with the step, date and source, and exits 1', () => {
    expect(outdatedServices(platform).map((e) => `${e.service} ${e.current} → ${e.newest.tag} ${e.change}`)).toEqual(
      [
        'n8n 2.41.3 → 2.46.5 minor',
        'dify-db 15.18-alpine → 18.0-alpine major',
        'dify-redis 6.2.23-alpine → 7.0.0-alpine major',
        'dify-weaviate 1.27.0 → 1.39.2 minor',
      ].sort((a, b) => platform.services.findIndex((s) => a.startsWith(`${s.name} `)) - platform.services.findIndex((s) => b.startsWith(`${s.name} `))),
    );
    expect(runOutdated(platform, 'text', sink)).toBe(1);
    expect(out).toMatch(/^n8n +n8nio\/n8n +2\.41\.3 → 2\.46\.5 +minor +2026-11-04 +https:\/\/newreleases\.io\//m);
  });

  it('exits 0 when every pin is the newest known release', () => {
    const current = { ...platform, services: platform.services.filter((s) => outdatedServices(platform).every((e) => e.service !== s.name)) };
    expect(runOutdated(current, 'json', sink)).toBe(0);
    expect(JSON.parse(out)).toEqual([]);
  });
});

describe('recording the new tag in moat.yaml', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'moat-upgrade-unit-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('changes only that value: comments, order and other keys stay byte for byte', async () => {
    const file = join(dir, 'moat.yaml');
    const before =
      '# ours\nproject: ai-platform # keep\nservices:\n  # the workflow engine\n  n8n:\n    image: n8nio/n8n:2.41.3 # tested 2026-10\n  ollama:\n    enabled: true\n';
    await writeFile(file, before);
    await recordImage(file, 'n8n', 'n8nio/n8n:2.46.5');
    expect(await readFile(file, 'utf8')).toBe(before.replace('2.41.3', '2.46.5'));
    await recordImage(file, 'dify-db', 'postgres:15.19-alpine');
    expect(await readFile(file, 'utf8')).toBe(`${before.replace('2.41.3', '2.46.5')}  dify-db:\n    image: postgres:15.19-alpine\n`);
  });

  it('creates moat.yaml for the built-in platform, and the next load renders the new image', async () => {
    const file = join(dir, 'moat.yaml');
    await recordImage(file, 'n8n', 'n8nio/n8n:2.46.5');
    const { platform: loaded } = await loadPlatform({ configPath: file, cwd: dir });
    expect(loaded.services.find((s) => s.name === 'n8n')?.image).toBe('n8nio/n8n:2.46.5');
  });
});

describe('moat upgrade and outdated on the command line', () => {
  it('a refused upgrade exits 2 before touching an engine; outdated --help names its exit codes', async () => {
    let err = '';
    let out = '';
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    try {
      const dir = await mkdtemp(join(tmpdir(), 'moat-upgrade-cli-'));
      try {
        expect(await main(['node', 'moat', 'upgrade', 'dify-db', '--to', '16.0-alpine', '--no-backup', '-o', join(dir, 'deploy')])).toBe(2);
        expect(err).toContain('deploy.upgrade.data-format-change');
        expect(await main(['node', 'moat', 'outdated', '--help'])).toBe(0);
        expect(out).toContain('Exit codes: 0 nothing is outdated, 1 at least one pinned image has a newer known release');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    } finally {
      e.mockRestore();
      o.mockRestore();
    }
  });
});
