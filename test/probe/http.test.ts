// HTTP, stream and WebSocket checks against the lab's app stub on loopback.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Endpoint, httpGet, readStream, tryWebSocket } from '../../src/probe/http.js';
import { type Running, startService, stop } from '../support/lab-stubs.js';

let running: Running;
let endpoint: Endpoint;
beforeAll(async () => {
  const probe = net.createServer();
  const port = await new Promise<number>((r) => probe.listen(0, '127.0.0.1', () => r((probe.address() as net.AddressInfo).port)));
  await new Promise((r) => probe.close(r));
  running = await startService({ name: 'n8n', address: '127.0.0.1', ports: [port], healthPath: '/healthz' });
  endpoint = { host: '127.0.0.1', port, tls: false };
});
afterAll(() => stop(running));

describe('probe HTTP checks against the app stub', () => {
  it('httpGet returns status, headers and body', async () => {
    const r = await httpGet(endpoint, '/healthz');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body)).toEqual({ status: 'ok', service: 'n8n' });
  });
  it('readStream timestamps each SSE event as it arrives', async () => {
    const seen: string[] = [];
    const r = await readStream(endpoint, '/v1/stream?n=4&interval=100', 10_000, (d) => seen.push(d));
    expect(r.events.map((e) => (JSON.parse(e.data) as { i: number }).i)).toEqual([0, 1, 2, 3]);
    expect(seen).toHaveLength(4);
    // Sent over ~300 ms: arrival times must spread out, not bunch at the end.
    expect((r.events.at(-1)?.atMs ?? 0) - (r.events[0]?.atMs ?? 0)).toBeGreaterThan(150);
  });
  it('tryWebSocket upgrades and carries one round trip', async () => {
    expect(await tryWebSocket(endpoint, '/socket', 'hello')).toMatchObject({ upgraded: true, reply: 'n8n:hello' });
  });
  it('tryWebSocket reports a refused upgrade with its status', async () => {
    const plain = net.createServer((s) => s.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n'));
    const port = await new Promise<number>((r) => plain.listen(0, '127.0.0.1', () => r((plain.address() as net.AddressInfo).port)));
    try {
      expect(await tryWebSocket({ host: '127.0.0.1', port, tls: false }, '/')).toMatchObject({ upgraded: false, status: 404 });
    } finally {
      plain.close();
    }
  });
});
