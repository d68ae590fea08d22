// The console's server against stubs of the platform APIs (test/console/stubs.ts,
// test/deploy/ollama-stub.ts), on loopback: what every response carries, who may
// act, what a hostile or missing snapshot does, and that no secret leaves it.

import { rmSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionGuard } from '../../src/console/auth.js';
import { platformBackends } from '../../src/console/backends.js';
import { CONSOLE_CSP, consoleServer } from '../../src/console/server.js';
import { type OllamaStub, startOllamaStub } from '../deploy/ollama-stub.js';
import { LINK_URI, type PlatformApiStub, RC_PASS, RC_USER, sampleSnapshot, startPlatformApiStub, writeSnapshot } from './stubs.js';

const TOKEN = 'operator-credential-of-the-test-0123456789';
const ORIGIN = 'https://ai-host.example.ts.net:8443';
let api: PlatformApiStub;
let ollama: OllamaStub;
let base = '';
let files: ReturnType<typeof writeSnapshot>;
let close: () => Promise<void>;

beforeAll(async () => {
  api = await startPlatformApiStub();
  ollama = await startOllamaStub({ 'llama3.2:3b': { layers: [{ digest: `sha256:${'a'.repeat(64)}`, size: 300_000_000 }] } });
  files = writeSnapshot(sampleSnapshot(api.url), '<svg xmlns="http://www.w3.org/2000/svg"><title>the picture</title></svg>');
  const server = consoleServer({
    snapshotFile: files.snapshotFile,
    topologyFile: files.topologyFile,
    guard: actionGuard(TOKEN, [ORIGIN]),
    backends: platformBackends({ signalApi: api.url, ollama: ollama.url, rcloneRc: api.url, rcloneUser: RC_USER, rclonePass: RC_PASS }),
    now: () => new Date('2026-12-02T12:00:00Z'),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(async () => {
  await close();
  await api.close();
  await ollama.close();
  rmSync(files.dir, { recursive: true, force: true });
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
    body: JSON.stringify(body),
  });

describe('the console server (stubs of the Signal API, Ollama and rclone rc)', () => {
  it('serves the page with a strict Content-Security-Policy and no inline script or style', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=/i);
    for (const app of ['n8n', 'anythingllm', 'ollama']) expect(html).toContain(`data-app="${app}"`);
    expect(html).toContain('expires <time datetime="2027-02-01T00:00:00Z">');
    expect(html).toContain('in 60 days');
  });

  it('escapes what the snapshot says (a title with markup)', async () => {
    const html = await (await fetch(`${base}/`)).text();
    expect(html).toContain('AnythingLLM &lt;the &quot;knowledge&quot;&gt; &amp; co');
    expect(html).not.toContain('<the "knowledge">');
  });

  it("polls each app's health endpoint live on the private network", async () => {
    api.healthy.add('n8n');
    const health = (await (await fetch(`${base}/api/health`)).json()) as Record<string, string>;
    expect(health).toEqual({ n8n: 'healthy', anythingllm: 'unhealthy', ollama: 'healthy' });
  });

  it('refuses an action without the operator credential, with a wrong one, from another origin, or without a JSON body', async () => {
    expect((await post('/api/signal/link', {}, { authorization: '' })).status).toBe(401);
    expect((await post('/api/signal/link', {}, { authorization: 'Bearer not-the-operator-credential' })).status).toBe(403);
    expect((await post('/api/signal/link', {}, { origin: 'https://evil.example' })).status).toBe(403);
    const noOrigin = await fetch(`${base}/api/signal/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{}',
    });
    expect(noOrigin.status).toBe(403);
    expect((await post('/api/signal/link', {}, { 'content-type': 'text/plain' })).status).toBe(415);
    expect(api.requests.filter((r) => r.startsWith('GET /v1/qrcodelink'))).toEqual([]);
  });

  it('links Signal: the QR code it returns encodes the URI the Signal API gave', async () => {
    const response = await post('/api/signal/link', { deviceName: 'moat' });
    expect(response.status).toBe(200);
    const { uri, qr } = (await response.json()) as { uri: string; qr: string };
    expect(uri).toBe(LINK_URI);
    const expected = await QRCode.toString(LINK_URI, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
    expect(Buffer.from(qr.replace(/^data:image\/svg\+xml;base64,/, ''), 'base64').toString('utf8')).toBe(expected);
    expect(api.requests).toContain('GET /v1/qrcodelink/raw?device_name=moat');
    // A device name the Signal API should not get is refused, not replaced.
    const bad = await post('/api/signal/link', { deviceName: 'a\nb' });
    expect(bad.status).toBe(400);
    expect(api.requests.filter((r) => r.includes('device_name=a'))).toEqual([]);
  });

  it('pulls a model with progress that advances, one pull at a time, and refuses what is not a model name', async () => {
    expect((await post('/api/models/pull', { model: 'llama3.2:3b; rm -rf /' })).status).toBe(400);
    expect((await post('/api/models/pull', { model: 'llama3.2:3b' })).status).toBe(202);
    expect((await post('/api/models/pull', { model: 'llama3.2:3b' })).status).toBe(409);
    const seen: number[] = [];
    for (;;) {
      const p = (await (await fetch(`${base}/api/models/pull`)).json()) as { completed: number; total: number; done: boolean; status: string };
      seen.push(p.completed);
      if (p.done) {
        expect(p.status).toBe('success');
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen.at(-1)).toBe(300_000_000);
    expect(new Set(seen).size).toBeGreaterThan(2);
    expect(ollama.pulls.map((p) => p.model)).toEqual(['llama3.2:3b']);
  });

  it("shows the Drive sync's numbers from rclone's rc, authenticated", async () => {
    expect(await (await fetch(`${base}/api/drive`)).json()).toEqual({ transfers: 7, bytes: 123456, errors: 0 });
  });

  it('never sends the operator credential or the rc password in anything it serves', async () => {
    for (const path of ['/', '/console.js', '/console.css', '/topology.svg', '/api/status', '/api/health', '/api/drive', '/api/models/pull']) {
      const text = await (await fetch(`${base}${path}`)).text();
      expect(text, path).not.toContain(TOKEN);
      expect(text, path).not.toContain(RC_PASS);
    }
  });

  it('answers only the methods and paths it has', async () => {
    expect((await fetch(`${base}/etc/passwd`)).status).toBe(404);
    expect((await fetch(`${base}/`, { method: 'DELETE' })).status).toBe(405);
    expect((await post('/api/nothing', {})).status).toBe(404);
    // A request target that is no URL (`//`, which the gateway passes on as sent) is the client's error.
    const raw = await new Promise<number>((resolve, reject) => {
      request(`${base}/`, { path: '//' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(raw).toBe(400);
  });

  it('says which platform API a platform lacks (503), instead of failing as a broken backend', async () => {
    const bare = consoleServer({
      snapshotFile: files.snapshotFile,
      topologyFile: files.topologyFile,
      guard: actionGuard(TOKEN, [ORIGIN]),
      backends: platformBackends({}),
    });
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    try {
      const at = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
      const headers = { origin: ORIGIN, 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
      const link = await fetch(`${at}/api/signal/link`, { method: 'POST', headers, body: '{}' });
      expect([link.status, await link.json()]).toEqual([503, { error: 'this platform has no Signal API' }]);
      expect(await (await fetch(`${at}/api/drive`)).json()).toEqual({ error: 'Drive status unavailable: this platform has no Drive sync' });
    } finally {
      await new Promise<void>((resolve) => bare.close(() => resolve()));
    }
  });
});

describe('the console with a snapshot it cannot trust', () => {
  it('says what is wrong instead of showing it', async () => {
    const bad = writeSnapshot({ ...sampleSnapshot('http://127.0.0.1:1'), project: '../etc' } as never);
    const server = consoleServer({
      snapshotFile: bad.snapshotFile,
      topologyFile: bad.topologyFile,
      guard: actionGuard(TOKEN, [ORIGIN]),
      backends: platformBackends({
        signalApi: 'http://127.0.0.1:1',
        ollama: 'http://127.0.0.1:1',
        rcloneRc: 'http://127.0.0.1:1',
        rcloneUser: 'u',
        rclonePass: 'p',
      }),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const html = await (await fetch(`${url}/`)).text();
      expect(html).toContain('id="problem"');
      expect(html).toContain('is not one moat wrote (project:');
      expect(html).not.toContain('../etc');
      expect((await fetch(`${url}/api/status`)).status).toBe(503);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(bad.dir, { recursive: true, force: true });
    }
  });

  it('refuses to start with a short operator credential', () => {
    expect(() => actionGuard('short', [ORIGIN])).toThrow(/shorter than 16/);
  });
});
