// The console as the platform runs it: moat's console program, built as the
// bundle carries it (console/console.cjs), run with the rendered compose
// environment as the container's uid 1000, behind the real rendered gateway
// nginx over TLS at / of the main origin, in a private network namespace at
// the static addresses compose.yaml gives; the status it shows written by
// moat's own writer (recordConsoleState); stubs, at their static addresses, of
// the platform APIs it calls (test/apps/console-backends.ts: the Signal API,
// rclone's rc, Ollama's pull, n8n's health). Driven by headless Chromium.
// Screenshots go to test-artifacts/screenshots/console-gateway-*.png.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProgram } from '../../src/cli/console-program.js';
import { recordConsoleState } from '../../src/cli/console-status.js';
import { consoleStateDir } from '../../src/deploy/console-state.js';
import type { Platform } from '../../src/model/types.js';
import { proveBundle } from '../../src/proof/bundle.js';
import { LINK_URI, RC_PASS } from '../console/stubs.js';
import {
  type AppNamespace,
  asUser,
  createNamespace,
  deleteNamespace,
  httpInNamespace,
  type NsProcess,
  nodeBinary,
  ORIGIN,
  ownedDir,
  startInNamespace,
  startStubScript,
  startStubs,
  waitUntil,
} from '../support/real-apps.js';
import { type Browser, SCREENSHOTS, startBrowser } from '../support/real-apps-browser.js';
import {
  dnsNames,
  type Gateway,
  healthcheckPasses,
  type RenderedPlatform,
  renderedPlatform,
  serviceAddress,
  serviceEnvironment,
  startGateway,
} from '../support/real-apps-gateway.js';

const TOKEN = 'operator-credential-of-the-gateway-test-42';
const CONSOLE_USER = '1000:1000';
let r: RenderedPlatform;
let platform: Platform;
let ns: AppNamespace | undefined;
let dnsStubs: NsProcess | undefined;
let backends: NsProcess | undefined;
let consoleProc: NsProcess | undefined;
let gateway: Gateway | undefined;
let browser: Browser | undefined;

const port = (service: string): number => platform.services.find((s) => s.name === service)?.ports[0]?.port ?? 0;

/**
 * The rendered compose health check of the console (busybox wget), run in the namespace as the engine would;
 * the container's loopback is the console's own, here it listens on its static address (HOST below).
 */
const consoleHealthPasses = (): boolean => healthcheckPasses(ns as AppNamespace, r, 'console', { wget: ['busybox', 'wget'] }, serviceAddress(r, 'console'));

beforeAll(async () => {
  r = renderedPlatform();
  const addresses = ['console', 'signal-api', 'ollama', 'gdrive', 'n8n'].map((s) => serviceAddress(r, s));
  ns = createNamespace('console', serviceAddress(r, 'nginx'), addresses);
  const dir = ownedDir(join(ns.dir, 'console'), CONSOLE_USER);
  // The certificate the gateway serves, where the platform says the host keeps it (the gateway's TLS folder).
  gateway = await startGateway(ns, r);
  const tls = join(ns.dir, 'host-tls');
  mkdirSync(tls, { recursive: true });
  copyFileSync(gateway.ca, join(tls, 'gateway.crt'));
  platform = {
    ...r.platform,
    services: r.platform.services.map((s) =>
      s.name === r.platform.gateway.service ? { ...s, volumes: s.volumes.map((v) => (v.bundleFile?.startsWith('/') ? { ...v, bundleFile: tls } : v)) } : s,
    ),
  };
  dnsStubs = startStubs(ns, dnsNames(r));
  await waitUntil('the namespace DNS stub', () => dnsStubs?.log().includes('ready\n') ?? false, 30_000, dnsStubs);
  const at = (service: string) => ({ host: serviceAddress(r, service), port: port(service) });
  backends = startStubScript(ns, 'console-backends', 'test/apps/console-backends.ts', {
    signal: at('signal-api'),
    rc: at('gdrive'),
    ollama: at('ollama'),
    healthy: [at('n8n')],
  });
  await waitUntil('the platform API stubs', () => backends?.log().includes('ready\n') ?? false, 30_000, backends);

  // What moat writes: the program into the bundle, the status into console/state/ (moat's own writer).
  const bundle = join(dir, 'bundle');
  const program = join(bundle, 'console', 'console.cjs');
  mkdirSync(join(bundle, 'console'), { recursive: true });
  writeFileSync(program, await consoleProgram(), { mode: 0o644 });
  await recordConsoleState(platform, bundle, {
    run: { kind: 'backup', outcome: { at: '2026-12-03T03:30:00.000Z', result: 'ok', summary: '14 parts, 1234567 bytes' } },
  });
  const state = consoleStateDir(bundle);
  const env: Record<string, string> = {
    ...serviceEnvironment(r, 'console'),
    // The container's mounts: console/state/ at /var/lib/moat-console, here the bundle's folder itself.
    CONSOLE_SNAPSHOT: join(state, 'status.json'),
    CONSOLE_TOPOLOGY: join(state, 'topology.svg'),
    // secrets/console.env: the operator credential and rclone's rc password (test values).
    CONSOLE_OPERATOR_TOKEN: TOKEN,
    RCLONE_RC_PASS: RC_PASS,
    // The container binds 0.0.0.0 (its own network namespace); here every service shares one, and the
    // Signal API's stub has 8080 too: bind the console's static address instead.
    HOST: serviceAddress(r, 'console'),
    PATH: '/usr/bin:/bin',
  };
  expect(consoleHealthPasses()).toBe(false);
  // The image's Node major (24, upstream/node.ts), from the npm registry's `node` package.
  const [exe, argv] = asUser(CONSOLE_USER, nodeBinary(), [program]);
  consoleProc = startInNamespace(ns, 'console', exe, argv, env, dir);
  await waitUntil('the console to pass its rendered health check', () => consoleHealthPasses(), 30_000, consoleProc);
  browser = await startBrowser(ns, gateway.ca);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await consoleProc?.stop();
  await gateway?.proc.stop();
  await backends?.stop();
  await dnsStubs?.stop();
  if (ns) deleteNamespace(ns);
}, 60_000);

const b = (): Browser => {
  if (!browser) throw new Error('not started');
  return browser;
};
const shot = (name: string) => b().send('screenshot', { path: join(SCREENSHOTS, `console-gateway-${name}.png`) });
const text = async (selector: string): Promise<string> =>
  String(await b().send('evaluate', { expression: `document.querySelector(${JSON.stringify(selector)})?.textContent ?? ''` }));
const until = (expression: string, timeout = 30_000) => b().send('waitForFunction', { expression, timeout }, timeout + 5_000);

/** Failed requests and console errors since the last call, less the refusals a test asked for. */
async function problems(expectedRefusals: readonly string[] = []): Promise<string[]> {
  const events = await b().events(true);
  return [
    ...events.failedRequests
      .filter((f) => !expectedRefusals.some((p) => f.url.endsWith(p)))
      .map((f) => `request ${f.method} ${f.url} ${f.status ?? f.error ?? ''}`),
    ...events.consoleErrors.filter((e) => !expectedRefusals.some((p) => e.url?.endsWith(p) === true)).map((e) => `console ${e.text}`),
  ];
}

describe('the console behind the rendered gateway (moat console program, real nginx, Chromium; stubs of the platform APIs)', () => {
  it('serves / of the main origin: the page loads with no failed request and no console error, every app listed, live health shown', async () => {
    expect(await b().send('goto', { url: `${ORIGIN}/` })).toBe(200);
    await b().send('idle');
    for (const s of platform.services)
      expect(Number(await b().send('evaluate', { expression: `document.querySelectorAll('tr[data-app="${s.name}"]').length` })), s.name).toBe(1);
    await until(`document.querySelector('tr[data-app="n8n"] .health')?.getAttribute('data-health') === 'healthy'`);
    await until(`document.querySelector('tr[data-app="anythingllm"] .health')?.getAttribute('data-health') === 'unhealthy'`);
    expect(await text('#last-backup')).toContain('14 parts');
    expect(await text('#certificate')).toMatch(/ai-platform\.example\.ts\.net.*in \d+ days/);
    expect(Number(await b().send('evaluate', { expression: `document.querySelector('#topology').naturalWidth` }))).toBeGreaterThan(0);
    await shot('0-overview');
    expect(await problems()).toEqual([]);
  });

  it("sends the console's strict Content-Security-Policy and the gateway's headers through the gateway", async () => {
    const reply = httpInNamespace(ns as AppNamespace, 'GET', `${ORIGIN}/`, { ca: (gateway as Gateway).ca });
    expect(reply.status).toBe(200);
    expect(reply.headers).toMatch(/^content-security-policy: default-src 'none'; script-src 'self';/im);
    expect(reply.headers).toMatch(/^strict-transport-security: /im);
    // Once each, the gateway's value: the console's own Referrer-Policy is hidden, not doubled (what `moat probe` checks).
    expect(reply.headers.match(/^referrer-policy: .*$/gim)?.map((h) => h.trim().toLowerCase())).toEqual(['referrer-policy: strict-origin-when-cross-origin']);
    expect(reply.headers.match(/^x-content-type-options: .*$/gim)?.length).toBe(1);
    // Another app's path is still that app's: the console's / does not swallow it.
    expect(httpInNamespace(ns as AppNamespace, 'GET', `${ORIGIN}/n8n`, { ca: (gateway as Gateway).ca }).status).toBe(301);
  });

  it("shows the picture with a node per service and an edge per open cell of moat check's matrix", async () => {
    const drawn = JSON.parse(
      String(
        await b().send('evaluate', {
          expression: `fetch('/topology.svg').then((r) => r.text()).then((t) => { const svg = new DOMParser().parseFromString(t, 'image/svg+xml');
            return JSON.stringify({ services: Array.from(svg.querySelectorAll('g.service'), (g) => g.getAttribute('data-service')), edges: svg.querySelectorAll('g.edge.open').length }); })`,
        }),
      ),
    ) as { services: string[]; edges: number };
    expect([...drawn.services].sort()).toEqual(platform.services.map((s) => s.name).sort());
    expect(drawn.edges).toBe(proveBundle(platform).matrix.filter((row) => row.verdict === 'open').length);
    expect(await problems()).toEqual([]);
  });

  it('refuses an action without the operator credential or from another origin, then shows the QR code the Signal API returned', async () => {
    await b().send('click', { selector: '#signal-link' });
    await until(`(document.querySelector('#signal-result')?.textContent ?? '').includes('operator credential')`);
    expect(backends?.log(200)).not.toContain('request GET /v1/qrcodelink');
    // The guard checks the Origin too: a request from another site with the right credential is refused.
    const foreign = httpInNamespace(ns as AppNamespace, 'POST', `${ORIGIN}/api/signal/link`, {
      ca: (gateway as Gateway).ca,
      headers: { origin: 'https://evil.example', 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{}',
    });
    expect(foreign.status).toBe(403);
    expect(backends?.log(200)).not.toContain('request GET /v1/qrcodelink');
    await b().send('fill', { selector: '#operator', value: TOKEN });
    await b().send('click', { selector: '#signal-link' });
    await until(`document.querySelector('#signal-uri')?.textContent === ${JSON.stringify(LINK_URI)}`);
    const expected = `data:image/svg+xml;base64,${Buffer.from(await QRCode.toString(LINK_URI, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })).toString('base64')}`;
    expect(await b().send('evaluate', { expression: `document.querySelector('#signal-qr').getAttribute('src')` })).toBe(expected);
    expect(backends?.log(200)).toContain('request GET /v1/qrcodelink/raw');
    await shot('1-signal');
    expect(await problems(['/api/signal/link'])).toEqual([]);
  });

  it('pulls a model through the gateway: the progress on the page advances to the end', async () => {
    await b().send('fill', { selector: '#model', value: 'llama3.2:3b' });
    await b().send('click', { selector: '#model-pull' });
    const values = new Set<number>();
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(await text('#pull-status')).includes('success')) {
      values.add(Number(await b().send('evaluate', { expression: `document.querySelector('#pull-progress').getAttribute('value')` })));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await text('#pull-status')).toContain('success');
    expect([...values].filter((v) => v > 0 && v < 1_500_000_000).length, 'distinct progress values seen mid-pull').toBeGreaterThan(2);
    await shot('2-pull');
    expect(await problems()).toEqual([]);
  });

  it("shows the Drive sync's numbers, read over rclone's rc with the Drive sync's own credentials", async () => {
    await b().send('click', { selector: '#drive-refresh' });
    await until(`document.querySelector('#drive-status')?.textContent === '7 files, 123456 bytes synced, 0 errors'`);
    expect(backends?.log(200)).toContain('request POST /core/stats');
    expect(await problems()).toEqual([]);
  });
});
