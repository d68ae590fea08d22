// Errors that come from the user's environment or input are reported as such,
// with the path and a next step, never as "a bug in moat".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'moat-cli-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let err = '';
beforeEach(() => {
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('file-system errors', () => {
  it('an --out path under a file exits 2 with the path and a hint, not an internal error', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect(await main(['node', 'moat', 'plan', '--out', join(file, 'deploy')])).toBe(2);
    expect(err).toContain(file);
    expect(err).toContain('hint:');
    expect(err).not.toContain('bug in moat');
  });
});
