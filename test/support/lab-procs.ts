// Long-running lab processes (stubs, nginx, wireguard-go), each started inside
// a lab namespace and remembered by PID. Stopping kills exactly those PIDs;
// the PIDs are also written to the lab directory so scripts/lab-clean.sh can
// finish the job after a crash.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabNs } from './lab-net.js';

export interface LabProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything the process printed, for error messages. */
  output(): string;
  /** Resolves with the first stdout line that matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export function startInNs(dir: string, ns: LabNs, name: string, cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): LabProcess {
  // `ip netns exec` execs the command in place: the PID is the command's.
  const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // Node resolves `--import tsx` from the working directory: the repository.
    cwd: process.cwd(),
    env: { ...process.env, ...env },
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  appendFileSync(join(dir, 'pids'), `${child.pid} ${name}\n`);
  let out = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  // Lines nobody waited for yet: a waiter registered late still sees them.
  const unclaimed: string[] = [];
  let partial = '';
  const onData = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    out += text;
    if (out.length > 200_000) out = out.slice(-100_000);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const w = waiters.find((x) => x.pattern.test(line));
      if (w) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      } else if (unclaimed.length < 1000) {
        unclaimed.push(line);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stdin?.on('error', () => undefined);
  const pid = child.pid;
  return {
    name,
    pid,
    child,
    output: () => out,
    waitFor(pattern, timeoutMs = 20_000) {
      const seen = unclaimed.findIndex((line) => pattern.test(line));
      if (seen >= 0) return Promise.resolve(unclaimed.splice(seen, 1)[0] ?? '');
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${out}`)), timeoutMs);
        const exit = (code: number | null): void => reject(new Error(`${name} exited (${code}) before printing ${pattern}:\n${out}`));
        child.once('exit', exit);
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            child.off('exit', exit);
            resolve(line);
          },
        });
      });
    },
  };
}

/** Stops a process by its PID (TERM, then KILL), and waits for it to exit. */
export async function stopProcess(p: LabProcess, graceMs = 3000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => p.child.once('exit', () => resolve()));
  p.child.stdin?.end();
  try {
    process.kill(p.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(describe());
    await new Promise((r) => setTimeout(r, 250));
  }
}
