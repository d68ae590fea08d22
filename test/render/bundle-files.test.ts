// Every file a service mounts from the bundle must be one the bundle renders
// (or, for a directory mount, one the bundle renders a file in): a missing one
// makes the container fail to start on the host.
import { describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import { renderBundle } from '../../src/render/registry.js';

const platform = normalizePlatform(referencePlatform());

describe('bundle files mounted by services', () => {
  const rendered = new Set(renderBundle(platform).files.map((f) => f.path));
  const mounted = platform.services.flatMap((s) =>
    s.volumes.filter((v) => v.bundleFile !== undefined && !v.bundleFile.startsWith('/')).map((v) => ({ service: s.name, file: v.bundleFile ?? '' })),
  );

  it('mounts at least the gateway, Dify, LiteLLM, Clawdbot and squid configs', () => {
    expect(mounted.map((m) => m.file).sort()).toEqual([
      'clawdbot/knowledge-mcp.mjs',
      'clawdbot/openclaw.json',
      'console/console.cjs',
      'console/state',
      'dify/nginx.conf',
      'dify/squid.conf',
      'litellm/config.yaml',
      'nginx/nginx.conf',
    ]);
  });

  it.each(mounted)('$service mounts $file, which the bundle renders', ({ file }) => {
    expect(rendered.has(file) || [...rendered].some((path) => path.startsWith(`${file}/`))).toBe(true);
  });

  it('renders no app config for a service that is switched off', () => {
    const without = normalizePlatform({ ...referencePlatform(), services: referencePlatform().services.filter((s) => s.name !== 'clawdbot') });
    expect(renderBundle(without).files.map((f) => f.path)).not.toContain('clawdbot/openclaw.json');
  });
});
