// The published bin runs the esbuild bundle (scripts/bundle.mjs): built
// fresh here, it answers --version, lists the commands without loading any,
// compiles with the code cache the build wrote, and runs `moat check` on the
// built-in platform as the in-process CLI does.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

describe('the bundled CLI (bin/moat.js → dist/moat.cjs)', () => {
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: root });
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/moat.js', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('prints the version of package.json', () => {
    const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string };
    expect(run('--version').stdout.trim()).toBe(version);
  });

  it('lists every command in --help', () => {
    const help = run('--help').stdout;
    for (const name of ['plan', 'check', 'audit', 'probe', 'up', 'status', 'logs', 'down', 'reset', 'secrets', 'models', 'explain'])
      expect(help).toMatch(new RegExp(`\\n  ${name}\\b`));
  });

  /** Runs main() of the bundle in a fresh node; prints whether the code cache was taken and which built-ins loaded. */
  const inProcess = (...args: string[]) => {
    const script = `import { loadBundle } from ${JSON.stringify(`${root}bin/load-bundle.js`)};
const args = ${JSON.stringify(args)};
const bundle = loadBundle(args);
await bundle.exports.main(['node', 'moat', ...args]);
console.error(JSON.stringify({ cacheUsed: bundle.cacheUsed, tty: process.moduleLoadList.includes('NativeModule tty'), http: process.moduleLoadList.includes('NativeModule http') }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    return JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '{}') as { cacheUsed: boolean; tty: boolean; http: boolean };
  };

  it('compiles with the code caches the build wrote (the whole CLI for a command, main.ts alone for --version)', () => {
    expect(inProcess('--version').cacheUsed).toBe(true);
    expect(inProcess('check', '--format', 'json').cacheUsed).toBe(true);
  });

  // Built-ins only some commands' modules load at their top level: execa (audit, up) loads tty,
  // ws and the HTTP clients (probe, up) load http. Commander itself loads child_process.
  it('evaluates a command only when it runs (--help and check load neither execa nor ws; audit and probe do)', () => {
    expect(inProcess('--help')).toMatchObject({ tty: false, http: false });
    expect(inProcess('check', '--format', 'json')).toMatchObject({ tty: false, http: false });
    expect(inProcess('audit', '--help')).toMatchObject({ tty: true });
    expect(inProcess('probe', '--help')).toMatchObject({ http: true });
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
