// The one way `moat host init` runs a program: argv (never a shell line),
// the environment it was given, input on stdin. Tests give it a PATH with stub
// executables, or another Runner altogether.
import { execFile } from 'node:child_process';

export interface RunResult {
  /** The exit code; 127 when the program is not on PATH. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Runner {
  run(argv: readonly string[], options?: { readonly env?: Readonly<Record<string, string>> }): Promise<RunResult>;
}

/** Runs programs for real, found on `env.PATH` (default: this process's environment). */
export function systemRunner(baseEnv: Readonly<Record<string, string | undefined>> = process.env): Runner {
  return {
    run(argv, options = {}) {
      const [file, ...args] = argv;
      if (file === undefined) return Promise.resolve({ code: 127, stdout: '', stderr: 'nothing to run' });
      return new Promise((resolve) => {
        execFile(file, args, { env: { ...baseEnv, ...options.env }, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
          if (!error) return resolve({ code: 0, stdout, stderr });
          const code =
            (error as NodeJS.ErrnoException).code === 'ENOENT'
              ? 127
              : typeof (error as { code?: unknown }).code === 'number'
                ? (error as { code: number }).code
                : 1;
          resolve({ code, stdout: stdout ?? '', stderr: code === 127 ? `${file}: not found on PATH` : (stderr ?? '') });
        });
      });
    },
  };
}
