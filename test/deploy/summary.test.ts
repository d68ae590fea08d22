import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import type { ContainerState, Engine } from '../../src/deploy/engine.js';
import { judge } from '../../src/deploy/health.js';
import { formatRows, serviceRows, serviceUrl } from '../../src/deploy/summary.js';
import { deployUp, formatFailures } from '../../src/deploy/up.js';
import { normalizePlatform } from '../../src/model/normalize.js';

const platform = normalizePlatform(referencePlatform());
const state = (over: Partial<ContainerState>): ContainerState => ({
  service: 'n8n',
  id: 'x',
  name: 'x',
  state: 'running',
  health: 'starting',
  exitCode: 0,
  restartCount: 0,
  addresses: {},
  published: [],
  ...over,
});

describe('summary', () => {
  it('gives routed services their gateway URL and the rest "internal"', () => {
    expect(serviceUrl(platform, 'n8n')).toBe('https://ai-platform.example.ts.net:8443/n8n/');
    expect(serviceUrl(platform, 'nginx')).toBe('https://ai-platform.example.ts.net:8443/');
    expect(serviceUrl(platform, 'ollama')).toBe('internal');
    // Apps that cannot live under a path have an origin of their own: the table names it, not a path.
    expect(serviceUrl(platform, 'anythingllm')).toBe('https://ai-platform.example.ts.net:8444/');
    expect(serviceUrl(platform, 'dify-nginx')).toBe('https://ai-platform.example.ts.net:8445/');
    expect(serviceUrl(platform, 'signal-api')).toBe('internal');
  });

  it('prints one row per service with its state; a missing container is "not created"', () => {
    const rows = serviceRows(platform, [state({ health: 'healthy' })], new Set(['n8n', 'ollama']));
    expect(rows.map((r) => [r.service, r.state])).toEqual([
      ['ollama', 'not created'],
      ['n8n', 'healthy'],
    ]);
    expect(formatRows(rows)).toMatch(/^n8n +healthy +172\.20\.0\.40 +https:\/\/ai-platform\.example\.ts\.net:8443\/n8n\/$/m);
  });
});

describe('health verdicts', () => {
  it('waits while starting, accepts healthy or running without a check, fails on unhealthy or exit', () => {
    expect(judge(undefined, false)).toBeUndefined();
    expect(judge(state({}), false)).toBeUndefined();
    expect(judge(state({ state: 'created', health: 'none' }), false)).toBeUndefined();
    expect(judge(state({ health: 'healthy' }), false)?.kind).toBe('ready');
    expect(judge(state({ health: 'none' }), false)?.kind).toBe('ready');
    expect(judge(state({ health: 'unhealthy' }), false)).toMatchObject({ kind: 'failed', reason: 'its health check failed' });
    expect(judge(state({ state: 'exited', exitCode: 2, health: 'none' }), false)).toMatchObject({ kind: 'failed', reason: 'the container exited with code 2' });
  });

  it('fails a crash-looping container (restart: unless-stopped keeps it restarting) instead of waiting', () => {
    expect(judge(state({ state: 'restarting', exitCode: 1, restartCount: 3 }), false)).toMatchObject({
      kind: 'failed',
      reason: expect.stringContaining('keeps crashing'),
    });
    // Caught between two crashes while running: restarted and not healthy.
    expect(judge(state({ state: 'running', health: 'starting', restartCount: 2, exitCode: 1 }), false)?.kind).toBe('failed');
    expect(judge(state({ state: 'running', health: 'none', restartCount: 1, exitCode: 1 }), false)?.kind).toBe('failed');
    // Restarted once long ago but healthy now: ready.
    expect(judge(state({ state: 'running', health: 'healthy', restartCount: 1 }), false)?.kind).toBe('ready');
  });
});

/** An engine stub whose one container crash-loops for ever. */
function crashLoopEngine(): Engine {
  return {
    name: 'stub',
    async up() {},
    async containers() {
      return [state({ service: 'n8n', state: 'restarting', health: 'starting', exitCode: 1, restartCount: 5 })];
    },
    async logs() {
      return 'n8n: fatal: cannot open database\n';
    },
    async down() {},
    async resources() {
      return { networks: [], volumes: [] };
    },
    async exec() {
      return { exitCode: 0, stdout: '', stderr: '' };
    },
    execCommand(service, argv) {
      return ['stub', 'exec', service, ...argv];
    },
  };
}

describe('deployUp with a crash-looping service (stub engine)', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'moat-crashloop-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports it failed with its last log lines on the first poll, not after the 300 s budget', async () => {
    const n8nOnly = { ...platform, services: platform.services.map((s) => (s.name === 'n8n' ? { ...s, startBudgetSeconds: 300 } : s)) };
    const result = await deployUp(n8nOnly, {
      engine: crashLoopEngine(),
      bundleDir: join(dir, 'deploy'),
      secretsFile: join(dir, '.moat', 'secrets.env'),
      services: ['n8n'],
      pollMs: 10,
    });
    expect(result.ok).toBe(false);
    expect(result.failures.map((f) => f.service)).toEqual(['n8n']);
    expect(result.failures[0]?.reason).toContain('keeps crashing');
    expect(formatFailures(result.failures)).toContain('n8n: fatal: cannot open database');
  });
});
