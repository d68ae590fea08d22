// Every gateway route through the real nginx, over TLS, from the tailnet peer:
// apps under a path on the main origin (8443), apps without base-path support
// on their own origins (8444, 8445: served at /, reached from their path by a
// redirect), a WebSocket round trip, streamed events arriving one by one, a
// stopped backend failing alone, and reloads of nginx and the firewall under
// load losing no request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../support/lab.js';
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
type Route = Lab['platform']['gateway']['routes'][number];

const gw = (port = lab.platform.gateway.listenPort) => ({ host: ADDR.hostTailnet, port, servername: lab.servername, tls: true });
const get = (path: string, port?: number) => ({ op: 'get', path, ...gw(port) });
const onOwnOrigin = (r: Route): boolean => r.servedAt === 'origin';
/** Where a route's app answers: at / of its own origin, or under its path on the main origin. */
function home(r: Route): { port: number; base: string } {
  // The console's route is / itself: its base is the empty prefix, not a second slash.
  if (!onOwnOrigin(r)) return { port: lab.platform.gateway.listenPort, base: r.path.replace(/\/+$/, '') };
  if (r.originPort === undefined) throw new Error(`${r.path} is served at its own origin but has no originPort`);
  return { port: r.originPort, base: '' };
}
/** A request for `sub` (starting with /) of a route's app, wherever it is served. */
const appGet = (r: Route, sub: string) => get(`${home(r).base}${sub}`, home(r).port);
/** The service a stub answer came from (pages carry data-service, JSON carries service). */
const serviceOf = (body = ''): string | undefined => /data-service="([^"]+)"/.exec(body)?.[1] ?? /"service":"([^"]+)"/.exec(body)?.[1];
const expectedBackend = (service: string): string => (service === 'dify-nginx' ? 'dify-web' : service);

describe('lab: every route works through the real nginx gateway over TLS to the app stubs', () => {
  it('each route reaches its own backend: apps under a path on 8443, the others at / of their own origin', async () => {
    const routes = lab.platform.gateway.routes;
    // The reference has both kinds; without them this test would prove less than it says.
    expect(routes.filter(onOwnOrigin).map((r) => [r.path, r.originPort])).toEqual([
      ['/anythingllm', 8444],
      ['/dify', 8445],
    ]);
    expect(routes.filter((r) => !onOwnOrigin(r)).map((r) => r.path)).toEqual(['/clawdbot', '/n8n', '/']);
    const results = await lab.client<Get[]>(
      lab.ns.peer,
      routes.map((r) => appGet(r, '/')),
    );
    expect(results.map((r) => r.status)).toEqual(routes.map(() => 200));
    expect(results.map((r) => serviceOf(r.body))).toEqual(routes.map((r) => expectedBackend(r.service)));
  });

  it('an own-origin app answers its path on 8443 with a 301 to its origin, and is served there at / with its assets unrewritten', async () => {
    for (const route of lab.platform.gateway.routes.filter(onOwnOrigin)) {
      const origin = `https://${lab.servername}:${route.originPort}`;
      const [slash, bare, deep] = await lab.client<Get[]>(lab.ns.peer, [get(`${route.path}/`), get(route.path), get(`${route.path}/x/y?q=1`)]);
      expect(slash?.status, route.path).toBe(301);
      expect(slash?.headers?.['location'], route.path).toBe(`${origin}/`);
      expect(bare?.status, route.path).toBe(301);
      expect(bare?.headers?.['location'], route.path).toBe(`${origin}/`);
      expect(deep?.status, route.path).toBe(301);
      expect(deep?.headers?.['location'], route.path).toBe(`${origin}/x/y?q=1`);
      // The redirect itself reaches no backend.
      expect(serviceOf(slash?.body), route.path).toBeUndefined();
      // At its origin the app's page is served as the app wrote it: its absolute asset paths load as they are.
      const [page, asset] = await lab.client<Get[]>(lab.ns.peer, [get('/', route.originPort), get('/assets/app.js', route.originPort)]);
      expect(page?.status, route.path).toBe(200);
      expect(serviceOf(page?.body), route.path).toBe(expectedBackend(route.service));
      expect(page?.body, route.path).toContain('src="/assets/app.js"');
      expect(page?.body, route.path).not.toContain(`${route.path}/assets`);
      expect(asset?.status, route.path).toBe(200);
      expect(asset?.headers?.['content-type'], route.path).toContain('javascript');
      expect(asset?.body, route.path).toContain(JSON.stringify(expectedBackend(route.service)));
    }
  });

  it('an own origin serves only its own app, and the main origin none of them at /: there is the console', async () => {
    const own = lab.platform.gateway.routes.filter(onOwnOrigin);
    const answers = await lab.client<Get[]>(
      lab.ns.peer,
      own.map((r) => get('/api/whoami', r.originPort)),
    );
    expect(answers.map((a) => serviceOf(a.body))).toEqual(own.map((r) => (r.service === 'dify-nginx' ? 'dify-api' : r.service)));
    const [main, elsewhere] = await lab.client<Get[]>(lab.ns.peer, [get('/'), get('/api/whoami')]);
    expect(main?.status).toBe(200);
    expect(serviceOf(main?.body)).toBe('console');
    expect(serviceOf(elsewhere?.body)).toBe('console');
  });

  it('WebSocket routes carry a round trip to their backend', async () => {
    const ws = lab.platform.gateway.routes.filter((r) => r.websocket);
    expect(ws.length).toBeGreaterThan(0);
    const replies = await lab.client<{ upgraded: boolean; reply?: string }[]>(
      lab.ns.peer,
      ws.map((r) => ({ op: 'ws', path: `${home(r).base}/socket`, send: 'ping', ...gw(home(r).port) })),
    );
    expect(replies.map((r) => r.reply)).toEqual(ws.map((r) => `${expectedBackend(r.service)}:ping`));
  });

  it("the native route's WebSocket at its bare path (no trailing slash) is proxied, not redirected", async () => {
    const native = lab.platform.gateway.routes.filter((r) => r.prefix === 'native' && r.websocket);
    expect(native.length).toBeGreaterThan(0);
    const replies = await lab.client<{ upgraded: boolean; reply?: string }[]>(
      lab.ns.peer,
      native.map((r) => ({ op: 'ws', path: r.path, send: 'ping', ...gw() })),
    );
    expect(replies.map((r) => r.reply)).toEqual(native.map((r) => `${r.service}:ping`));
  });

  it('a strip route passes the raw URI on: the prefix goes, an encoded slash stays encoded', async () => {
    const strip = lab.platform.gateway.routes.filter((r) => r.prefix === 'strip');
    expect(strip.length).toBeGreaterThan(0);
    const answers = await lab.client<Get[]>(
      lab.ns.peer,
      strip.map((r) => get(`${r.path}/webhook/a%2Fb?x=1`)),
    );
    for (const [i, route] of strip.entries()) {
      const body = JSON.parse(answers[i]?.body ?? '{}') as { service?: string; path?: string; query?: string; headers?: Record<string, string> };
      expect(body.service, route.path).toBe(route.service);
      expect(body.path, route.path).toBe('/webhook/a%2Fb');
      expect(body.query, route.path).toBe('?x=1');
      // The port stays in the forwarded host (n8n compares it with the Origin of its pushes).
      expect(body.headers?.['x-forwarded-host'], route.path).toBe(`${lab.servername}:${lab.platform.gateway.listenPort}`);
    }
  });

  it('streamed routes deliver events one by one, not buffered', async () => {
    const streaming = lab.platform.gateway.routes.filter((r) => r.streaming);
    expect(streaming.length).toBeGreaterThan(0);
    const interval = 200;
    const streams = await lab
      .client<Stream[]>(lab.ns.peer, [
        { op: 'parallel', ops: streaming.map((r) => ({ op: 'stream', path: `${home(r).base}/v1/stream?n=5&interval=${interval}`, ...gw(home(r).port) })) },
      ])
      .then((r) => r[0] as unknown as Stream[]);
    for (const [i, route] of streaming.entries()) {
      const events = streams[i]?.events ?? [];
      expect(
        events.map((e) => (JSON.parse(e.data) as { i: number }).i),
        route.path,
      ).toEqual([0, 1, 2, 3, 4]);
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
      const results = await lab.client<Get[]>(
        lab.ns.peer,
        routes.map((r) => appGet(r, '/healthz')),
      );
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
    const routes = lab.platform.gateway.routes;
    const paths = routes.filter((r) => !onOwnOrigin(r)).map((r) => `${home(r).base}/healthz`);
    const origins = [...new Set(routes.filter(onOwnOrigin).map((r) => home(r).port))];
    const count = 800;
    const originCount = 200;
    const load = lab.client<[[{ ok: number; failed: number; errors: string[] }, Stream, ...{ ok: number; failed: number; errors: string[] }[]]]>(lab.ns.peer, [
      {
        op: 'parallel',
        ops: [
          { op: 'loop', paths, count, concurrency: 4, pauseMs: 5, ...gw() },
          { op: 'stream', path: '/n8n/v1/stream?n=20&interval=150', ...gw() },
          ...origins.map((port) => ({ op: 'loop', paths: ['/healthz', '/assets/app.js'], count: originCount, concurrency: 2, pauseMs: 10, ...gw(port) })),
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
    const [[loop, stream, ...originLoops]] = await load;
    // Requests ran across the reloads, not only before them.
    expect(lines()).toBeGreaterThan(atReload + 50);
    expect(loop.errors).toEqual([]);
    expect(loop.ok).toBe(count);
    expect(stream.events).toHaveLength(20);
    expect(originLoops.map((l) => l.errors)).toEqual(origins.map(() => []));
    expect(originLoops.map((l) => l.ok)).toEqual(origins.map(() => originCount));
  }, 120_000);
});
