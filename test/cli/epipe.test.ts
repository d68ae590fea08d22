// `moat … | head`: a reader that closes the pipe early must not make moat
// print a stack trace (Node's unhandled EPIPE); moat stops quietly.
import { execFileSync, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

describe('the bundled CLI writing into a closed pipe', () => {
  it('stops quietly when the reader goes away (moat check --format json | head -c 0)', async () => {
    execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: root });
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
