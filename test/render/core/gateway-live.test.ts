// The rendered gateway config running in the real nginx on loopback, against
// stub upstreams (test names say so). The test copy changes only what a
// loopback run forces: listen ports, the upstreams' static addresses (each
// `server 172.20.0.x:port;` becomes a stub's loopback port), file paths.
// Asserted: unknown names and paths are refused; the main origin strips or
// keeps prefixes as each route says and passes the raw URI; an app without
// base-path support lives at / of its own origin and its reference path
// redirects there; WebSocket at the exact URL a UI opens; the port survives
// in Host and X-Forwarded-Host; upstream connections are reused; a down
// upstream gives 502 for its route only.
import { rmSync } from 'node:fs';
import { request } from 'node:https';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { renderGatewayNginx } from '../../../src/render/gateway-nginx.js';
import { freePort } from '../../support/free-port.js';
import { goldenPlatform } from '../../support/golden.js';
import { type NginxDir, nginxDir, nginxVersion, startNginx, testCopy, writeConf } from './nginx-support.js';
import { startUpstream, type Upstream } from './stubs.js';

const HOST = 'ai-platform.example.ts.net';
let d: NginxDir | undefined;
const upstreams: Upstream[] = [];
let stopNginx: (() => Promise<unknown>) | undefined;
/** Rendered port → loopback port of the test copy. */
const ports = new Map<number, number>();
let healthPort = 0;
let anything: Upstream;
let n8n: Upstream;
let claw: Upstream;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const port = (rendered: number): number => ports.get(rendered) ?? 0;

function get(path: string, options: { host?: string; origin?: number; headers?: Record<string, string> } = {}): Promise<Reply> {
  const host = options.host ?? HOST;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: port(options.origin ?? 8443), path, servername: host, headers: { host, ...options.headers }, rejectUnauthorized: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const seen = (reply: Reply) => JSON.parse(reply.body) as { url: string; headers: Record<string, string> };

async function health(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
  return `${res.status} ${await res.text()}`;
}

beforeAll(async () => {
  const version = await nginxVersion();
  anything = await startUpstream();
  n8n = await startUpstream();
  claw = await startUpstream();
  upstreams.push(anything, n8n, claw);
  // The built-in routes: AnythingLLM and Dify on their own origins, n8n stripped, Clawdbot native.
  const platform = goldenPlatform('reference');
  const stubs: Record<string, Upstream> = { anythingllm: anything, n8n, clawdbot: claw };
  for (const p of [8443, 8444, 8445]) ports.set(p, await freePort());
  healthPort = await freePort();
  d = await nginxDir(basename(platform.gateway.tls.certFile), basename(platform.gateway.tls.keyFile));
  const conf = renderGatewayNginx(platform, {}).files[0]?.content ?? '';
  // dify-nginx gets a free port nothing listens on: its upstream is "down".
  const downPort = await freePort();
  const copy = testCopy(conf, d, version, (t) => {
    let text = t.replace('listen 127.0.0.1:8081;', `listen 127.0.0.1:${healthPort};`);
    for (const [rendered, local] of ports) text = text.replaceAll(new RegExp(`listen ${rendered} ssl`, 'g'), `listen 127.0.0.1:${local} ssl`);
    for (const service of platform.services) {
      const route = platform.gateway.routes.find((r) => r.service === service.name);
      if (!route) continue;
      const local = stubs[service.name]?.port ?? downPort;
      text = text.replace(`server ${service.address}:${route.port};`, `server 127.0.0.1:${local};`);
    }
    return text;
  });
  expect(copy).not.toMatch(/server 172\.20\./);
  const confPath = writeConf(d, 'live.conf', copy);
  stopNginx = await startNginx(d, confPath, async () => (await health()) === '200 ok\n');
});

afterAll(async () => {
  await stopNginx?.();
  for (const u of upstreams) await u.close();
  if (d) rmSync(d.dir, { recursive: true, force: true });
});

describe('gateway nginx, live on loopback (stub upstreams)', () => {
  it('answers the container health check on the loopback health port', async () => {
    expect(await health()).toBe('200 ok\n');
  });

  it('refuses unknown names before the TLS handshake completes (no certificate handed out), on every origin', async () => {
    for (const origin of [8443, 8444, 8445]) await expect(get('/', { host: 'evil.example', origin })).rejects.toThrow(/alert/);
  });

  it('refuses a known TLS name with an unknown Host header without an answer (444)', async () => {
    const unknownHost = new Promise<Reply>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: port(8443), path: '/n8n/', servername: HOST, headers: { host: 'evil.example' }, rejectUnauthorized: false },
        (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' }),
      );
      req.on('error', reject);
      req.end();
    });
    await expect(unknownHost).rejects.toThrow(/socket hang up|ECONNRESET|421/);
  });

  it('overwrites a client-supplied X-Forwarded-For with the real peer address', async () => {
    const res = await get('/n8n/rest/login', { headers: { 'x-forwarded-for': '10.9.9.9' } });
    expect(seen(res).headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('hands unknown paths to the console (no stub listens for it here: 502), with the security headers and no version', async () => {
    // `/` of the main origin is the console's route: what no app's path claims goes there, never to an app.
    const res = await get('/etc/passwd');
    expect(res.status).toBe(502);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['server']).toBe('nginx');
  });

  it('redirects /n8n to /n8n/', async () => {
    const res = await get('/n8n?x=1');
    expect(res.status).toBe(301);
    expect(res.headers['location']).toBe('/n8n/?x=1');
  });

  it('strips the prefix and passes the raw URI: an encoded slash stays encoded (strip)', async () => {
    const res = seen(await get('/n8n/webhook/a%2Fb/c?q=1&r=%2F'));
    expect(res.url).toBe('/webhook/a%2Fb/c?q=1&r=%2F');
    expect(res.headers['x-forwarded-prefix']).toBe('/n8n');
    expect(res.headers['x-forwarded-proto']).toBe('https');
    expect(res.headers['x-real-ip']).toBe('127.0.0.1');
  });

  it('keeps the port in Host and X-Forwarded-Host (n8n compares them with Origin)', async () => {
    const res = seen(await get('/n8n/rest/push', { host: `${HOST}:8443` }));
    expect(res.headers['host']).toBe(`${HOST}:8443`);
    expect(res.headers['x-forwarded-host']).toBe(`${HOST}:8443`);
    expect(res.headers['x-forwarded-port']).toBe(String(port(8443)));
  });

  it('keeps the prefix (native)', async () => {
    expect(seen(await get('/clawdbot/ui/index')).url).toBe('/clawdbot/ui/index');
  });

  it('proxies a WebSocket opened at exactly the native prefix, no trailing slash (the Control UI does), and under it', async () => {
    for (const path of ['/clawdbot', '/clawdbot/', '/n8n/rest/push']) {
      // ws sends the SNI it is given, though its types omit the option.
      const options: WebSocket.ClientOptions & { servername: string } = {
        headers: { host: `${HOST}:8443`, origin: `https://${HOST}:8443` },
        servername: HOST,
        rejectUnauthorized: false,
      };
      const ws = new WebSocket(`wss://127.0.0.1:${port(8443)}${path}`, options);
      const message = await new Promise<string>((resolve, reject) => {
        ws.on('message', (data: Buffer) => resolve(data.toString()));
        ws.on('unexpected-response', (_req, res) => reject(new Error(`${path}: HTTP ${res.statusCode} instead of 101`)));
        ws.on('error', reject);
      });
      ws.close();
      expect(message, path).toBe(`hello ${path === '/n8n/rest/push' ? '/rest/push' : path}`);
    }
  });

  it('sends an app without base-path support to its own origin, keeping the rest of the path and the query', async () => {
    const bare = await get('/anythingllm');
    expect(bare.status).toBe(301);
    expect(bare.headers['location']).toBe(`https://${HOST}:8444/`);
    const deep = await get('/anythingllm/workspace/team?x=1');
    expect(deep.status).toBe(301);
    expect(deep.headers['location']).toBe(`https://${HOST}:8444/workspace/team?x=1`);
    expect((await get('/dify/apps')).headers['location']).toBe(`https://${HOST}:8445/apps`);
  });

  it('serves the own origin at / with nothing rewritten, the WebSocket included', async () => {
    const res = await get('/workspace/team?x=%2F', { origin: 8444 });
    expect(seen(res).url).toBe('/workspace/team?x=%2F');
    expect(seen(res).headers['x-forwarded-prefix']).toBeUndefined();
    const page = await get('/page', { origin: 8444 });
    expect(page.body).toContain('href="/x"');
    const options: WebSocket.ClientOptions & { servername: string } = { headers: { host: `${HOST}:8444` }, servername: HOST, rejectUnauthorized: false };
    const ws = new WebSocket(`wss://127.0.0.1:${port(8444)}/api/agent-invocation/abc`, options);
    const message = await new Promise<string>((resolve, reject) => {
      ws.on('message', (data: Buffer) => resolve(data.toString()));
      ws.on('error', reject);
    });
    ws.close();
    expect(message).toBe('hello /api/agent-invocation/abc');
  });

  it("sends one X-Frame-Options, the gateway's, even when the app sets its own", async () => {
    const res = await get('/xfo', { origin: 8444 });
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('reuses upstream connections (keepalive): ten requests, far fewer connections', async () => {
    const before = anything.connections();
    for (let i = 0; i < 10; i += 1) await get(`/ping/${i}`, { origin: 8444 });
    expect(anything.connections() - before).toBeLessThanOrEqual(2);
  });

  it('streams: the first chunk arrives while the upstream still holds the rest', async () => {
    const first = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: port(8443), path: '/n8n/stream', servername: HOST, headers: { host: HOST }, rejectUnauthorized: false },
        (res) => {
          res.setEncoding('utf8');
          res.once('data', (c: string) => resolve(c));
        },
      );
      req.on('error', reject);
      req.end();
    });
    n8n.release();
    expect(first).toBe('data: first\n\n');
  });

  it('runs while an upstream is down (502 for that origin only)', async () => {
    expect((await get('/', { origin: 8445 })).status).toBe(502);
    expect((await get('/n8n/rest/login')).status).toBe(200);
    expect(await health()).toBe('200 ok\n');
  });
});
