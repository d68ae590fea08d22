// The rendered gateway config running in the real nginx on loopback, against
// stub upstreams and a stub DNS (in place of Docker's 127.0.0.11): unknown
// hosts and paths are refused, prefixes are stripped, kept or rewritten as the
// route says, WebSocket and streaming pass, and nginx runs while an upstream's
// name does not resolve.
import { rmSync } from 'node:fs';
import { request } from 'node:https';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { renderGatewayNginx } from '../../../src/render/gateway-nginx.js';
import { goldenPlatform } from '../../support/golden.js';
import { type NginxDir, nginxDir, nginxVersion, startNginx, testCopy, writeConf } from './nginx-support.js';
import { type DnsStub, type Upstream, freePort, startDnsStub, startUpstream } from './stubs.js';

const HOST = 'ai-platform.example.ts.net';
let d: NginxDir | undefined;
let dns: DnsStub | undefined;
const upstreams: Upstream[] = [];
let stopNginx: (() => Promise<unknown>) | undefined;
let gatewayPort = 0;
let healthPort = 0;
let app: Upstream;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(path: string, host = HOST, port = gatewayPort, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, servername: host, headers: { ...headers, host }, rejectUnauthorized: false },
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

async function health(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
  return `${res.status} ${await res.text()}`;
}

beforeAll(async () => {
  const version = await nginxVersion();
  app = await startUpstream();
  const n8n = await startUpstream();
  const claw = await startUpstream();
  upstreams.push(app, n8n, claw);
  // dify-nginx is deliberately unknown to the DNS stub: its upstream is "down".
  dns = await startDnsStub(new Set(['anythingllm', 'n8n', 'clawdbot']));
  gatewayPort = await freePort();
  healthPort = await freePort();
  const platform = goldenPlatform(`gateway:
  routes:
    - {path: /app, service: anythingllm, port: ${app.port}, prefix: rewrite, websocket: true, streaming: true}
    - {path: /n8n, service: n8n, port: ${n8n.port}, prefix: strip, websocket: true, streaming: true}
    - {path: /clawdbot, service: clawdbot, port: ${claw.port}, prefix: native}
    - {path: /dify, service: dify-nginx, port: 80, prefix: strip}
`);
  d = await nginxDir(basename(platform.gateway.tls.certFile), basename(platform.gateway.tls.keyFile));
  const conf = renderGatewayNginx(platform, {}).files[0]?.content ?? '';
  const listen = String(platform.gateway.listenPort);
  const copy = testCopy(conf, d, version, (t) =>
    t
      .replace('resolver 127.0.0.11 ', `resolver 127.0.0.1:${dns?.port ?? 0} `)
      .replaceAll(`listen ${listen} ssl`, `listen 127.0.0.1:${gatewayPort} ssl`)
      .replace('listen 127.0.0.1:8081;', `listen 127.0.0.1:${healthPort};`),
  );
  expect(copy).toContain(`listen 127.0.0.1:${healthPort};`);
  const confPath = writeConf(d, 'live.conf', copy);
  stopNginx = await startNginx(d, confPath, async () => (await health()) === '200 ok\n');
});

afterAll(async () => {
  await stopNginx?.();
  for (const u of upstreams) await u.close();
  await dns?.close();
  if (d) rmSync(d.dir, { recursive: true, force: true });
});

describe('gateway nginx, live on loopback (stub upstreams, stub DNS)', () => {
  it('answers the container health check on the loopback health port', async () => {
    expect(await health()).toBe('200 ok\n');
  });

  it('refuses unknown names before the TLS handshake completes (no certificate handed out)', async () => {
    await expect(get('/n8n/', 'evil.example')).rejects.toThrow(/alert/);
  });

  it('refuses a known TLS name with an unknown Host header without an answer (444)', async () => {
    const unknownHost = new Promise<Reply>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: gatewayPort, path: '/n8n/', servername: HOST, headers: { host: 'evil.example' }, rejectUnauthorized: false },
        (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' }),
      );
      req.on('error', reject);
      req.end();
    });
    await expect(unknownHost).rejects.toThrow(/socket hang up|ECONNRESET|421/);
  });

  it('overwrites a client-supplied X-Forwarded-For with the real peer address', async () => {
    const res = await get('/n8n/rest/login', HOST, gatewayPort, { 'x-forwarded-for': '10.9.9.9' });
    const seen = JSON.parse(res.body) as { headers: Record<string, string> };
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('answers 404 for unknown paths, with the security headers and no version', async () => {
    const res = await get('/etc/passwd');
    expect(res.status).toBe(404);
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

  it('strips the prefix and sets the forwarding headers (strip)', async () => {
    const res = await get('/n8n/rest/login?q=1');
    const seen = JSON.parse(res.body) as { url: string; headers: Record<string, string> };
    expect(seen.url).toBe('/rest/login?q=1');
    expect(seen.headers['x-forwarded-prefix']).toBe('/n8n');
    expect(seen.headers['x-forwarded-proto']).toBe('https');
    expect(seen.headers['x-real-ip']).toBe('127.0.0.1');
    expect(seen.headers['host']).toBe(HOST);
  });

  it('keeps the prefix (native)', async () => {
    const seen = JSON.parse((await get('/clawdbot/ui/index')).body) as { url: string };
    expect(seen.url).toBe('/clawdbot/ui/index');
  });

  it('rewrites absolute URLs, redirects and cookie paths (rewrite)', async () => {
    const page = await get('/app/page');
    expect(page.body).toContain('href="/app/x"');
    expect(page.body).toContain("href='/app/y'");
    expect(page.body).toContain('url(/app/z.png)');
    const redir = await get('/app/redir');
    expect(redir.status).toBe(302);
    expect(redir.headers['location']).toBe('/app/login');
    expect(String(redir.headers['set-cookie'])).toContain('Path=/app/');
  });

  it('passes WebSocket upgrades', async () => {
    // ws sends the SNI it is given, though its types omit the option.
    const options: WebSocket.ClientOptions & { servername: string } = { headers: { host: HOST }, servername: HOST, rejectUnauthorized: false };
    const ws = new WebSocket(`wss://127.0.0.1:${gatewayPort}/n8n/push`, options);
    const message = await new Promise<string>((resolve, reject) => {
      ws.on('message', (data: Buffer) => resolve(data.toString()));
      ws.on('error', reject);
    });
    ws.close();
    expect(message).toBe('hello /push');
  });

  it('streams: the first chunk arrives while the upstream still holds the rest', async () => {
    const upstream = upstreams[1];
    const first = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: gatewayPort, path: '/n8n/stream', servername: HOST, headers: { host: HOST }, rejectUnauthorized: false },
        (res) => {
          res.setEncoding('utf8');
          res.once('data', (c: string) => resolve(c));
        },
      );
      req.on('error', reject);
      req.end();
    });
    upstream?.release();
    expect(first).toBe('data: first\n\n');
  });

  it('runs while an upstream name does not resolve (502 for that route only)', async () => {
    expect((await get('/dify/')).status).toBe(502);
    expect(await health()).toBe('200 ok\n');
  });
});
