// Runs the moat CLI in process and captures what it prints, for CLI tests.
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export interface MoatRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runMoat(...args: string[]): Promise<MoatRun> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  try {
    const code = await main(['node', 'moat', ...args]);
    return { code, out, err };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}
