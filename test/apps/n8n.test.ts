// Real n8n (npm n8n at the catalog's version, on Node 24 from the app cache)
// behind the real rendered gateway over TLS, driven by headless Chromium, all
// inside a private network namespace (test/support/real-apps.ts).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../../scripts/test-app-versions.js';
import {
  type AppNamespace,
  asUser,
  createNamespace,
  deleteNamespace,
  type HttpReply,
  httpInNamespace,
  installedApp,
  type NsProcess,
  nodeBinary,
  ORIGIN,
  ownedDir,
  runInNamespace,
  startInNamespace,
  startStubs,
  waitUntil,
} from '../support/real-apps.js';
import { type Browser, type BrowserEvents, SCREENSHOTS, startBrowser } from '../support/real-apps-browser.js';
import { dnsNames, type Gateway, healthcheckPasses, renderedPlatform, serviceAddress, serviceEnvironment, startGateway } from '../support/real-apps-gateway.js';

const app = testApp('n8n');
const OWNER = {
  email: 'owner@moat.test',
  firstName: 'Moat',
  lastName: 'Test',
  password: 'Moat-test-pass-1',
};
// n8n binds its auth cookie to a browser id the editor sends as `browser-id` (n8n cli auth.service: browserId check).
const BROWSER_ID = 'moat-test-rest-client';
let ns: AppNamespace | undefined;
let n8n: NsProcess | undefined;
let stubs: NsProcess | undefined;
let gateway: Gateway | undefined;
let browser: Browser | undefined;
let jar = '';

// Generous but bounded: on a machine that skipped scripts/setup-test-host.sh, the first
// run installs the app (minutes); the app start itself is waited for by health polls.
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
  // The check can fail: nothing answers before the app starts.
  expect(healthcheckPasses(ns, r, 'n8n', { node: [node] })).toBe(false);
  n8n = startInNamespace(ns, 'n8n', exe, argv, env, home);
  // compose's own health check, as rendered (node fetch of /healthz/readiness), run in the namespace.
  await waitUntil('n8n to pass its rendered health check', () => healthcheckPasses(ns as AppNamespace, r, 'n8n', { node: [node] }), 300_000, n8n);
  // /healthz answers as soon as the HTTP server listens, and while n8n starts every
  // path answers 200 (a placeholder), then 404, until the controllers are registered
  // (seen with 2.41.3): wait for /healthz/readiness (database up and migrated) and then
  // for the real auth controller, which refuses an anonymous GET /rest/login with 401.
  const code = (path: string): string =>
    runInNamespace(ns as AppNamespace, 'curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', `http://127.0.0.1:5678${path}`]);
  await waitUntil('n8n /healthz/readiness', () => code('/healthz/readiness') === '200', 300_000, n8n);
  await waitUntil('the n8n REST API', () => code('/rest/login') === '401', 120_000, n8n);
  gateway = await startGateway(ns, r);
  browser = await startBrowser(ns, gateway.ca);
}, 45 * 60_000);

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

  it('signs in in the browser; the sign-in page loads with no failed request and no console error', async () => {
    const b = browser as Browser;
    expect(await b.send('goto', { url: `${ORIGIN}/n8n/signin` })).toBe(200);
    await b.send('fill', {
      selector: 'input[name="emailOrLdapLoginId"]',
      value: OWNER.email,
    });
    await b.send('fill', {
      selector: 'input[name="password"]',
      value: OWNER.password,
    });
    await b.send('screenshot', { path: join(SCREENSHOTS, 'n8n-0-signin.png') });
    await b.send('click', { selector: '[data-test-id="form-submit-button"]' });
    await b.send('waitForFunction', {
      expression: `location.pathname !== '/n8n/signin'`,
      timeout: 60_000,
    });
    // The page after sign-in finishes its own requests before the next test navigates away
    // (navigating would abort them: ERR_ABORTED).
    await b.send('idle');
    await b.send('quiet');
    const ev = await b.events(true);
    expect(
      ev.failedRequests.filter((f) => !signedOutProbe(f.url, f.status)),
      'requests that failed (status >= 400 or network error)',
    ).toEqual([]);
    expect(
      ev.consoleErrors.filter((e) => !signedOutProbe(e.url ?? '', 401)),
      'console errors',
    ).toEqual([]);
  }, 180_000);

  it('loads the editor with no failed request and no console error', async () => {
    const b = browser as Browser;
    expect(await b.send('goto', { url: `${ORIGIN}/n8n/workflow/new` })).toBe(200);
    await b.send('waitFor', { selector: '#app', timeout: 60_000 });
    await b.send('waitForFunction', {
      expression: `(window.__moatWs || []).some((s) => s.url.includes('/rest/push'))`,
      timeout: 60_000,
    });
    await b.send('idle');
    await b.send('quiet');
    await b.send('screenshot', { path: join(SCREENSHOTS, 'n8n-1-editor.png') });
    const ev = await b.events();
    expect(ev.failedRequests, 'requests that failed (status >= 400 or network error)').toEqual([]);
    expect(ev.consoleErrors, 'console errors').toEqual([]);
  }, 180_000);

  it('keeps the editor push WebSocket (/n8n/rest/push) open and shows no "Connection lost"', async () => {
    const b = browser as Browser;
    await b.send('sleep', { ms: 10_000 }); // an observation window: the socket must still be open after it
    const ev = await b.events();
    const push = pushSockets(ev);
    expect(push.length, `the editor opened no push WebSocket; sockets: ${ev.pageSockets.map((s) => s.url).join(', ')}`).toBeGreaterThan(0);
    // n8n refuses a push connection whose Origin host differs from X-Forwarded-Host/Host:
    // it sends "Invalid origin!" and closes with 1008 (cli src/push/index.ts).
    const closed = push
      .filter((s) => s.closed !== null)
      .map((s) => `closed ${s.closed?.code} "${s.closed?.reason}" after receiving ${JSON.stringify(s.received)}`);
    expect(closed, 'push WebSockets that n8n closed').toEqual([]);
    expect(push.some((s) => s.opened && s.closed === null)).toBe(true);
    await b.send('screenshot', {
      path: join(SCREENSHOTS, 'n8n-2-push-open.png'),
    });
    expect(String(await b.send('text'))).not.toMatch(/Connection lost/i);
  }, 60_000);

  it('runs a production webhook round trip through the gateway with an encoded "/" in the path', async () => {
    const webhookPath = 'moat-roundtrip/part';
    const created = rest('POST', 'workflows', {
      name: 'moat webhook round trip',
      nodes: [
        {
          id: randomUUID(),
          name: 'Webhook',
          type: 'n8n-nodes-base.webhook',
          typeVersion: 2,
          position: [0, 0],
          webhookId: randomUUID(),
          // Answer with the webhook's own output (headers, params, query, body): n8n-nodes-base Webhook node, responseMode lastNode.
          parameters: {
            httpMethod: 'POST',
            path: webhookPath,
            responseMode: 'lastNode',
            responseData: 'firstEntryJson',
            options: {},
          },
        },
      ],
      connections: {},
      settings: {},
    });
    expect(created.status, created.body).toBe(200);
    const wf = (JSON.parse(created.body) as { data: { id: string; versionId: string } }).data;
    // n8n 2.x publishes a workflow version: POST /rest/workflows/:id/activate {versionId} (cli workflows.controller activate).
    const activated = rest('POST', `workflows/${wf.id}/activate`, {
      versionId: wf.versionId,
    });
    expect(activated.status, activated.body).toBe(200);
    if (!ns || !gateway) throw new Error('not started');
    const payload = { hello: 'moat', n: 42 };
    // Publishing registers the webhook after the call returns: the same path with a plain "/"
    // (the control) answers once it is registered.
    let control: HttpReply | undefined;
    await waitUntil(
      'the published webhook (plain "/", the control)',
      () => {
        control = httpInNamespace(ns as AppNamespace, 'POST', `${ORIGIN}/n8n/webhook/moat-roundtrip/part`, {
          ca: (gateway as Gateway).ca,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        });
        return control.status === 200;
      },
      60_000,
      n8n,
    );
    // The client encodes the "/" inside the last path segment.
    const url = `${ORIGIN}/n8n/webhook/moat-roundtrip%2Fpart?via=gateway`;
    const res = httpInNamespace(ns, 'POST', url, {
      ca: gateway.ca,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    expect(res.status, res.body).toBe(200);
    const seen = JSON.parse(res.body) as {
      body?: unknown;
      query?: Record<string, string>;
      headers?: Record<string, string>;
    };
    expect(seen.body).toEqual(payload);
    expect(seen.query).toEqual({ via: 'gateway' });
    expect(seen.headers?.['x-forwarded-host']).toBe(new URL(ORIGIN).host);
    // Note: n8n itself cannot tell `moat-roundtrip%2Fpart` from `moat-roundtrip/part`: its
    // webhook route is Express 5's `/webhook/*path`, whose wildcard (path-to-regexp 8) splits
    // the raw path at "/" and decodes each segment, and n8n joins the segments with "/"
    // (cli dist/webhooks/webhook-request-handler.js, createWebhookHandlerFor). So this round trip
    // passes whether or not the gateway decodes %2F; the raw-URI hop is the gateway's own test.
  }, 120_000);
});

/**
 * Harmless before sign-in: the editor asks GET /rest/login whether its cookie is
 * a session and takes 401 as "signed out" (n8n editor-ui users store,
 * loginWithCookie; cli auth controller answers 401 without a valid n8n-auth cookie).
 */
function signedOutProbe(url: string, status: number | undefined): boolean {
  return url === `${ORIGIN}/n8n/rest/login` && status === 401;
}
