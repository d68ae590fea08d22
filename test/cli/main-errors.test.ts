// Errors that come from the user's environment or input are reported as such,
// with the path and a next step, never as "a bug in moat".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMoat } from '../support/run-moat.js';

const dir = mkdtempSync(join(tmpdir(), 'moat-cli-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file-system errors', () => {
  it('an --out path under a file exits 2 with the path and a hint, not an internal error', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const { code, err } = await runMoat('plan', '--out', join(file, 'deploy'));
    expect(code).toBe(2);
    expect(err).toContain(file);
    expect(err).toContain('hint:');
    expect(err).not.toContain('bug in moat');
  });
});
