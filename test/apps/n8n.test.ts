// Real n8n (npm n8n at the catalog's version, on Node 24 from the app cache)
// behind the real rendered gateway over TLS, driven by headless Chromium, all
// inside a private network namespace (test/support/real-apps.ts).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../../scripts/test-app-versions.js';
import { type Browser, type BrowserEvents, SCREENSHOTS, startBrowser } from '../support/real-apps-browser.js';
import { type Gateway, dnsNames, renderedPlatform, serviceAddress, serviceEnvironment, startGateway } from '../support/real-apps-gateway.js';
import {
  type AppNamespace, type HttpReply, type NsProcess, ORIGIN, asUser, createNamespace, deleteNamespace, httpInNamespace, installedApp, nodeBinary,
  ownedDir, runInNamespace, startInNamespace, startStubs, waitUntil,
} from '../support/real-apps.js';

const app = testApp('n8n');
const OWNER = { email: 'owner@moat.test', firstName: 'Moat', lastName: 'Test', password: 'Moat-test-pass-1' };
// n8n binds its auth cookie to a browser id the editor sends as `browser-id` (n8n cli auth.service: browserId check).
const BROWSER_ID = 'moat-test-rest-client';
let ns: AppNamespace | undefined;
let n8n: NsProcess | undefined;
let stubs: NsProcess | undefined;
let gateway: Gateway | undefined;
let browser: Browser | undefined;
let jar = '';

beforeAll(async () => {
  const dir = installedApp('n8n');
  const node = nodeBinary();
  const r = renderedPlatform();
  const compose = r.services['n8n'] as { user?: string } | undefined;
  if (compose === undefined) throw new Error('the bundle has no n8n service');
  ns = createNamespace('n8n', serviceAddress(r, 'nginx'), [serviceAddress(r, 'n8n')]);
  stubs = startStubs(ns, dnsNames(r));
  await waitUntil('the namespace stubs', () => stubs?.log().includes('ready\n') ?? false, 30_000, stubs);
  const user = compose.user ?? '1000:1000';
  // The n8n-data volume is mounted at /home/node/.n8n, the node user's home:
  // here a temp dir. n8n puts its .n8n folder in N8N_USER_FOLDER (default: the home).
  const home = ownedDir(join(ns.dir, 'n8n-home'), user);
  const env: Record<string, string> = {
    ...serviceEnvironment(r, 'n8n'),
    // secrets/n8n.env: the one secret (`secrets[].env` of the catalog entry), a test value.
    N8N_ENCRYPTION_KEY: 'moat-test-n8n-encryption-key-0123456789abcdef',
    HOME: home,
    N8N_USER_FOLDER: home,
    // The image's own environment (n8n-io/n8n docker/images/n8n/Dockerfile: ENV NODE_ENV=production;
    // n8n's push origin check only runs in production, cli src/push/index.ts).
    NODE_ENV: 'production',
    PATH: `${join(node, '..')}:/usr/local/bin:/usr/bin:/bin`,
  };
  jar = join(ns.dir, 'n8n-cookies.txt');
  // The image's entrypoint runs `n8n` (start); here the package's bin with Node 24.
  const [exe, argv] = asUser(user, node, [join(dir, 'node_modules/n8n/bin/n8n'), 'start']);
  n8n = startInNamespace(ns, 'n8n', exe, argv, env, home);
  // compose's healthcheck: GET /healthz on the loopback answers 200.
  await waitUntil('n8n to answer its health check', () => runInNamespace(ns as AppNamespace, 'curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', 'http://127.0.0.1:5678/healthz']) === '200', 300_000, n8n);
  gateway = await startGateway(ns, r);
  browser = await startBrowser(ns, gateway.ca);
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.proc.stop();
  await n8n?.stop();
  await stubs?.stop();
  if (ns) deleteNamespace(ns);
}, 120_000);

function rest(method: string, path: string, body?: unknown): HttpReply {
  if (!ns || !gateway) throw new Error('not started');
  return httpInNamespace(ns, method, `${ORIGIN}/n8n/rest/${path}`, {
    ca: gateway.ca,
    cookieJar: jar,
    headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

const pushSockets = (ev: BrowserEvents) => ev.pageSockets.filter((s) => new URL(s.url).pathname === '/n8n/rest/push');

describe(`n8n ${app.version} behind the rendered gateway (real app, real nginx, Chromium)`, () => {
  it('sets up the owner through the gateway (POST /n8n/rest/owner/setup)', () => {
    const res = rest('POST', 'owner/setup', OWNER);
    expect(res.status, res.body).toBe(200);
    expect((JSON.parse(res.body) as { data?: { email?: string } }).data?.email).toBe(OWNER.email);
  });

  it('signs in in the browser and loads the editor with no failed request and no console error', async () => {
    const b = browser as Browser;
    expect(await b.send('goto', { url: `${ORIGIN}/n8n/signin` })).toBe(200);
    await b.send('fill', { selector: 'input[name="emailOrLdapLoginId"]', value: OWNER.email });
    await b.send('fill', { selector: 'input[name="password"]', value: OWNER.password });
    await b.send('click', { selector: '[data-test-id="form-submit-button"]' });
    await b.send('waitForFunction', { expression: `location.pathname !== '/n8n/signin'`, timeout: 60_000 });
    expect(await b.send('goto', { url: `${ORIGIN}/n8n/workflow/new` })).toBe(200);
    await b.send('waitFor', { selector: '#app', timeout: 60_000 });
    await b.send('waitForFunction', { expression: `(window.__moatWs || []).some((s) => s.url.includes('/rest/push'))`, timeout: 60_000 });
    await b.send('screenshot', { path: join(SCREENSHOTS, 'n8n-1-editor.png') });
    const ev = await b.events();
    expect(ev.failedRequests.filter((f) => !harmless(f.url, f.status)), 'requests that failed (status >= 400 or network error)').toEqual([]);
    expect(ev.consoleErrors.filter((e) => !harmless(e.url ?? '', 404)), 'console errors').toEqual([]);
  }, 180_000);

  it('keeps the editor push WebSocket (/n8n/rest/push) open and shows no "Connection lost"', async () => {
    const b = browser as Browser;
    await b.send('sleep', { ms: 10_000 }); // an observation window: the socket must still be open after it
    const ev = await b.events();
    const push = pushSockets(ev);
    expect(push.length, `the editor opened no push WebSocket; sockets: ${ev.pageSockets.map((s) => s.url).join(', ')}`).toBeGreaterThan(0);
    // n8n refuses a push connection whose Origin host differs from X-Forwarded-Host/Host:
    // it sends "Invalid origin!" and closes with 1008 (cli src/push/index.ts).
    const closed = push.filter((s) => s.closed !== null).map((s) => `closed ${s.closed?.code} "${s.closed?.reason}" after receiving ${JSON.stringify(s.received)}`);
    expect(closed, 'push WebSockets that n8n closed').toEqual([]);
    expect(push.some((s) => s.opened && s.closed === null)).toBe(true);
    await b.send('screenshot', { path: join(SCREENSHOTS, 'n8n-2-push-open.png') });
    expect(String(await b.send('text'))).not.toMatch(/Connection lost/i);
  }, 60_000);

  it('runs a production webhook round trip through the gateway with an encoded "/" in the path', () => {
    const webhookPath = 'moat-roundtrip/part';
    const created = rest('POST', 'workflows', {
      name: 'moat webhook round trip',
      nodes: [{
        id: randomUUID(), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: randomUUID(),
        // Answer with the webhook's own output (headers, params, query, body): n8n-nodes-base Webhook node, responseMode lastNode.
        parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
      }],
      connections: {},
      settings: {},
    });
    expect(created.status, created.body).toBe(200);
    const wf = (JSON.parse(created.body) as { data: { id: string; versionId: string } }).data;
    // n8n 2.x publishes a workflow version: POST /rest/workflows/:id/activate {versionId} (cli workflows.controller activate).
    const activated = rest('POST', `workflows/${wf.id}/activate`, { versionId: wf.versionId });
    expect(activated.status, activated.body).toBe(200);
    if (!ns || !gateway) throw new Error('not started');
    const payload = { hello: 'moat', n: 42 };
    // The client encodes the "/" inside the last path segment.
    const url = `${ORIGIN}/n8n/webhook/moat-roundtrip%2Fpart?via=gateway`;
    const res = httpInNamespace(ns, 'POST', url, { ca: gateway.ca, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    expect(res.status, res.body).toBe(200);
    const seen = JSON.parse(res.body) as { body?: unknown; query?: Record<string, string>; headers?: Record<string, string> };
    expect(seen.body).toEqual(payload);
    expect(seen.query).toEqual({ via: 'gateway' });
    expect(seen.headers?.['x-forwarded-host']).toBe(new URL(ORIGIN).host);
    // What reached n8n's port: nginx's access log of the hop does not show it, the app's own
    // view does. n8n (Express 5, path-to-regexp 8) decodes each path segment and joins the
    // segments with "/", so `moat-roundtrip%2Fpart` and `moat-roundtrip/part` are one path to it.
  }, 120_000);
});

/**
 * Failed requests that are not a fault of the deployment, each with its source.
 * - `/n8n/rest/sentry.js` is not requested when diagnostics are off; n8n 1.94 asked for
 *   `/rest/sentry.js` outside the prefix (404). Listed here only if seen again, with the reason.
 */
function harmless(_url: string, _status: number | undefined): boolean {
  return false;
}
