// The TCP sweep against real listeners on loopback.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnect, tcpBinding } from '../../src/probe/connect-fast.js';
import { ProbeRuntimeError } from '../../src/probe/errors.js';
import { connectOnce, mapBounded, parsePortList, tcpSweep } from '../../src/probe/tcp.js';

// The test's own loopback address: other processes on this machine listen on
// 127.0.0.1, so the sweep covers only ports this test knows the state of.
const HOST = '127.77.1.1';
const servers: net.Server[] = [];
const listen = (): Promise<number> =>
  new Promise((resolve) => {
    const server = net.createServer((s) => s.destroy());
    servers.push(server);
    server.listen(0, HOST, () => resolve((server.address() as net.AddressInfo).port));
  });
const freePort = async (): Promise<number> => {
  const port = await listen();
  await new Promise<void>((r) => servers.pop()?.close(() => r()));
  return port;
};

let a = 0;
let b = 0;
const closed: number[] = [];
beforeAll(async () => {
  for (let i = 0; i < 400; i++) closed.push(await freePort());
  a = await listen();
  b = await listen();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

describe('tcpSweep', () => {
  for (const engine of ['auto', 'socket'] as const) {
    it(`finds exactly the listening ports in a range (${engine} engine)`, async () => {
      const ports = [...new Set([...closed, a, b])].sort((x, y) => x - y);
      const result = await tcpSweep({ host: HOST, ports, concurrency: 200, timeoutMs: 2000, engine });
      expect(result.open).toEqual([a, b].sort((x, y) => x - y));
      // Loopback resets closed ports: nothing may time out here.
      expect(result.filtered).toBe(0);
      expect(result.closed).toBe(ports.length - 2);
    });
  }

  for (const engine of ['auto', 'socket'] as const) {
    it(`a local failure that never clears stops the sweep with a hint to lower --concurrency, not an internal error (${engine} engine)`, async () => {
      // Binding a source address this machine does not have fails with
      // EADDRNOTAVAIL before any packet is sent: the same error as running out
      // of source ports, but it never clears.
      const sweep = tcpSweep({ host: HOST, ports: [a], timeoutMs: 2000, localAddress: '192.0.2.77', engine });
      await expect(sweep).rejects.toBeInstanceOf(ProbeRuntimeError);
      await expect(sweep).rejects.toMatchObject({ message: expect.stringContaining('EADDRNOTAVAIL'), hint: expect.stringContaining('lower --concurrency') });
    }, 20_000);
  }

  it('does not report a self-connect as an open port', async () => {
    const port = await freePort();
    // Connecting from port P to the same address and port P makes TCP connect to itself.
    const raw = await new Promise<{ connected: boolean; self: boolean }>((resolve) => {
      const s = net.connect({ host: HOST, port, localAddress: HOST, localPort: port });
      s.once('connect', () => {
        resolve({ connected: true, self: s.localPort === s.remotePort });
        s.destroy();
      });
      s.once('error', () => resolve({ connected: false, self: false }));
    });
    expect(raw).toEqual({ connected: true, self: true });
    expect(await connectOnce(HOST, port, 2000, HOST, port)).toBe('closed');
    const wrap = tcpBinding();
    expect(wrap, 'this Node has the bare TCP handle').toBeDefined();
    if (!wrap) return;
    const fast = await new Promise<string>((resolve) => startConnect(wrap, HOST, port, (o) => resolve(o.state), HOST, port));
    expect(fast).toBe('closed');
  });
});

describe('parsePortList', () => {
  it('parses lists, ranges and all', () => {
    expect(parsePortList('22, 80,8000-8002')).toEqual([22, 80, 8000, 8001, 8002]);
    expect(parsePortList('all')).toHaveLength(65535);
  });
  it('rejects what is not a port', () => {
    expect(() => parsePortList('0-10')).toThrow(/1-65535/);
    expect(() => parsePortList('http')).toThrow(/not a port/);
  });
});

describe('mapBounded', () => {
  it('never runs more than the limit at once and keeps order', async () => {
    let active = 0;
    let peak = 0;
    const out = await mapBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      return n * 2;
    });
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(peak).toBe(3);
  });
});
