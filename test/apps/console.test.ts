// The console in a real browser (Debian's Chromium through playwright-core),
// served by its own server on loopback with stubs of the platform APIs it calls
// (test/console/stubs.ts: the Signal API, rclone's rc, app health; Ollama's is
// test/deploy/ollama-stub.ts), the snapshot built from the built-in platform's
// proof and the topology.svg `moat plan` draws. Not yet behind the rendered
// gateway: the console is not a platform service yet (see the README).
// Screenshots go to test-artifacts/screenshots/console-*.png.
import { mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { actionGuard } from '../../src/console/auth.js';
import { platformBackends } from '../../src/console/backends.js';
import { consoleServer } from '../../src/console/server.js';
import { consoleSnapshot } from '../../src/deploy/console-snapshot.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import { proveBundle } from '../../src/proof/bundle.js';
import { platformTopologyInput, topologySvg } from '../../src/render/topology/index.js';
import { LINK_URI, type PlatformApiStub, RC_PASS, RC_USER, startPlatformApiStub, writeSnapshot } from '../console/stubs.js';
import { type OllamaStub, startOllamaStub } from '../deploy/ollama-stub.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.js';
import { SCREENSHOTS } from '../support/real-apps-browser.js';

const TOKEN = 'operator-credential-of-the-browser-test-42';
const platform = normalizePlatform(referencePlatform());
const proof = proveBundle(platform);
let api: PlatformApiStub;
let ollama: OllamaStub;
let server: Server;
let browser: Browser;
let files: ReturnType<typeof writeSnapshot>;
let base = '';

beforeAll(async () => {
  api = await startPlatformApiStub();
  // 1.5 GB in 1 MB steps every 2 ms: a pull the page can watch for about three seconds.
  ollama = await startOllamaStub({ 'llama3.2:3b': { layers: [{ digest: `sha256:${'b'.repeat(64)}`, size: 1_500_000_000 }] } });
  const snapshot = consoleSnapshot(platform, proof.matrix, {
    generatedAt: new Date('2026-12-02T12:00:00Z'),
    certificate: { name: 'ai-platform.example.ts.net', notAfter: new Date('2027-02-28T00:00:00Z') },
    lastBackup: { at: '2026-12-02T03:00:00Z', result: 'ok', summary: '14 parts' },
  });
  // The stub answers every app's health on one port: point the polled URLs at it.
  const apps = snapshot.apps.map((a) => (a.healthUrl ? { ...a, healthUrl: `${api.url}/health/${a.name}` } : a));
  files = writeSnapshot({ ...snapshot, apps }, await topologySvg(platformTopologyInput(platform, proof.matrix)));
  api.healthy.add('n8n');
  server = consoleServer({
    snapshotFile: files.snapshotFile,
    topologyFile: files.topologyFile,
    guard: actionGuard(TOKEN, ['http://127.0.0.1']),
    backends: platformBackends({ signalApi: api.url, ollama: ollama.url, rcloneRc: api.url, rcloneUser: RC_USER, rclonePass: RC_PASS }),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The guard compares the browser's Origin with the console's own: here the loopback port.
  server.close();
  await new Promise<void>((resolve) => {
    server = consoleServer({
      snapshotFile: files.snapshotFile,
      topologyFile: files.topologyFile,
      guard: actionGuard(TOKEN, [base]),
      backends: platformBackends({ signalApi: api.url, ollama: ollama.url, rcloneRc: api.url, rcloneUser: RC_USER, rclonePass: RC_PASS }),
    });
    server.listen(Number(new URL(base).port), '127.0.0.1', resolve);
  });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
});
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await api?.close();
  await ollama?.close();
  if (files) rmSync(files.dir, { recursive: true, force: true });
});

async function openConsole(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()} (${m.location().url})`));
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => r.status() >= 400 && !r.url().includes('/api/signal/') && problems.push(`response: ${r.status()} ${r.url()}`));
  await page.goto(`${base}/`);
  await page.waitForLoadState('networkidle');
  return { page, problems };
}

const shot = async (page: Page, name: string): Promise<void> => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`), fullPage: true });
};

describe('the console in Chromium (stubs of the platform APIs)', () => {
  it('loads with no failed request and no console error, every app listed, live health shown', async () => {
    const { page, problems } = await openConsole();
    for (const s of platform.services) expect(await page.locator(`tr[data-app="${s.name}"]`).count(), s.name).toBe(1);
    await expect.poll(() => page.locator('tr[data-app="n8n"] .health').getAttribute('data-health')).toBe('healthy');
    await expect.poll(() => page.locator('tr[data-app="anythingllm"] .health').getAttribute('data-health')).toBe('unhealthy');
    expect(await page.locator('#certificate').textContent()).toContain('in 87 days');
    expect(await page.locator('#last-backup').textContent()).toContain('14 parts');
    expect(await page.locator('#topology').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await shot(page, '0-overview');
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows the picture with a node per service and an edge per open cell of moat check's matrix", async () => {
    const { page, problems } = await openConsole();
    const drawn = await page.evaluate(async () => {
      const svg = new DOMParser().parseFromString(await (await fetch('/topology.svg')).text(), 'image/svg+xml');
      return {
        services: Array.from(svg.querySelectorAll('g.service'), (g) => g.getAttribute('data-service')),
        edges: svg.querySelectorAll('g.edge.open').length,
      };
    });
    expect([...drawn.services].sort()).toEqual(platform.services.map((s) => s.name).sort());
    expect(drawn.edges).toBe(proof.matrix.filter((r) => r.verdict === 'open').length);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('refuses an action without the operator credential, then shows the QR code the Signal API returned', async () => {
    const { page, problems } = await openConsole();
    await page.click('#signal-link');
    await expect.poll(() => page.locator('#signal-result').textContent()).toContain('operator credential');
    expect(api.requests.filter((r) => r.startsWith('GET /v1/qrcodelink'))).toEqual([]);
    await page.fill('#operator', TOKEN);
    await page.click('#signal-link');
    await expect.poll(() => page.locator('#signal-uri').textContent()).toBe(LINK_URI);
    const expected = `data:image/svg+xml;base64,${Buffer.from(await QRCode.toString(LINK_URI, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })).toString('base64')}`;
    expect(await page.locator('#signal-qr').getAttribute('src')).toBe(expected);
    expect(await page.locator('#signal-qr').isVisible()).toBe(true);
    await shot(page, '1-signal');
    // The one refusal this test asked for is the only thing that went wrong.
    expect(problems).toEqual([`console: Failed to load resource: the server responded with a status of 401 (Unauthorized) (${base}/api/signal/link)`]);
    await page.close();
  });

  it('pulls a model: the progress on the page advances to the end', async () => {
    const { page, problems } = await openConsole();
    await page.fill('#operator', TOKEN);
    await page.fill('#model', 'llama3.2:3b');
    await page.click('#model-pull');
    const values: number[] = [];
    await expect
      .poll(
        async () => {
          values.push(Number(await page.locator('#pull-progress').getAttribute('value')));
          return page.locator('#pull-status').textContent();
        },
        { timeout: 30_000, interval: 200 },
      )
      .toContain('success');
    expect(new Set(values.filter((v) => v > 0 && v < 1_500_000_000)).size, 'distinct progress values seen mid-pull').toBeGreaterThan(2);
    expect(Number(await page.locator('#pull-progress').getAttribute('value'))).toBe(1_500_000_000);
    await shot(page, '2-pull');
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows the Drive sync's numbers", async () => {
    const { page, problems } = await openConsole();
    await page.click('#drive-refresh');
    await expect.poll(() => page.locator('#drive-status').textContent()).toBe('7 files, 123456 bytes synced, 0 errors');
    expect(problems).toEqual([]);
    await page.close();
  });
});
