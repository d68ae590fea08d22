// Runs inside an app-test namespace (test/support/real-apps-browser.ts starts
// it with `ip netns exec`): Debian's Chromium through playwright-core, over a
// pipe (no TCP debugging port). Commands arrive as JSON lines on stdin, answers
// leave as JSON lines on stdout: {id, ok, value} or {id, ok: false, error}.
// It records, from the first page on: responses with status >= 400, requests
// that failed on the network, console errors and page errors, and every
// WebSocket twice: as Playwright sees it (handshake errors such as a 301) and
// as the page sees it (an init script wraps window.WebSocket to keep the close
// code and reason, which Playwright does not expose).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../support/chromium.js';

interface Job {
  readonly executablePath: string;
  readonly hostResolverRules: string;
  /** base64 SHA-256 of the gateway certificate's public key: Chromium trusts exactly that key. */
  readonly spki: string;
  /** A fresh profile directory (inside the test's temp dir, removed with it). */
  readonly userDataDir: string;
}
const job = JSON.parse(process.argv[2] ?? '{}') as Job;

const failedRequests: {
  url: string;
  status?: number;
  error?: string;
  method: string;
}[] = [];
const consoleErrors: { text: string; url?: string }[] = [];
const sockets: {
  url: string;
  frames: string[];
  closed: boolean;
  error?: string;
}[] = [];

// In the page: the close code and reason of each WebSocket the app opens.
const WS_RECORDER = `(() => {
  const Native = window.WebSocket;
  const log = (window.__moatWs = []);
  class Recorded extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      const rec = { url: String(url), opened: false, openedAt: 0, closed: null, received: [] };
      log.push(rec);
      this.addEventListener('open', () => { rec.opened = true; rec.openedAt = Date.now(); });
      this.addEventListener('close', (e) => { rec.closed = { code: e.code, reason: e.reason, wasClean: e.wasClean, at: Date.now() }; });
      this.addEventListener('message', (e) => { if (rec.received.length < 20) rec.received.push(typeof e.data === 'string' ? e.data.slice(0, 300) : '[binary]'); });
    }
  }
  window.WebSocket = Recorded;
})();`;

mkdirSync(job.userDataDir, { recursive: true });
const userDataDir = job.userDataDir;
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: job.executablePath,
  headless: true,
  ignoreHTTPSErrors: true,
  viewport: { width: 1400, height: 900 },
  args: [
    ...CHROMIUM_ARGS,
    `--host-resolver-rules=${job.hostResolverRules}`,
    // ignoreHTTPSErrors covers page loads, not a service worker's script fetch
    // ("An SSL certificate error occurred when fetching the script"): the test
    // certificate stands in for the tailnet's real one, so Chromium trusts its key.
    `--ignore-certificate-errors-spki-list=${job.spki}`,
  ],
});
await context.addInitScript(WS_RECORDER);
const page = context.pages()[0] ?? (await context.newPage());
page.on('response', (r) => {
  if (r.status() >= 400)
    failedRequests.push({
      url: r.url(),
      status: r.status(),
      method: r.request().method(),
    });
});
// Requests in flight, for `quiet`: Playwright's networkidle can fire while an app is still
// fetching its data, and navigating then aborts those requests (ERR_ABORTED).
const inflight = new Set<unknown>();
page.on('request', (r) => inflight.add(r));
page.on('requestfinished', (r) => inflight.delete(r));
page.on('requestfailed', (r) => inflight.delete(r));
page.on('requestfailed', (r) =>
  failedRequests.push({
    url: r.url(),
    error: r.failure()?.errorText ?? 'failed',
    method: r.method(),
  }),
);
page.on('console', (m) => {
  if (m.type() === 'error') consoleErrors.push({ text: m.text(), url: m.location().url });
});
page.on('pageerror', (e) => consoleErrors.push({ text: `pageerror: ${e.message}` }));
page.on('websocket', (ws) => {
  const rec: (typeof sockets)[number] = {
    url: ws.url(),
    frames: [],
    closed: false,
  };
  sockets.push(rec);
  ws.on('framereceived', (f) => {
    if (rec.frames.length < 20) rec.frames.push(typeof f.payload === 'string' ? f.payload.slice(0, 300) : '[binary]');
  });
  ws.on('socketerror', (e) => (rec.error = e));
  ws.on('close', () => (rec.closed = true));
});

type Command = { id: number; op: string } & Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));
const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);

async function perform(c: Command): Promise<unknown> {
  switch (c.op) {
    case 'goto':
      return (
        await page.goto(str(c['url']), {
          waitUntil: (c['waitUntil'] as 'load' | undefined) ?? 'load',
          timeout: num(c['timeout'], 60_000),
        })
      )?.status();
    case 'fill':
      return page.fill(str(c['selector']), str(c['value']), {
        timeout: num(c['timeout'], 30_000),
      });
    case 'click':
      return page.click(str(c['selector']), {
        timeout: num(c['timeout'], 30_000),
      });
    case 'press':
      return page.press(str(c['selector']), str(c['key']), {
        timeout: num(c['timeout'], 30_000),
      });
    case 'waitFor':
      await page.waitForSelector(str(c['selector']), {
        state: (c['state'] as 'visible' | undefined) ?? 'visible',
        timeout: num(c['timeout'], 60_000),
      });
      return true;
    case 'waitForFunction': {
      // Polled with evaluate (CDP Runtime.evaluate): page.waitForFunction compiles the string in
      // the page, which an app's CSP without 'unsafe-eval' (OpenClaw's) refuses.
      const deadline = Date.now() + num(c['timeout'], 60_000);
      for (;;) {
        if (await page.evaluate(str(c['expression'])).catch(() => false)) return true;
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for ${str(c['expression'])}; page text: ${String(await page.evaluate('document.body ? document.body.innerText : ""').catch(() => '')).slice(0, 1500)}`,
          );
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    case 'evaluate':
      return page.evaluate(str(c['expression']));
    case 'text':
      return page.evaluate('document.body ? document.body.innerText : ""');
    case 'url':
      return page.url();
    case 'screenshot': {
      const path = str(c['path']);
      mkdirSync(dirname(path), { recursive: true });
      await page.screenshot({ path, fullPage: false });
      return path;
    }
    case 'sleep':
      await new Promise((r) => setTimeout(r, num(c['ms'], 1000)));
      return true;
    case 'events': {
      const value = {
        failedRequests: [...failedRequests],
        consoleErrors: [...consoleErrors],
        sockets: [...sockets],
        pageSockets: await page.evaluate('window.__moatWs || []').catch(() => []),
      };
      if (c['clear'] === true) {
        failedRequests.length = 0;
        consoleErrors.length = 0;
      }
      return value;
    }
    case 'quiet': {
      const deadline = Date.now() + num(c['timeout'], 60_000);
      let since = Date.now();
      while (Date.now() - since < num(c['ms'], 1500)) {
        if (inflight.size > 0) since = Date.now();
        if (Date.now() > deadline) throw new Error(`still ${inflight.size} requests in flight`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return true;
    }
    case 'idle':
      await page.waitForLoadState('networkidle', {
        timeout: num(c['timeout'], 60_000),
      });
      return true;
    case 'close':
      await context.close();
      return true;
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

const lines = createInterface({ input: process.stdin });
process.stdout.write(`${JSON.stringify({ id: 0, ok: true, value: 'ready' })}\n`);
for await (const line of lines) {
  if (line.trim() === '') continue;
  const c = JSON.parse(line) as Command;
  try {
    const value = await perform(c);
    process.stdout.write(`${JSON.stringify({ id: c.id, ok: true, value: value ?? null })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ id: c.id, ok: false, error: error instanceof Error ? error.message : String(error) })}\n`);
  }
  if (c.op === 'close') break;
}
process.exit(0);
