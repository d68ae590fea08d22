// The published bin runs the esbuild bundle (scripts/bundle.mjs): built
// fresh here, it answers --version, lists the commands without loading any,
// and runs `moat check` on the built-in platform as the in-process CLI does.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

describe('the bundled CLI (bin/moat.js → dist/moat.js)', () => {
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: root });
  const run = (...args: string[]) => spawnSync(process.execPath, ['bin/moat.js', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('prints the version of package.json', () => {
    const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string };
    expect(run('--version').stdout.trim()).toBe(version);
  });

  it('lists every command in --help', () => {
    const help = run('--help').stdout;
    for (const name of ['plan', 'check', 'audit', 'probe', 'up', 'status', 'logs', 'down', 'reset', 'secrets', 'models', 'explain']) expect(help).toMatch(new RegExp(`\\n  ${name}\\b`));
  });

  it('splits the commands into chunks of their own (lazy loading)', () => {
    const chunks = readdirSync(`${root}dist/chunks`).filter((f) => f.endsWith('.js'));
    for (const name of ['check', 'audit', 'probe', 'up', 'operate', 'models', 'explain', 'plan']) expect(chunks.some((c) => c.startsWith(`${name}-`)), name).toBe(true);
  });

  it('runs moat check: exit 0 on the built-in platform', () => {
    const result = run('check', '--format', 'json');
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).matrix.length).toBeGreaterThan(20);
  });

  it('stops quietly when its reader closes the pipe (moat check | head): no EPIPE stack trace', async () => {
    const child = spawn(process.execPath, ['bin/moat.js', 'check', '--format', 'json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    // Close our end before moat writes, as a `head` that has had enough does.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(err).not.toMatch(/EPIPE|Unhandled|at /);
    expect(code).toBe(0);
  });
});
