// Every gateway route through the real nginx, over TLS, from the tailnet peer:
// pages and assets under the prefix, a WebSocket round trip, streamed events
// arriving one by one, a stopped backend failing alone, and reloads of nginx
// and the firewall under load losing no request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../support/lab.js';
import { ADDR } from '../support/lab-net.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
}, 120_000);
afterAll(async () => {
  await lab?.close();
}, 60_000);

interface Get {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  elapsedMs: number;
  error?: string;
}
interface Stream {
  status: number;
  events: { atMs: number; data: string }[];
}

const gw = () => ({ host: ADDR.hostTailnet, port: lab.platform.gateway.listenPort, servername: lab.servername, tls: true });
const get = (path: string) => ({ op: 'get', path, ...gw() });
/** The service a stub answer came from (pages carry data-service, JSON carries service). */
const serviceOf = (body = ''): string | undefined => /data-service="([^"]+)"/.exec(body)?.[1] ?? (/"service":"([^"]+)"/.exec(body)?.[1]);

describe('lab: every route works through the real nginx gateway over TLS to the app stubs', () => {
  it('each route reaches its own backend; rewritten apps get their assets under the prefix', async () => {
    const routes = lab.platform.gateway.routes;
    const results = await lab.client<Get[]>(lab.ns.peer, routes.map((r) => get(`${r.path}/`)));
    const expectedBackend = (service: string): string => (service === 'dify-nginx' ? 'dify-web' : service);
    expect(results.map((r) => r.status)).toEqual(routes.map(() => 200));
    expect(results.map((r) => serviceOf(r.body))).toEqual(routes.map((r) => expectedBackend(r.service)));
    for (const [i, route] of routes.entries()) {
      if (route.prefix !== 'rewrite') continue;
      // The app emits /assets/app.js; behind the prefix that must become /<prefix>/assets/app.js, and load.
      expect(results[i]?.body, route.path).toContain(`src="${route.path}/assets/app.js"`);
      const [asset] = await lab.client<Get[]>(lab.ns.peer, [get(`${route.path}/assets/app.js`)]);
      expect(asset?.status, route.path).toBe(200);
      expect(asset?.headers?.['content-type'], route.path).toContain('javascript');
    }
  });

  it('WebSocket routes carry a round trip to their backend', async () => {
    const ws = lab.platform.gateway.routes.filter((r) => r.websocket);
    expect(ws.length).toBeGreaterThan(0);
    const replies = await lab.client<{ upgraded: boolean; reply?: string }[]>(lab.ns.peer, ws.map((r) => ({ op: 'ws', path: `${r.path}/socket`, send: 'ping', ...gw() })));
    expect(replies.map((r) => r.reply)).toEqual(ws.map((r) => `${r.service}:ping`));
  });

  it('streamed routes deliver events one by one, not buffered', async () => {
    const streaming = lab.platform.gateway.routes.filter((r) => r.streaming);
    expect(streaming.length).toBeGreaterThan(0);
    const interval = 200;
    const streams = await lab.client<Stream[]>(lab.ns.peer, [{ op: 'parallel', ops: streaming.map((r) => ({ op: 'stream', path: `${r.path}/v1/stream?n=5&interval=${interval}`, ...gw() })) }]).then((r) => r[0] as unknown as Stream[]);
    for (const [i, route] of streaming.entries()) {
      const events = streams[i]?.events ?? [];
      expect(events.map((e) => (JSON.parse(e.data) as { i: number }).i), route.path).toEqual([0, 1, 2, 3, 4]);
      // Buffered, they would arrive together at the end; unbuffered, they arrive
      // spread over the ~4 intervals the stub took to send them (half of that
      // leaves room for a busy machine, and is still far from "together").
      const spread = (events.at(-1)?.atMs ?? 0) - (events[0]?.atMs ?? 0);
      expect(spread, `${route.path} spread`).toBeGreaterThan(2 * interval);
    }
  });
});

describe('lab: failure and reload (real nginx and nftables, app stubs)', () => {
  it('a stopped backend fails only its own route, with a 502 within a second', async () => {
    const routes = lab.platform.gateway.routes;
    const victim = routes.find((r) => r.service === 'n8n');
    expect(victim).toBeDefined();
    await lab.stopService('n8n');
    try {
      const results = await lab.client<Get[]>(lab.ns.peer, routes.map((r) => get(`${r.path}/healthz`)));
      for (const [i, route] of routes.entries()) {
        const r = results[i];
        if (route === victim) {
          expect(r?.status, route.path).toBe(502);
          expect(r?.elapsedMs, route.path).toBeLessThan(1000);
        } else {
          expect(r?.status, route.path).toBe(200);
        }
      }
    } finally {
      await lab.startService('n8n');
    }
    const [back] = await lab.client<Get[]>(lab.ns.peer, [get('/n8n/healthz')]);
    expect(back?.status).toBe(200);
  });

  it('reloading nginx and re-applying the firewall while requests run loses none', async () => {
    const accessLog = join(lab.dir, 'gateway/logs/access.log');
    const lines = (): number => readFileSync(accessLog, 'utf8').split('\n').length - 1;
    const paths = lab.platform.gateway.routes.map((r) => `${r.path}/healthz`);
    const count = 800;
    const load = lab.client<[[{ ok: number; failed: number; errors: string[] }, Stream]]>(lab.ns.peer, [
      {
        op: 'parallel',
        ops: [
          { op: 'loop', paths, count, concurrency: 4, pauseMs: 5, ...gw() },
          { op: 'stream', path: '/n8n/v1/stream?n=20&interval=150', ...gw() },
        ],
      },
    ]);
    const before = lines();
    const deadline = Date.now() + 30_000;
    while (lines() < before + 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const atReload = lines();
    expect(atReload).toBeGreaterThanOrEqual(before + 50);
    for (let round = 0; round < 3; round++) {
      lab.reloadGateway();
      lab.applyFirewall();
      await new Promise((r) => setTimeout(r, 300));
    }
    const [[loop, stream]] = await load;
    // Requests ran across the reloads, not only before them.
    expect(lines()).toBeGreaterThan(atReload + 50);
    expect(loop.errors).toEqual([]);
    expect(loop.ok).toBe(count);
    expect(stream.events).toHaveLength(20);
  }, 120_000);
});
