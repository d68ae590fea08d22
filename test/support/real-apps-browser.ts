// The test side of test/apps/browser-driver.ts: starts the driver inside the
// namespace (so Chromium's traffic never leaves it) and sends it commands.

import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CHROMIUM_PATH } from './chromium.js';
import { type AppNamespace, REPO, TAILNET_NAME, TAILSCALE_ADDRESS } from './real-apps.js';

export interface FailedRequest {
  readonly url: string;
  readonly status?: number;
  readonly error?: string;
  readonly method: string;
}
export interface ConsoleError {
  readonly text: string;
  readonly url?: string;
}
export interface DriverSocket {
  readonly url: string;
  readonly frames: readonly string[];
  readonly closed: boolean;
  readonly error?: string;
}
export interface PageSocket {
  readonly url: string;
  readonly opened: boolean;
  readonly openedAt: number;
  readonly closed: {
    code: number;
    reason: string;
    wasClean: boolean;
    at: number;
  } | null;
  readonly received: readonly string[];
}
export interface BrowserEvents {
  readonly failedRequests: readonly FailedRequest[];
  readonly consoleErrors: readonly ConsoleError[];
  readonly sockets: readonly DriverSocket[];
  readonly pageSockets: readonly PageSocket[];
}

export interface Browser {
  readonly pid: number;
  send<T = unknown>(op: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** What the driver recorded so far; `clear` starts a new record of failures (sockets are kept). */
  events(clear?: boolean): Promise<BrowserEvents>;
  close(): Promise<void>;
  stderr(): string;
}

export const SCREENSHOTS = join(REPO, 'test-artifacts/screenshots');

/** base64(SHA-256(SubjectPublicKeyInfo)) of a PEM certificate, the form Chromium's SPKI allow-list takes. */
export function spkiHash(certFile: string): string {
  const pem = new X509Certificate(readFileSync(certFile)).publicKey.export({
    type: 'spki',
    format: 'der',
  });
  return createHash('sha256').update(pem).digest('base64');
}

export async function startBrowser(ns: AppNamespace, gatewayCert: string): Promise<Browser> {
  const job = {
    executablePath: CHROMIUM_PATH,
    hostResolverRules: `MAP ${TAILNET_NAME} ${TAILSCALE_ADDRESS}`,
    spki: spkiHash(gatewayCert),
    userDataDir: join(ns.dir, 'chromium-profile'),
  };
  const child: ChildProcess = spawn(
    'ip',
    ['netns', 'exec', ns.name, join(REPO, 'node_modules/.bin/tsx'), join(REPO, 'test/apps/browser-driver.ts'), JSON.stringify(job)],
    {
      cwd: REPO,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: ns.dir },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  if (child.pid === undefined || !child.stdin || !child.stdout) throw new Error('could not start the browser driver');
  const pid = child.pid;
  ns.pids.add(pid);
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err = (err + c.toString('utf8')).slice(-20_000);
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let exited = false;
  child.once('exit', (code) => {
    exited = true;
    for (const p of pending.values()) p.reject(new Error(`the browser driver exited (${String(code)}): ${err.slice(-3000)}`));
    pending.clear();
  });
  const ready = new Promise<void>((resolve, reject) => pending.set(0, { resolve: () => resolve(), reject }));
  createInterface({ input: child.stdout }).on('line', (line) => {
    let msg: { id: number; ok: boolean; value?: unknown; error?: string };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return; // a stray line from a library
    }
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(new Error(msg.error ?? 'browser command failed'));
  });
  const timer = setTimeout(() => pending.get(0)?.reject(new Error(`the browser did not start in 60s: ${err.slice(-3000)}`)), 60_000);
  await ready;
  clearTimeout(timer);
  let next = 1;
  const send = <T>(op: string, args: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<T> => {
    if (exited) return Promise.reject(new Error(`the browser driver has exited: ${err.slice(-3000)}`));
    const id = next++;
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`browser ${op} timed out after ${timeoutMs / 1000}s`));
      }, timeoutMs);
      pending.set(id, {
        resolve: (v) => {
          clearTimeout(t);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(t);
          reject(e);
        },
      });
      child.stdin?.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  };
  return {
    pid,
    send,
    events: (clear = false) => send<BrowserEvents>('events', { clear }),
    close: async () => {
      if (!exited) await send('close', {}, 30_000).catch(() => undefined);
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
      ns.pids.delete(pid);
    },
    stderr: () => err,
  };
}
