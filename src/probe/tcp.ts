// TCP connect sweep. On a default-drop host every closed port is a timeout, so
// the sweep is a sliding window of connects with a short timeout: the run time
// is about ports / concurrency × timeout. Ports that answered are connected to
// again before they are reported, so one lucky race cannot make a port "open".
import net from 'node:net';
import { tcpBinding } from './connect-fast.js';
import { type Attempt, classifyError, type Outcome, ProbeRuntimeError } from './errors.js';
import { sweepLanes } from './sweep-lanes.js';

export type { Attempt } from './errors.js';
/** `unreachable`: the connect failed with a network error (no route, network
 * down, ...): the target's firewall was never asked. */
export type TcpState = Exclude<Attempt, 'local'>;

export interface TcpSweepOptions {
  readonly host: string;
  readonly ports: readonly number[];
  /** How many connects may be in flight at once. */
  readonly concurrency?: number;
  /** Milliseconds before an unanswered connect counts as filtered. */
  readonly timeoutMs?: number;
  /** Extra connects to a port that answered, each of which must succeed too. */
  readonly reprobes?: number;
  /** Bind the source address (useful when the vantage has several). */
  readonly localAddress?: string;
  /** Ports expected open: when the sweep saw no answer, they are tried again
   * with a generous timeout before being reported closed (a difference is
   * confirmed before it is reported, in both directions). */
  readonly recheck?: readonly number[] | (() => readonly number[]);
  /** `socket` forces net.Socket; `auto` (default) uses the bare TCP handle in callback lanes (sweep-lanes.ts) when this Node has it. */
  readonly engine?: 'auto' | 'socket';
  /** How the target is named in errors (the name the user gave); default `host`. */
  readonly label?: string;
}

export interface TcpSweepResult {
  readonly host: string;
  readonly open: readonly number[];
  /** Ports that answered with a reset (a host that rejects rather than drops). */
  readonly closed: number;
  readonly filtered: number;
  /** Ports whose connect failed with a network error: not judged either way. */
  readonly unreachable: number;
  /** How many ports failed with each error code (ENETUNREACH, ...). */
  readonly errors: Readonly<Record<string, number>>;
  /** Ports that answered once but not on the re-probe: reported, never counted open. */
  readonly flaky: readonly number[];
  readonly durationMs: number;
}

export const DEFAULT_CONCURRENCY = 4000;
export const DEFAULT_TIMEOUT_MS = 1000;
const LOCAL_RETRIES = 100;
const LOCAL_RETRY_MS = 20;

/** One connect attempt. Self-connects (local = remote endpoint) are not open ports. */
export const connectOnce = async (host: string, port: number, timeoutMs: number, localAddress?: string, localPort?: number): Promise<Attempt> =>
  (await connectSocket(host, port, timeoutMs, localAddress, localPort)).state;

function connectSocket(host: string, port: number, timeoutMs: number, localAddress?: string, localPort?: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, ...(localAddress ? { localAddress } : {}), ...(localPort ? { localPort } : {}) });
    let settled = false;
    const done = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    // Timers run before the poll phase of the event loop: under load a connect
    // may have completed without its callback having run yet. Give pending I/O
    // one poll pass (setImmediate runs after it) before calling a port filtered.
    const timer = setTimeout(() => setImmediate(() => done({ state: 'filtered' })), timeoutMs);
    socket.once('connect', () => {
      // A connect to a free ephemeral port on the same host can succeed against
      // itself (TCP simultaneous open); that is not a listening service.
      const self = socket.localAddress === socket.remoteAddress && socket.localPort === socket.remotePort;
      done({ state: self ? 'closed' : 'open' });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => done(classifyError(error.code ?? error.message)));
  });
}

/** Runs `worker` over `items` with at most `limit` in flight, keeping order of results. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, worker: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await worker(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}

export async function tcpSweep(options: TcpSweepOptions): Promise<TcpSweepResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const reprobes = options.reprobes ?? 1;
  const label = options.label ?? options.host;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const wrap = options.engine !== 'socket' ? tcpBinding() : undefined;
  const outcomes = wrap
    ? await sweepLanes(wrap, {
        host: options.host,
        ports: options.ports,
        concurrency,
        timeoutMs,
        localRetryMs: LOCAL_RETRY_MS,
        localRetries: LOCAL_RETRIES,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      })
    : await mapBounded(options.ports, concurrency, async (port) => {
        // A local failure is retried (other connects finish and free what it
        // lacked); a port is never called filtered because this machine ran short.
        for (let attempt = 0; ; attempt++) {
          const outcome = await connectSocket(options.host, port, timeoutMs, options.localAddress);
          if (outcome.state !== 'local' || attempt >= LOCAL_RETRIES) return outcome;
          await new Promise((r) => setTimeout(r, LOCAL_RETRY_MS));
        }
      });
  const stuck = outcomes.findIndex((o) => o.state === 'local');
  if (stuck >= 0) {
    throw new ProbeRuntimeError(
      `this machine cannot open connections (${outcomes[stuck]?.code ?? 'local error'} on every try) while probing ${label}:${options.ports[stuck]}`,
      `lower --concurrency (default ${DEFAULT_CONCURRENCY}), or raise \`ulimit -n\` and the source port range (net.ipv4.ip_local_port_range)`,
    );
  }
  const states: TcpState[] = outcomes.map((o) => o.state as TcpState);
  const errors = countCodes(outcomes);
  if (options.ports.length > 0 && states.every((s) => s === 'unreachable')) throw noRoute(label, options.host, errors, options.ports.length, 'port');
  const candidates = options.ports.filter((_, i) => states[i] === 'open');
  const swept = new Map(options.ports.map((port, i) => [port, states[i]] as const));
  const rechecked: Outcome[] = [];
  const recheck = typeof options.recheck === 'function' ? options.recheck() : (options.recheck ?? []);
  for (const port of recheck) {
    const state = swept.get(port);
    if (state === undefined || state === 'open') continue;
    const outcome = await connectSocket(options.host, port, Math.max(timeoutMs, 3000), options.localAddress);
    rechecked.push(outcome);
    if (outcome.state === 'open') {
      candidates.push(port);
      states[options.ports.indexOf(port)] = 'open';
    }
  }
  // The expected ports are what this vantage is judged on: when none of them
  // could be reached on the second look, the route went away during the sweep.
  if (rechecked.length > 0 && rechecked.every((o) => o.state === 'unreachable'))
    throw noRoute(label, options.host, countCodes(rechecked), rechecked.length, 'expected port');
  const open: number[] = [];
  const flaky: number[] = [];
  for (const port of candidates) {
    let ok = true;
    for (let i = 0; i < reprobes && ok; i++) {
      // A re-probe gets a generous timeout: the sweep is over, nothing competes.
      // The re-probe uses net.Socket on purpose: a second, independent implementation.
      ok = (await connectSocket(options.host, port, Math.max(timeoutMs, 2000), options.localAddress)).state === 'open';
    }
    (ok ? open : flaky).push(port);
  }
  return {
    host: options.host,
    open: open.sort((a, b) => a - b),
    closed: states.filter((s) => s === 'closed').length,
    filtered: states.filter((s) => s === 'filtered').length,
    unreachable: states.filter((s) => s === 'unreachable').length,
    errors,
    flaky,
    durationMs: Math.round(performance.now() - started),
  };
}

function countCodes(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) if (o.state === 'unreachable' && o.code) counts[o.code] = (counts[o.code] ?? 0) + 1;
  return counts;
}

/** "2 ENETUNREACH, 1 EHOSTUNREACH" */
export function describeCodes(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${n} ${code}`)
    .join(', ');
}

function noRoute(label: string, address: string, codes: Readonly<Record<string, number>>, tried: number, what: string): ProbeRuntimeError {
  return new ProbeRuntimeError(
    `no route to ${label} (${describeCodes(codes)}: every one of ${tried} ${what}${tried === 1 ? '' : 's'} failed with a network error, so nothing was observed)`,
    `check that this machine can reach ${label} from this vantage point (\`ip route get ${address}\`, the interface is up, no local firewall rejects it) and that ${label} is the address seen from here`,
  );
}

/** Parses `22,80,8000-8100` or `all` / `-` (1-65535). */
export function parsePortList(spec: string): number[] {
  if (spec === 'all' || spec === '-') return Array.from({ length: 65535 }, (_, i) => i + 1);
  const ports = new Set<number>();
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) throw new Error(`not a port or range: "${part}"`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from < 1 || to > 65535 || from > to) throw new Error(`port range out of 1-65535: "${part}"`);
    for (let p = from; p <= to; p++) ports.add(p);
  }
  return [...ports].sort((a, b) => a - b);
}
