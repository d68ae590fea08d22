// Dify's rendered internal nginx in the real nginx on loopback, against stub
// upstreams and a stub DNS: paths keep their prefix, the health check answers,
// plugin endpoints learn their public URL, and a missing upstream fails alone.
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDifyNginx } from '../../../src/render/dify-nginx.js';
import { freePort } from '../../support/free-port.js';
import { goldenPlatform } from '../../support/golden.js';
import { type NginxDir, nginxDir, nginxVersion, startNginx, testCopy, writeConf } from './nginx-support.js';
import { type DnsStub, startDnsStub, startUpstream, type Upstream } from './stubs.js';

let d: NginxDir | undefined;
let dns: DnsStub | undefined;
const upstreams: Upstream[] = [];
let stopNginx: (() => Promise<unknown>) | undefined;
let port = 0;

interface Seen {
  url: string;
  headers: Record<string, string>;
}

// node:http, not fetch: fetch does not let a caller set Host.
function seen(path: string, headers: Record<string, string> = {}): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body) as Seen) : reject(new Error(`${res.statusCode}: ${body}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  const version = await nginxVersion();
  const api = await startUpstream();
  const web = await startUpstream();
  const plugins = await startUpstream();
  upstreams.push(api, web, plugins);
  dns = await startDnsStub(new Set(['dify-api', 'dify-web', 'dify-plugin-daemon']));
  port = await freePort();
  const platform = goldenPlatform(`internalProxies:
  - service: dify-nginx
    listenPort: 80
    routes:
      - {path: /console/api, service: dify-api, port: ${api.port}, purpose: Console API, streaming: true}
      - {path: /e/, service: dify-plugin-daemon, port: ${plugins.port}, purpose: Plugin endpoints}
      - {path: /files, service: dify-worker, port: 5001, purpose: an upstream whose name does not resolve}
      - {path: /, service: dify-web, port: ${web.port}, purpose: Frontend}
`);
  d = await nginxDir('unused.crt', 'unused.key');
  const conf = renderDifyNginx(platform, {}).files[0]?.content ?? '';
  const copy = testCopy(conf, d, version, (t) =>
    t.replace('resolver 127.0.0.11 ', `resolver 127.0.0.1:${dns?.port ?? 0} `).replace('listen 80;', `listen 127.0.0.1:${port};`),
  );
  expect(copy).toContain(`listen 127.0.0.1:${port};`);
  stopNginx = await startNginx(d, writeConf(d, 'dify-live.conf', copy), async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200);
});

afterAll(async () => {
  await stopNginx?.();
  for (const u of upstreams) await u.close();
  await dns?.close();
  if (d) rmSync(d.dir, { recursive: true, force: true });
});

describe('Dify nginx, live on loopback (stub upstreams, stub DNS)', () => {
  it('answers /healthz for the container health check', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(`${res.status} ${await res.text()}`).toBe('200 ok\n');
  });

  it('keeps the path: /console/api goes to the API unchanged', async () => {
    expect((await seen('/console/api/apps?page=1', { 'x-forwarded-proto': 'https' })).url).toBe('/console/api/apps?page=1');
  });

  it('passes the gateway scheme on, and defaults to its own', async () => {
    expect((await seen('/console/api/x', { 'x-forwarded-proto': 'https' })).headers['x-forwarded-proto']).toBe('https');
    expect((await seen('/console/api/x')).headers['x-forwarded-proto']).toBe('http');
  });

  it('sends everything else to the web app', async () => {
    expect((await seen('/apps')).url).toBe('/apps');
  });

  it("tells plugin endpoints their public URL, with the public port of Dify's origin", async () => {
    const s = await seen('/e/hook1', { host: 'ai-platform.example.ts.net:8445', 'x-forwarded-proto': 'https' });
    expect(s.headers['dify-hook-url']).toBe('https://ai-platform.example.ts.net:8445/e/hook1');
    const f = await seen('/e/hook1', { host: 'dify-nginx', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'ai-platform.example.ts.net:8445' });
    expect(f.headers['dify-hook-url']).toBe('https://ai-platform.example.ts.net:8445/e/hook1');
  });

  it('fails only the route whose upstream does not resolve (502)', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/files/x`)).status).toBe(502);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
