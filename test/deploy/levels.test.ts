import { describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { dependencyLevels } from '../../src/deploy/levels.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import type { PlatformInput } from '../../src/model/types.js';

const input = referencePlatform();
const platform = normalizePlatform(input);

function withDeps(deps: Record<string, string[]>): ReturnType<typeof normalizePlatform> {
  const changed: PlatformInput = { ...input, services: input.services.map((s) => (deps[s.name] ? { ...s, dependsOn: deps[s.name] } : s)) };
  return normalizePlatform(changed);
}

describe('dependency levels', () => {
  it('puts every service after everything it depends on, each exactly once', () => {
    const { levels, findings } = dependencyLevels(platform);
    expect(findings).toEqual([]);
    const levelOf = new Map(levels.flatMap((names, i) => names.map((n) => [n, i] as const)));
    expect(levelOf.size).toBe(platform.services.length);
    for (const s of platform.services) for (const d of s.dependsOn) expect(levelOf.get(d)!, `${s.name} after ${d}`).toBeLessThan(levelOf.get(s.name)!);
    expect(levelOf.get('litellm')).toBeGreaterThan(levelOf.get('ollama')!);
    for (const level of levels) expect([...level]).toEqual([...level].sort());
  });

  it('starts only the named services and what they need', () => {
    // LiteLLM's virtual keys live in the platform's PostgreSQL (dify-db), so it waits for that too.
    const { levels } = dependencyLevels(platform, ['litellm']);
    expect(levels).toEqual([['dify-db', 'ollama'], ['litellm']]);
  });

  it('reports a cycle as a finding instead of hanging', () => {
    const cyclic = withDeps({ ollama: ['litellm'] });
    const { levels, findings } = dependencyLevels(cyclic, ['litellm']);
    expect(levels).toEqual([]);
    expect(findings.map((f) => [f.code, f.path])).toEqual([['deploy.dependency-cycle', 'services.litellm.dependsOn']]);
    expect(findings[0]?.message).toContain('ollama');
  });

  it('reports unknown services and dependencies with their key path and a suggestion', () => {
    const { findings } = dependencyLevels(withDeps({ n8n: ['olama'] }), ['n8m']);
    expect(findings.map((f) => [f.code, f.path])).toEqual([
      ['deploy.unknown-dependency', 'services.n8n.dependsOn[0]'],
      ['deploy.unknown-service', 'args[0]'],
    ]);
    expect(findings[0]?.hint).toContain('ollama');
    expect(findings[1]?.hint).toContain('n8n');
  });
});
