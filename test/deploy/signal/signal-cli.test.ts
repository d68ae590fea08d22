// `moat signal` against a stub signal-cli-rest-api (its documented API at 0.100,
// signal-api-stub.ts): the QR printed by `link` is the stub's link URI, the
// captcha and the PIN travel from standard input into request bodies only, and
// exit codes tell an unreachable signal-api (3) from a refusal (1) and bad input (2).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import QRCode from 'qrcode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIGNAL_CLI_REST_API_ROUTES } from '../../../src/catalog/upstream/signal-cli-rest-api.js';
import { runSignalLink, runSignalRegister, runSignalStatus, runSignalVerify, type SignalIo } from '../../../src/cli/commands/signal.js';
import { main } from '../../../src/cli/main.js';
import { goldenPlatform } from '../../support/golden.js';
import { type SignalApiStub, startSignalApiStub } from './signal-api-stub.js';

const CAPTCHA = 'signalcaptcha://signal-hcaptcha.5fad97ac-7d06-4e44-b18a-b950b20148ff.registration.P1_eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9';
const PIN = '482913';
const NUMBER = '+4915112345678';

let stub: SignalApiStub;
let out: PassThrough;
let err: PassThrough;
let outText = '';
let errText = '';
const reference = goldenPlatform('reference');
const withAccount = goldenPlatform(`services:\n  - name: clawdbot\n    env:\n      SIGNAL_ACCOUNT: "${NUMBER}"\n`);

function io(extra: Partial<SignalIo> = {}): SignalIo {
  return { stdout: out, stderr: err, apiUrl: stub.url, linkWaitMs: 5_000, pollMs: 20, stdin: Readable.from([]), ...extra };
}

beforeEach(async () => {
  stub = await startSignalApiStub();
  outText = '';
  errText = '';
  out = new PassThrough();
  err = new PassThrough();
  out.on('data', (c: Buffer) => (outText += c.toString('utf8')));
  err.on('data', (c: Buffer) => (errText += c.toString('utf8')));
});
afterEach(async () => {
  await stub.close();
});

/** Reads the utf8 QR drawing back into modules (█ both dark, ▀ top, ▄ bottom), without the quiet zone. */
function readQr(text: string): boolean[][] {
  const lines = text.split('\n').filter((l) => /[█▀▄]/.test(l));
  const rows: boolean[][] = [];
  for (const line of lines) {
    const top: boolean[] = [];
    const bottom: boolean[] = [];
    for (const ch of line) {
      top.push(ch === '█' || ch === '▀');
      bottom.push(ch === '█' || ch === '▄');
    }
    rows.push(top, bottom);
  }
  const dark = (r: boolean[]) => r.some(Boolean);
  const first = rows.findIndex(dark);
  const last = rows.length - 1 - [...rows].reverse().findIndex(dark);
  const body = rows.slice(first, last + 1);
  const left = Math.min(...body.map((r) => r.indexOf(true)).filter((i) => i >= 0));
  const size = body.length;
  return body.map((r) => r.slice(left, left + size));
}

function modulesOf(text: string): boolean[][] {
  const qr = (QRCode as unknown as { create(t: string, o: object): { modules: { size: number; get(r: number, c: number): number } } }).create(text, {
    errorCorrectionLevel: 'M',
  });
  return Array.from({ length: qr.modules.size }, (_, y) => Array.from({ length: qr.modules.size }, (_, x) => qr.modules.get(y, x) === 1));
}

const routeOf = (r: { method: string; url: string }): string =>
  `${r.method} ${r.url
    .split('?')[0]
    ?.replace(/^\/v1\/register\/[^/]+\/verify\/[^/]+$/, '/v1/register/:number/verify/:token')
    .replace(/^\/v1\/register\/[^/]+$/, '/v1/register/:number')}`;

describe('moat signal (stub signal-cli-rest-api 0.100)', () => {
  it('link prints a QR code whose modules are the stub link URI, the URI line, and the account once the phone confirmed', async () => {
    expect(await runSignalLink(withAccount, 'moat-test', true, io())).toBe(0);
    expect(outText).toContain(`link URI: ${stub.linkUri}\n`);
    const printed = readQr(outText);
    expect(printed.length).toBeGreaterThan(20);
    expect(printed).toEqual(modulesOf(stub.linkUri));
    // A different URI draws a different code: the comparison can fail.
    expect(printed).not.toEqual(modulesOf(`${stub.linkUri}x`));
    expect(outText).toContain(`linked: ${NUMBER}\n`);
    expect(stub.requests.some((r) => r.url === '/v1/qrcodelink/raw?device_name=moat-test')).toBe(true);
    // Not a TTY: no colour codes in the drawing.
    expect(outText).not.toContain('\x1b[');
  });

  it('link on a terminal draws black on white, and tells where to put an account moat.yaml lacks', async () => {
    (out as unknown as { isTTY: boolean }).isTTY = true;
    expect(await runSignalLink(reference, 'moat', true, io())).toBe(0);
    expect(outText).toContain('\x1b[30;47m');
    expect(readQr(outText.replaceAll('\x1b[30;47m', '').replaceAll('\x1b[0m', ''))).toEqual(modulesOf(stub.linkUri));
    expect(errText).toContain(`services.clawdbot.env.SIGNAL_ACCOUNT: "${NUMBER}"`);
  });

  it('link refuses a device name with control characters before any request', async () => {
    expect(await runSignalLink(reference, 'evil\x1b]0;x\x07', true, io())).toBe(2);
    expect(stub.requests).toEqual([]);
  });

  it('register sends the captcha read from standard input in the body only, never in the URL or the output', async () => {
    stub.wantCaptcha = true;
    expect(await runSignalRegister(reference, NUMBER, { captchaFrom: '-' }, io({ stdin: Readable.from([`${CAPTCHA}\n`]) }))).toBe(0);
    const reg = stub.requests.filter((r) => r.method === 'POST');
    expect(reg).toHaveLength(1);
    expect(reg[0]?.url).toBe('/v1/register/%2B4915112345678');
    expect(JSON.parse(reg[0]?.body ?? '')).toEqual({ captcha: CAPTCHA });
    expect(outText + errText).not.toContain('hcaptcha');
    expect(outText).toContain('next: moat signal verify CODE --number +4915112345678');
  });

  it('register without the captcha Signal wants exits 1 and says how to get one', async () => {
    stub.wantCaptcha = true;
    expect(await runSignalRegister(reference, NUMBER, { voice: true }, io())).toBe(1);
    expect(JSON.parse(stub.requests.find((r) => r.method === 'POST')?.body ?? '')).toEqual({ use_voice: true });
    expect(errText).toContain('Captcha required');
    expect(errText).toContain('signalcaptchas.org');
  });

  it('register reads the captcha from a file too, and refuses a number that is not E.164 before any request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moat-signal-'));
    try {
      writeFileSync(join(dir, 'captcha'), `${CAPTCHA}\n`, { mode: 0o600 });
      expect(await runSignalRegister(reference, NUMBER, { captchaFrom: join(dir, 'captcha') }, io())).toBe(0);
      expect(JSON.parse(stub.requests.at(-1)?.body ?? '')).toEqual({ captcha: CAPTCHA });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const before = stub.requests.length;
    expect(await runSignalRegister(reference, '015112345678', {}, io())).toBe(2);
    expect(await runSignalRegister(reference, NUMBER, { captchaFrom: '-' }, io({ stdin: Readable.from(['two words\n']) }))).toBe(2);
    expect(stub.requests.length).toBe(before);
  });

  it('a captcha given as an argument is refused by the command line, and not echoed', async () => {
    let stderr = '';
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    }) as typeof process.stderr.write;
    try {
      const code = await main(['node', 'moat', 'signal', 'register', NUMBER, '--captcha', CAPTCHA, '--api-url', stub.url]);
      expect(code).toBe(2);
    } finally {
      process.stderr.write = write;
      process.exitCode = undefined;
    }
    expect(stderr).toMatch(/too many arguments/);
    expect(stderr).not.toContain('hcaptcha');
    expect(stub.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('verify takes the number from moat.yaml, the code with or without its dash, and the PIN from standard input', async () => {
    expect(await runSignalVerify(withAccount, '123-456', { pinFrom: '-' }, io({ stdin: Readable.from([`${PIN}\n`]) }))).toBe(0);
    const v = stub.requests.find((r) => r.method === 'POST');
    expect(v?.url).toBe('/v1/register/%2B4915112345678/verify/123456');
    expect(JSON.parse(v?.body ?? '')).toEqual({ pin: PIN });
    expect(outText + errText).not.toContain(PIN);
    expect(outText).toBe(`verified: ${NUMBER}\n`);
  });

  it('verify with a wrong code exits 1; with a malformed code or no number, 2 and no request', async () => {
    expect(await runSignalVerify(withAccount, '654321', {}, io())).toBe(1);
    expect(errText).toContain('Verify error');
    expect(JSON.parse(stub.requests.at(-1)?.body ?? '')).toEqual({});
    const before = stub.requests.length;
    expect(await runSignalVerify(withAccount, '12345', {}, io())).toBe(2);
    expect(await runSignalVerify(reference, '123456', {}, io())).toBe(2);
    expect(errText).toContain('--number');
    expect(stub.requests.length).toBe(before);
  });

  it("status: 0 when signal-api is healthy, in json-rpc mode and holds the bot's account; 1 otherwise", async () => {
    stub.accounts.push(NUMBER);
    expect(await runSignalStatus(withAccount, io())).toBe(0);
    expect(outText).toContain('mode: json-rpc\n');
    expect(outText).toContain(`accounts: ${NUMBER}\n`);
    expect(outText).toContain(`bot account: ${NUMBER}\n`);
    stub.mode = 'normal';
    expect(await runSignalStatus(withAccount, io())).toBe(1);
    stub.mode = 'json-rpc';
    stub.accounts.length = 0;
    expect(await runSignalStatus(withAccount, io())).toBe(1);
    expect(outText).toContain('not in signal-api');
  });

  it('an unreachable signal-api exits 3 with what to start', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const a = s.address();
        s.close(() => resolve(typeof a === 'object' && a ? a.port : 1));
      });
    });
    expect(await runSignalStatus(reference, io({ apiUrl: `http://127.0.0.1:${port}` }))).toBe(3);
    expect(errText).toContain('cannot reach signal-cli-rest-api');
    expect(errText).toContain('moat up');
  });

  it('every request moat sent is a route signal-cli-rest-api 0.100 has', async () => {
    stub.accounts.push(NUMBER);
    await runSignalLink(withAccount, 'moat', false, io());
    await runSignalRegister(withAccount, NUMBER, {}, io());
    await runSignalVerify(withAccount, '123456', {}, io());
    await runSignalStatus(withAccount, io());
    const routes = new Set(stub.requests.map(routeOf));
    expect(routes.size).toBeGreaterThanOrEqual(6);
    for (const r of routes) expect(SIGNAL_CLI_REST_API_ROUTES).toContain(r);
  });
});
