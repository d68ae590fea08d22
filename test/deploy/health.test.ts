// The wait decision for a running container that reports no health status
// ('none'): ready when the service's model has no healthcheck, keep waiting
// (until its start budget) when it has one, since no status proves nothing.
// Both waits that use it: `moat up` (deployUp) and the restore path's start
// (engineBackupTarget), each with a stub engine.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { engineBackupTarget } from '../../src/deploy/backup/engine-target.js';
import type { ContainerState, Engine, Health } from '../../src/deploy/engine.js';
import { healthcheckedServices, judge, waitReady } from '../../src/deploy/health.js';
import { deployUp } from '../../src/deploy/up.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import type { Platform } from '../../src/model/types.js';

const running = (service: string, health: Health): ContainerState => ({
  service,
  id: service,
  name: service,
  state: 'running',
  health,
  exitCode: 0,
  restartCount: 0,
  addresses: {},
  published: [],
});

/** Answers each containers() call with the next health of each service (the last one repeats); counts the polls. */
function scriptedEngine(script: Readonly<Record<string, readonly Health[]>>): Engine & { polls: number } {
  const engine = {
    name: 'stub',
    polls: 0,
    async up() {},
    async containers() {
      const at = engine.polls;
      engine.polls += 1;
      return Object.entries(script).map(([service, healths]) => running(service, healths[Math.min(at, healths.length - 1)] ?? 'none'));
    },
    async logs() {
      return '';
    },
    async down() {},
    async resources() {
      return { networks: [], volumes: [] };
    },
    async exec() {
      return { exitCode: 0, stdout: '', stderr: '' };
    },
    execCommand(service: string, argv: readonly string[]) {
      return ['stub', 'exec', service, ...argv];
    },
  };
  return engine;
}

/** The reference with these services' start budgets (seconds) replaced. */
function withBudgets(budgets: Readonly<Record<string, number>>): Platform {
  const p = normalizePlatform(referencePlatform());
  return { ...p, services: p.services.map((s) => (budgets[s.name] === undefined ? s : { ...s, startBudgetSeconds: budgets[s.name] as number })) };
}

describe('judge: a running container with no health status', () => {
  it('is ready when its service has no healthcheck', () => {
    expect(judge(running('dify-worker', 'none'), false)?.kind).toBe('ready');
  });

  it('is not ready yet when its service has one; healthy is, unhealthy fails', () => {
    expect(judge(running('n8n', 'none'), true)).toBeUndefined();
    expect(judge(running('n8n', 'starting'), true)).toBeUndefined();
    expect(judge(running('n8n', 'healthy'), true)?.kind).toBe('ready');
    expect(judge(running('n8n', 'unhealthy'), true)?.kind).toBe('failed');
  });
});

describe('waitReady', () => {
  const platform = normalizePlatform(referencePlatform());

  it('knows from the model which services have a healthcheck', () => {
    const checked = healthcheckedServices(platform);
    expect(checked.has('n8n')).toBe(true);
    expect(checked.has('dify-worker')).toBe(false);
  });

  it('waits through "none" for a service with a healthcheck until it is healthy, not for one without', async () => {
    const engine = scriptedEngine({ n8n: ['none', 'none', 'none', 'healthy'], 'dify-worker': ['none'] });
    const verdicts = await waitReady(engine, ['n8n', 'dify-worker'], {
      budgets: new Map([
        ['n8n', 30],
        ['dify-worker', 30],
      ]),
      healthchecked: healthcheckedServices(platform),
      pollMs: 1,
    });
    expect(verdicts.get('dify-worker')).toMatchObject({ kind: 'ready', state: { health: 'none' } });
    expect(verdicts.get('n8n')).toMatchObject({ kind: 'ready', state: { health: 'healthy' } });
    expect(engine.polls).toBe(4);
  });

  it('fails a service with a healthcheck that never reports a status, at its start budget', async () => {
    const verdicts = await waitReady(scriptedEngine({ n8n: ['none'] }), ['n8n'], {
      budgets: new Map([['n8n', 0.05]]),
      healthchecked: new Set(['n8n']),
      pollMs: 5,
    });
    expect(verdicts.get('n8n')).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/start budget of 0.05 s \(last seen: running, health none\)/) });
  });
});

describe('the waits that use it', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'moat-health-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('moat up does not call a healthchecked service ready on "none"', async () => {
    const result = await deployUp(withBudgets({ n8n: 0.05 }), {
      engine: scriptedEngine({ n8n: ['none'] }),
      bundleDir: join(dir, 'deploy'),
      secretsFile: join(dir, '.moat', 'secrets.env'),
      services: ['n8n'],
      pollMs: 5,
    });
    expect(result.ok).toBe(false);
    expect(result.failures.map((f) => [f.service, f.reason])).toEqual([['n8n', expect.stringContaining('health none')]]);
  });

  it("the restore path's start does not either, and starts a service without a healthcheck on 'none'", async () => {
    const platform = withBudgets({ n8n: 0.05, 'dify-worker': 0.05 });
    const target = engineBackupTarget(scriptedEngine({ n8n: ['none'], 'dify-worker': ['none'] }), {}, platform, { pollMs: 5 });
    expect(await target.start(['n8n', 'dify-worker'])).toEqual([{ service: 'n8n', reason: expect.stringContaining('health none') }]);
    const later = engineBackupTarget(scriptedEngine({ n8n: ['none', 'healthy'] }), {}, withBudgets({ n8n: 30 }), { pollMs: 5 });
    expect(await later.start(['n8n'])).toEqual([]);
  });
});
