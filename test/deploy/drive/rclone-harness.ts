// Real rclone for the Drive tests (Debian's package, 1.60.1; the image pins
// 1.75.0, whose rc calls moat uses are the same: src/catalog/upstream/rclone.ts
// RCLONE_RC). `rclone rcd` runs with the command and env compose renders for
// the gdrive service (only the listen address moves to a loopback port and the
// config into a temp dir); the stand-in for Google Drive is `rclone serve
// webdav` over a moat- temp dir on another loopback port. Processes are
// stopped by their own PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import { COMPOSE_FILE, renderCompose } from '../../../src/render/compose.js';
import { freePort } from '../../support/free-port.js';

interface Rendered {
  readonly command: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
}

const compose = parse(renderCompose(normalizePlatform(referencePlatform()), {}).files.find((f) => f.path === COMPOSE_FILE)?.content ?? '') as {
  services: Record<string, Rendered>;
};
export const GDRIVE = compose.services['gdrive'] as Rendered;

/** The caller's environment without any RCLONE_* (a developer's own rclone settings must not leak in). */
function cleanEnv(dir: string): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RCLONE_')));
  return { ...base, HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg'), RCLONE_CACHE_DIR: join(dir, 'cache') };
}

export interface Running {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

async function startListening(args: string[], env: NodeJS.ProcessEnv, url: string): Promise<Running> {
  const child = spawn('rclone', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
      child.once('exit', () => resolve());
      process.kill(child.pid, 'SIGTERM');
    });
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`rclone ${args[0]} exited: ${stderr}`);
    try {
      await fetch(url, { method: 'HEAD' });
      return { url, pid: child.pid ?? 0, child, stderr: () => stderr, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stop();
  throw new Error(`rclone ${args[0]} did not listen on ${url}: ${stderr}`);
}

/** `rclone rcd` as rendered for gdrive: user from the rendered env, password only in the env (RCLONE_RC_PASS). */
export async function startRcd(dir: string, pass: string): Promise<Running> {
  const port = await freePort();
  const args = GDRIVE.command.map((arg) => {
    if (arg.startsWith('--rc-addr=')) return `--rc-addr=127.0.0.1:${port}`;
    if (arg.startsWith('--config=')) return `--config=${join(dir, 'rclone.conf')}`;
    return arg;
  });
  const rendered = Object.fromEntries(Object.entries(GDRIVE.environment).map(([k, v]) => [k, v.replaceAll('$$', '$')]));
  return startListening(args, { ...cleanEnv(dir), ...rendered, RCLONE_CACHE_DIR: join(dir, 'cache'), RCLONE_RC_PASS: pass }, `http://127.0.0.1:${port}/`);
}

/** The stand-in remote: rclone serving a folder over WebDAV on loopback (no auth: only this test reaches it). */
export async function startWebdav(dir: string, folder: string, extra: readonly string[] = []): Promise<Running> {
  const port = await freePort();
  return startListening(
    ['serve', 'webdav', folder, `--addr=127.0.0.1:${port}`, `--config=${join(dir, 'serve.conf')}`, ...extra],
    cleanEnv(dir),
    `http://127.0.0.1:${port}/`,
  );
}

/** What `ps` shows for a process: its argv from /proc. */
export function cmdline(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
}

export const RC_USER = GDRIVE.environment['RCLONE_RC_USER'] ?? 'moat';

// One section of rclone.conf as key → value. rclone writes `type` first and the
// other options in Go map order, which changes from run to run: compare keys,
// never line order.
export function confSection(conf: string, name: string): Record<string, string> {
  const section: Record<string, string> = {};
  let inside = false;
  for (const line of conf.split('\n')) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header) inside = header[1] === name;
    else if (inside && line.includes(' = ')) {
      const at = line.indexOf(' = ');
      section[line.slice(0, at)] = line.slice(at + 3);
    }
  }
  return section;
}
