// `moat plan --target kubernetes` end to end (in process): the manifests under
// kubernetes/ in the bundle, nothing of the one-host bundle; and `moat plan`
// without the option writes no manifest.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';

const root = mkdtempSync(join(tmpdir(), 'moat-plan-k8s-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let out = '';
beforeEach(() => {
  out = '';
  process.exitCode = undefined;
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('moat plan --target kubernetes', () => {
  it('writes the Kustomize base and the manifests, and none of the one-host files', async () => {
    const dir = join(root, 'k8s');
    expect(await main(['node', 'moat', 'plan', '--target', 'kubernetes', '--out', dir])).toBe(0);
    for (const f of [
      'kubernetes/kustomization.yaml',
      'kubernetes/namespace.yaml',
      'kubernetes/network-policies.yaml',
      'kubernetes/gateway-tailnet.yaml',
      'kubernetes/services/ollama.yaml',
    ]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(existsSync(join(dir, 'compose.yaml'))).toBe(false);
    expect(out).toContain('moat secrets kubernetes');
    expect(readFileSync(join(dir, '.moat-bundle'), 'utf8')).toContain('kubernetes/kustomization.yaml');
  });

  it('leaves the one-host plan without manifests, and each target does not call the other stale', async () => {
    const dir = join(root, 'both');
    expect(await main(['node', 'moat', 'plan', '--out', dir, '--format', 'json'])).toBe(0);
    const host = JSON.parse(out) as { files: { path: string }[]; target?: string };
    expect(host.target).toBeUndefined();
    expect(host.files.filter((f) => f.path.startsWith('kubernetes/'))).toEqual([]);
    out = '';
    expect(await main(['node', 'moat', 'plan', '--target', 'kubernetes', '--out', dir, '--format', 'json'])).toBe(0);
    const k8s = JSON.parse(out) as { files: { path: string }[]; stale: string[]; target: string };
    expect(k8s.target).toBe('kubernetes');
    expect(k8s.files.every((f) => f.path.startsWith('kubernetes/'))).toBe(true);
    expect(k8s.stale).toEqual([]);
    expect(existsSync(join(dir, 'compose.yaml'))).toBe(true);
  });

  it('refuses an unknown target (exit 2)', async () => {
    expect(await main(['node', 'moat', 'plan', '--target', 'nomad', '--out', join(root, 'x')])).not.toBe(0);
  });
});
