// Real OpenClaw (npm openclaw at the catalog's version, on Node 24 from the app
// cache) behind the real rendered gateway over TLS, driven by headless Chromium,
// all inside a private network namespace (test/support/real-apps.ts). The model
// provider points at LiteLLM's static address, where a stub OpenAI-compatible
// server answers (test/apps/ns-stubs.ts).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../../scripts/test-app-versions.js';
import { CATALOG } from '../../src/catalog/index.js';
import {
  type AppNamespace,
  asUser,
  createNamespace,
  deleteNamespace,
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
import { type Browser, SCREENSHOTS, startBrowser } from '../support/real-apps-browser.js';
import { dnsNames, type Gateway, healthcheckPasses, renderedPlatform, serviceAddress, serviceEnvironment, startGateway } from '../support/real-apps-gateway.js';

const TOKEN = 'moat-test-openclaw-gateway-token-0123456789abcdef';
const app = testApp('openclaw');
const catalogService = (name: string) => CATALOG.find((c) => c.name === name);
let ns: AppNamespace | undefined;
let claw: NsProcess | undefined;
let stubs: NsProcess | undefined;
let gateway: Gateway | undefined;
let browser: Browser | undefined;
let cliEnv: Record<string, string> = {};
let node = '';
let pkg = '';
let user = '1000:1000';
let renderedConfig = '';

// Generous but bounded: on a machine that skipped scripts/setup-test-host.sh, the first
// run installs the app (minutes); the app start itself is waited for by health polls.
beforeAll(async () => {
  const dir = installedApp('openclaw');
  node = nodeBinary();
  pkg = join(dir, 'node_modules/openclaw');
  const r = renderedPlatform();
  const compose = r.services['clawdbot'];
  if (compose === undefined) throw new Error('the bundle has no clawdbot service');
  ns = createNamespace('claw', serviceAddress(r, 'nginx'), [serviceAddress(r, 'clawdbot'), serviceAddress(r, 'litellm')]);
  stubs = startStubs(ns, dnsNames(r), {
    address: serviceAddress(r, 'litellm'),
    port: 4000,
  });
  await waitUntil('the namespace stubs', () => stubs?.log().includes('ready\n') ?? false, 30_000, stubs);

  user = String((compose as { user?: string }).user ?? '1000:1000');
  const rendered = serviceEnvironment(r, 'clawdbot');
  // Container paths become temp dirs: the rendered config file mounted at
  // OPENCLAW_CONFIG_PATH, and HOME, whose .openclaw is the clawdbot-state volume.
  const configDir = ownedDir(join(ns.dir, 'clawdbot-config'), user);
  const configPath = join(configDir, 'openclaw.json');
  renderedConfig = r.file('clawdbot/openclaw.json');
  writeFileSync(configPath, renderedConfig);
  const home = ownedDir(join(ns.dir, 'clawdbot-home'), user);
  ownedDir(join(home, '.openclaw'), user);
  const env: Record<string, string> = {
    ...rendered,
    HOME: home,
    OPENCLAW_STATE_DIR: join(home, '.openclaw'),
    OPENCLAW_CONFIG_PATH: configPath,
    // secrets/clawdbot.env: every secret of the catalog entry (`secrets[].env`), a test value each;
    // the gateway token is the one the browser is given.
    ...Object.fromEntries((catalogService('clawdbot')?.secrets ?? []).map((x) => [x.env, `sk-test-${x.name.toLowerCase()}`])),
    OPENCLAW_GATEWAY_TOKEN: TOKEN,
    // The image's own environment (openclaw/openclaw Dockerfile: ENV NODE_ENV=production; node:*-bookworm PATH).
    NODE_ENV: 'production',
    PATH: `${join(node, '..')}:/usr/local/bin:/usr/bin:/bin`,
  };
  expect(rendered['HOME']).toBe('/home/node');
  expect(rendered['OPENCLAW_CONFIG_PATH']).toBe('/etc/openclaw/openclaw.json');
  cliEnv = env;
  // compose's command, run from the image's WORKDIR (/app, the package): `node openclaw.mjs gateway ...`.
  const [cmd, ...args] = compose.command ?? [];
  expect(cmd).toBe('node');
  const [exe, argv] = asUser(user, node, args);
  // The check can fail: nothing answers before the app starts.
  expect(healthcheckPasses(ns, r, 'clawdbot', { node: [node] })).toBe(false);
  claw = startInNamespace(ns, 'clawdbot', exe, argv, env, pkg);
  // compose's own health check, as rendered (node fetch of /healthz answering {"ok":true}), run in the namespace.
  await waitUntil('OpenClaw to pass its rendered health check', () => healthcheckPasses(ns as AppNamespace, r, 'clawdbot', { node: [node] }), 240_000, claw);
  gateway = await startGateway(ns, r);
  browser = await startBrowser(ns, gateway.ca);
}, 45 * 60_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.proc.stop();
  await claw?.stop();
  await stubs?.stop();
  if (ns) deleteNamespace(ns);
}, 120_000);

function cli(args: readonly string[]): string {
  if (!ns) throw new Error('no namespace');
  // What an operator runs: `docker compose exec clawdbot node openclaw.mjs <args>`.
  const [exe, argv] = asUser(user, node, ['openclaw.mjs', ...args]);
  return runInNamespace(ns, exe, argv, {
    env: cliEnv,
    timeoutMs: 120_000,
    cwd: pkg,
  });
}

interface PairingList {
  readonly pending?: readonly {
    requestId?: string;
    deviceId?: string;
    clientId?: string;
  }[];
  readonly paired?: readonly { deviceId?: string; clientId?: string }[];
}

const UI = `${ORIGIN}/clawdbot/`;
const socketUrl = `wss://${new URL(ORIGIN).host}/clawdbot`;

describe(`OpenClaw ${app.version} behind the rendered gateway (real app, real nginx, Chromium)`, () => {
  let requestId = '';

  it('loads the Control UI at /clawdbot/ with no failed request and no console error', async () => {
    const b = browser as Browser;
    // The token in the fragment is the Control UI's own handoff (docs/web/urls.md at this version:
    // "#token=" because fragments do not enter request logs or Referer headers).
    expect(await b.send('goto', { url: `${UI}#token=${TOKEN}` })).toBe(200);
    // The first connection of a new browser stops at the pairing step (docs/web/control-ui/connect-and-pair.md).
    await b.send('waitForFunction', {
      expression: `document.body && /Approve this browser|Connected|Chat/.test(document.body.innerText)`,
      timeout: 60_000,
    });
    await b.send('screenshot', {
      path: join(SCREENSHOTS, 'openclaw-1-pairing.png'),
    });
    const ev = await b.events();
    expect(
      ev.failedRequests.filter((f) => !isOfflineCatalogIcon(f.url)),
      'requests that failed (status >= 400 or network error)',
    ).toEqual([]);
    expect(
      ev.consoleErrors.filter((e) => !isOfflineCatalogIcon(e.url ?? '')),
      'console errors',
    ).toEqual([]);
  }, 120_000);

  it('opens its WebSocket at wss://<host>:8443/clawdbot through the gateway, and OpenClaw answers it', async () => {
    const ev = await (browser as Browser).events();
    const attempts = ev.sockets.filter((s) => s.url === socketUrl);
    expect(attempts.length, `the UI opened no WebSocket to ${socketUrl}; it opened: ${ev.sockets.map((s) => s.url).join(', ')}`).toBeGreaterThan(0);
    const failed = attempts.filter((s) => s.error !== undefined);
    expect(
      failed.map((s) => s.error),
      'WebSocket handshakes that failed (a 301 at /clawdbot shows here as "Unexpected response code: 301")',
    ).toEqual([]);
    const page = ev.pageSockets.filter((s) => s.url === socketUrl);
    expect(page.some((s) => s.opened)).toBe(true);
    // The first frame is OpenClaw's own connect challenge: the socket reached the app, not a stand-in.
    expect(page[0]?.received[0] ?? '').toContain('"event":"connect.challenge"');
  });

  it('asks to pair this browser: the gateway closes with 1008 "pairing required" and a request id', async () => {
    const ev = await (browser as Browser).events();
    const closed = ev.pageSockets.find((s) => s.url === socketUrl && s.closed !== null);
    expect(closed?.closed?.code, JSON.stringify(closed)).toBe(1008);
    const match = /pairing required.*requestId: ([0-9a-f-]+)/.exec(closed?.closed?.reason ?? '');
    expect(match, closed?.closed?.reason).not.toBeNull();
    requestId = match?.[1] ?? '';
    // The UI tells the user the exact command (docs/cli/devices.md at this version).
    expect(String(await (browser as Browser).send('text'))).toContain(`openclaw devices approve ${requestId}`);
  });

  it('`openclaw devices list` shows the request and `openclaw devices approve <requestId>` approves it', () => {
    expect(requestId).not.toBe('');
    const list = JSON.parse(cli(['devices', 'list', '--json'])) as PairingList;
    expect(
      list.pending?.map((p) => p.requestId),
      JSON.stringify(list),
    ).toContain(requestId);
    cli(['devices', 'approve', requestId]);
    const after = JSON.parse(cli(['devices', 'list', '--json'])) as PairingList;
    expect(after.pending?.map((p) => p.requestId) ?? []).not.toContain(requestId);
    expect((after.paired ?? []).length, JSON.stringify(after)).toBeGreaterThan(0);
  }, 300_000);

  it('then the UI connects on its own and its WebSocket stays open', async () => {
    const b = browser as Browser;
    // "this page connects on its own once the request is approved" (connect-and-pair.md).
    await b.send('waitForFunction', {
      expression: `(window.__moatWs || []).some((s) => s.url === ${JSON.stringify(socketUrl)} && s.opened && s.closed === null && !/Approve this browser/.test(document.body.innerText))`,
      timeout: 90_000,
    });
    await b.send('sleep', { ms: 5000 }); // an observation window: the socket must still be open after it
    await b.send('screenshot', {
      path: join(SCREENSHOTS, 'openclaw-2-connected.png'),
    });
    const ev = await b.events();
    const open = ev.pageSockets.filter((s) => s.url === socketUrl && s.opened && s.closed === null);
    expect(open.length, JSON.stringify(ev.pageSockets.slice(-3))).toBeGreaterThan(0);
    expect(String(await b.send('text'))).not.toMatch(/Approve this browser|disconnected \(\d+\)/);
    expect(ev.failedRequests.filter((f) => !isOfflineCatalogIcon(f.url))).toEqual([]);
    expect(ev.consoleErrors.filter((e) => !isOfflineCatalogIcon(e.url ?? ''))).toEqual([]);
  }, 180_000);

  it('answers an agent turn with the model behind LiteLLM (a stub OpenAI-compatible server at litellm:4000)', () => {
    // The rendered config must wire a provider to LiteLLM (review F5: OPENAI_BASE_URL alone
    // configures none): models.providers.<id>.baseUrl = http://litellm:4000/v1, api openai-completions.
    const config = JSON.parse(renderedConfig) as { models?: { providers?: Record<string, { baseUrl?: string; models?: { id?: string }[] }> } };
    const providers = Object.entries(config.models?.providers ?? {});
    const litellm = providers.find(([, p]) => p.baseUrl === 'http://litellm:4000/v1');
    expect(
      litellm,
      `the rendered clawdbot/openclaw.json configures no model provider at http://litellm:4000/v1 (providers: ${JSON.stringify(providers)})`,
    ).toBeDefined();
    // One turn through the Gateway, as an operator would run it (docs/cli/agent.md at this version).
    const out = cli(['agent', '--agent', 'main', '--message', 'Say hello.', '--json']);
    // The Gateway-backed envelope: { status, result: { payloads: [{ text }], meta: { agentMeta: { provider, model } } } }.
    const result = JSON.parse(out) as { status?: string; result?: { payloads?: { text?: string }[]; meta?: { agentMeta?: { provider?: string } } } };
    expect(result.status, out.slice(0, 3000)).toBe('ok');
    expect(result.result?.payloads?.map((p) => p.text).join('')).toContain('Hello from the stub model.');
    expect(result.result?.meta?.agentMeta?.provider).toBe(litellm?.[0]);
    expect(stubs?.log(20_000) ?? '').toMatch(/model-stub POST \/v1\/chat\/completions/);
  }, 300_000);
});

/**
 * Harmless here: the model catalog shows provider icons through OpenClaw's own
 * icon proxy, `<basePath>/__openclaw__/catalog-icon/<https URL>`, which fetches
 * the icon from the internet (cdn.simpleicons.org) and answers 404 when it
 * cannot (openclaw 2026.9.6 dist/plugin-icon-http-*.mjs: loadCatalogIcon, then
 * respondNotFound when no icon). The test namespace has no internet, and
 * Chromium also reports the failed image load as ERR_ABORTED.
 */
function isOfflineCatalogIcon(url: string): boolean {
  return url.startsWith(`${ORIGIN}/clawdbot/__openclaw__/catalog-icon/https%3A%2F%2F`) || isMissingOwnerAvatar(url);
}

/**
 * Harmless too: once connected, the UI asks for the operator's avatar at
 * `<basePath>/api/users/<profile>/avatar?v=…` (openclaw 2026.9.6
 * dist/control-ui-resource-routes-*.mjs: buildControlUiUserAvatarPath, under the
 * base path, so through the gateway's /clawdbot/ location), and OpenClaw answers
 * 404 while no avatar was uploaded; the UI then shows initials.
 */
function isMissingOwnerAvatar(url: string): boolean {
  return /^https:\/\/[^/]+\/clawdbot\/api\/users\/[^/]+\/avatar(\?v=\d+)?$/.test(url);
}
