// The sweep's callback lanes against a stand-in for Node's bare TCP binding
// (no sockets): how many connects are in flight, what a timeout, a completion
// and a local failure become, and that every port gets exactly one outcome.
import { describe, expect, it } from 'vitest';
import type { TcpWrap } from '../../src/probe/connect-fast.js';
import { sweepLanes } from '../../src/probe/sweep-lanes.js';

interface Req {
  oncomplete: (status: number) => void;
  address: string;
  port: number;
}

/** A binding whose connects complete with `answer(port)` after `delayMs`, or never when it returns undefined. */
function standIn(answer: (port: number) => number | undefined, delayMs = 1, failConnect?: (port: number) => number) {
  let open = 0;
  let peak = 0;
  let handles = 0;
  const wrap = {
    constants: { SOCKET: 0 },
    TCPConnectWrap: class {
      oncomplete: (status: number) => void = () => undefined;
      address = '';
      port = 0;
    },
    TCP: class {
      closed = false;
      constructor() {
        handles += 1;
      }
      connect(req: Req, _address: string, port: number): number {
        const sync = failConnect?.(port) ?? 0;
        if (sync !== 0) return sync;
        open += 1;
        peak = Math.max(peak, open);
        const status = answer(port);
        if (status !== undefined) setTimeout(() => !this.closed && req.oncomplete(status), delayMs);
        return 0;
      }
      connect6(): number {
        return -22;
      }
      bind(): number {
        return 0;
      }
      bind6(): number {
        return 0;
      }
      getsockname(out: { address?: string; port?: number }): number {
        out.address = '127.0.0.1';
        out.port = 40000;
        return 0;
      }
      getpeername(out: { address?: string; port?: number }): number {
        out.address = '127.0.0.2';
        out.port = 1;
        return 0;
      }
      close(): void {
        if (!this.closed) open -= 1;
        this.closed = true;
      }
    },
  };
  return { wrap: wrap as unknown as TcpWrap, peak: () => peak, open: () => open, handles: () => handles };
}

const ECONNREFUSED = -111;
const EADDRNOTAVAIL = -99;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
const base = { host: '127.0.0.2', timeoutMs: 30, localRetryMs: 1, localRetries: 3 } as const;

describe('sweepLanes (stand-in binding, no sockets)', () => {
  it('never has more connects in flight than the concurrency, and closes every handle', async () => {
    const fake = standIn(() => undefined);
    const out = await sweepLanes(fake.wrap, { ...base, ports: range(500), concurrency: 64 });
    expect(out).toHaveLength(500);
    expect(out.every((o) => o.state === 'filtered')).toBe(true);
    expect(fake.peak()).toBe(64);
    expect(fake.open()).toBe(0);
  });

  it('gives each port its own outcome in port order: open, closed (refused), filtered (no answer)', async () => {
    const fake = standIn((port) => (port % 3 === 0 ? 0 : port % 3 === 1 ? ECONNREFUSED : undefined));
    const ports = range(90);
    const out = await sweepLanes(fake.wrap, { ...base, ports, concurrency: 16 });
    expect(out.map((o) => o.state)).toEqual(ports.map((p) => (p % 3 === 0 ? 'open' : p % 3 === 1 ? 'closed' : 'filtered')));
    expect(fake.open()).toBe(0);
  });

  it('retries a local failure and reports it as local only once the retries are spent', async () => {
    let failures = 0;
    // Port 7 fails twice then works; port 9 always fails.
    const fake = standIn(
      () => 0,
      1,
      (port) => (port === 9 || (port === 7 && failures++ < 2) ? EADDRNOTAVAIL : 0),
    );
    const out = await sweepLanes(fake.wrap, { ...base, ports: range(10), concurrency: 4 });
    expect(out[6]?.state).toBe('open');
    expect(out[8]).toMatchObject({ state: 'local', code: 'EADDRNOTAVAIL' });
    expect(out.filter((o) => o.state === 'open')).toHaveLength(9);
  });

  it('an empty port list resolves at once', async () => {
    const fake = standIn(() => 0);
    expect(await sweepLanes(fake.wrap, { ...base, ports: [], concurrency: 8 })).toEqual([]);
    expect(fake.handles()).toBe(0);
  });
});
