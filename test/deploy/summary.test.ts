import { describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import type { ContainerState } from '../../src/deploy/engine.js';
import { judge } from '../../src/deploy/health.js';
import { formatRows, serviceRows, serviceUrl } from '../../src/deploy/summary.js';
import { normalizePlatform } from '../../src/model/normalize.js';

const platform = normalizePlatform(referencePlatform());
const state = (over: Partial<ContainerState>): ContainerState => ({
  service: 'n8n', id: 'x', name: 'x', state: 'running', health: 'starting', exitCode: 0, addresses: {}, published: [], ...over,
});

describe('summary', () => {
  it('gives routed services their gateway URL and the rest "internal"', () => {
    expect(serviceUrl(platform, 'n8n')).toBe('https://ai-platform.example.ts.net:8443/n8n/');
    expect(serviceUrl(platform, 'nginx')).toBe('https://ai-platform.example.ts.net:8443/');
    expect(serviceUrl(platform, 'ollama')).toBe('internal');
    expect(serviceUrl(platform, 'signal-api')).toBe('internal');
  });

  it('prints one row per service with its state; a missing container is "not created"', () => {
    const rows = serviceRows(platform, [state({ health: 'healthy' })], new Set(['n8n', 'ollama']));
    expect(rows.map((r) => [r.service, r.state])).toEqual([['ollama', 'not created'], ['n8n', 'healthy']]);
    expect(formatRows(rows)).toMatch(/^n8n +healthy +172\.20\.0\.40 +https:\/\/ai-platform\.example\.ts\.net:8443\/n8n\/$/m);
  });
});

describe('health verdicts', () => {
  it('waits while starting, accepts healthy or running without a check, fails on unhealthy or exit', () => {
    expect(judge(undefined)).toBeUndefined();
    expect(judge(state({}))).toBeUndefined();
    expect(judge(state({ state: 'created', health: 'none' }))).toBeUndefined();
    expect(judge(state({ health: 'healthy' }))?.kind).toBe('ready');
    expect(judge(state({ health: 'none' }))?.kind).toBe('ready');
    expect(judge(state({ health: 'unhealthy' }))).toMatchObject({ kind: 'failed', reason: 'its health check failed' });
    expect(judge(state({ state: 'exited', exitCode: 2, health: 'none' }))).toMatchObject({ kind: 'failed', reason: 'the container exited with code 2' });
  });
});
