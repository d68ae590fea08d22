// Starts the moat CLI in namespaces of its own (see isolated-moat.ts).
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

export function isolated(setup: readonly string[], args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'unshare',
      ['-n', '-m', process.execPath, '--import', 'tsx', join(ROOT, 'test/probe/isolated-moat.ts'), ...setup, '--', ...args],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}
