// Shared by the outer-layer tests: the platforms they render, real tools that
// must exist (a missing one fails the test loudly), and throw-away network
// namespaces named moat-*, never connected to the root namespace.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import type { Platform, PlatformInput } from '../../../src/model/types.js';

export function reference(): Platform {
  return normalizePlatform(referencePlatform());
}

/** The reference with host fields replaced (admin CIDR, Tailscale v6 address...). */
type HostInput = PlatformInput['host'];
export type HostPatch = Partial<Omit<HostInput, 'tailscale'>> & { tailscale?: Partial<HostInput['tailscale']> };

export function withHost(patch: HostPatch): Platform {
  const base = referencePlatform();
  const { tailscale, ...rest } = patch;
  return normalizePlatform({ ...base, host: { ...base.host, ...rest, tailscale: { ...base.host.tailscale, ...tailscale } } });
}

/** Fails (does not skip) when a tool the test needs is missing; says which package installs it. */
export function requireTool(tool: string, debianPackage: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`${tool} is missing: apt-get install -y ${debianPackage} (listed in scripts/debian-packages.txt)`);
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error('this test needs root (network namespaces, nft, iptables): run it as root, as CI does');
}

export interface Netns {
  readonly name: string;
  /** Runs a command inside the namespace; throws with stderr on failure. */
  exec(command: string, args: readonly string[], env?: Record<string, string>): string;
  remove(): void;
}

/** A fresh, empty network namespace (loopback only). */
export function createNetns(purpose: string): Netns {
  requireRoot();
  requireTool('ip', 'iproute2');
  const name = `moat-${purpose}-${process.pid}`;
  spawnSync('ip', ['netns', 'del', name]);
  execFileSync('ip', ['netns', 'add', name]);
  return {
    name,
    exec(command, args, env) {
      const r = spawnSync('ip', ['netns', 'exec', name, command, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
      if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${name} (${r.status}): ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    remove() {
      spawnSync('ip', ['netns', 'del', name]);
    },
  };
}

/** Writes files into a moat-* temp dir; returns the dir and a cleanup. */
export function tempFiles(files: Record<string, string>): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'moat-outer-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content, { mode: 0o755 });
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The one file a render produced at `path` (throws when absent). */
export function fileOf(result: { files: readonly { path: string; content: string }[] }, path: string): string {
  const file = result.files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path} in ${result.files.map((f) => f.path).join(', ')}`);
  return file.content;
}
