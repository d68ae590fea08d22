// A small client of signal-cli-rest-api's HTTP API, for `moat signal`. The
// endpoints, as routed in src/main.go and handled in src/api/api.go at 0.100
// (recorded in catalog/upstream/signal-cli-rest-api.ts):
// - GET  /v1/qrcodelink/raw?device_name=N → 200 {"device_link_uri":"sgnl://linkdevice?…"}
//   (GetQrCodeLinkUri; in json-rpc mode it calls signal-cli's startLink and
//   finishes the link in the background, as GET /v1/qrcodelink does for its PNG);
// - POST /v1/register/{number} {"use_voice","captcha"} → 201 (RegisterNumber);
// - POST /v1/register/{number}/verify/{code} {"pin"} → 201 (VerifyRegisteredNumber);
// - GET  /v1/accounts → 200 ["+49…", …]; GET /v1/about → 200 {versions, build,
//   mode, version, capabilities}; GET /v1/health → 204.
// Errors are 400/500 with {"error": "…"}. The captcha token and the PIN travel
// only in request bodies (never a URL, never argv, never a log line); the
// number is part of the path, URL-encoded (upstream url.PathUnescape's it).
import { MissingEnvironmentError } from '../../model/findings.js';

const SIGNAL_API_HINT =
  'a running signal-api: `moat up` starts it (`moat status` shows its state); from a host that cannot route to the platform network, pass --api-url';

/** signal-api cannot be reached at all (refused, timed out, no route): exit 3. */
export class SignalUnreachableError extends MissingEnvironmentError {
  constructor(
    readonly baseUrl: string,
    readonly why: string,
  ) {
    super(`cannot reach signal-cli-rest-api at ${baseUrl} (${why})`, SIGNAL_API_HINT);
  }
}

/** signal-api answered, and said no (a bad number, a wrong code, a captcha Signal wants): exit 1. */
export class SignalApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface SignalAbout {
  readonly versions: readonly string[];
  readonly build: number | undefined;
  readonly mode: string | undefined;
  readonly version: string | undefined;
}

export interface SignalApiClient {
  readonly baseUrl: string;
  linkUri(deviceName: string): Promise<string>;
  register(number: string, options: { readonly captcha?: string; readonly useVoice?: boolean }): Promise<void>;
  verify(number: string, code: string, pin?: string): Promise<void>;
  accounts(): Promise<string[]>;
  about(): Promise<SignalAbout>;
  healthy(): Promise<boolean>;
}

// The link call waits for signal-cli's startLink; registration waits for Signal's servers.
const REQUEST_TIMEOUT_MS = 60_000;
const MAX_BODY = 1024 * 1024;

function causeCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** The error text of a {"error": "…"} body, shortened; bodies from a hostile peer are never echoed whole. */
function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error.slice(0, 300);
  } catch {
    // not JSON
  }
  return body.trim().slice(0, 300);
}

export function signalApiClient(baseUrl: string, timeoutMs = REQUEST_TIMEOUT_MS): SignalApiClient {
  const base = baseUrl.replace(/\/+$/, '');
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const why = (error as Error).name === 'TimeoutError' ? `no answer in ${timeoutMs / 1000} s` : causeCode(error);
      throw new SignalUnreachableError(base, why);
    }
    const text = (await response.text().catch(() => '')).slice(0, MAX_BODY);
    return { status: response.status, text };
  };
  const expect = async (what: string, method: string, path: string, ok: readonly number[], body?: unknown): Promise<string> => {
    const r = await call(method, path, body);
    if (!ok.includes(r.status)) throw new SignalApiError(`${what}: HTTP ${r.status}${r.text ? `: ${errorText(r.text)}` : ''}`, r.status);
    return r.text;
  };
  const json = (what: string, text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw new SignalApiError(`${what}: the answer is not JSON; is ${base} a signal-cli-rest-api?`, 200);
    }
  };
  const num = (number: string): string => encodeURIComponent(number);

  return {
    baseUrl: base,
    async linkUri(deviceName) {
      const text = await expect('asking for a link URI', 'GET', `/v1/qrcodelink/raw?device_name=${encodeURIComponent(deviceName)}`, [200]);
      const uri = (json('asking for a link URI', text) as { device_link_uri?: unknown }).device_link_uri;
      if (typeof uri !== 'string' || !isLinkUri(uri)) throw new SignalApiError('asking for a link URI: the answer holds no sgnl://linkdevice URI', 200);
      return uri;
    },
    async register(number, options) {
      const body = { ...(options.useVoice === true ? { use_voice: true } : {}), ...(options.captcha !== undefined ? { captcha: options.captcha } : {}) };
      await expect(`registering ${number}`, 'POST', `/v1/register/${num(number)}`, [200, 201], body);
    },
    async verify(number, code, pin) {
      await expect(
        `verifying ${number}`,
        'POST',
        `/v1/register/${num(number)}/verify/${encodeURIComponent(code)}`,
        [200, 201],
        pin === undefined ? {} : { pin },
      );
    },
    async accounts() {
      const text = await expect('listing the accounts', 'GET', '/v1/accounts', [200]);
      const list = json('listing the accounts', text);
      if (!Array.isArray(list)) throw new SignalApiError('listing the accounts: the answer is not a list', 200);
      return list.filter((a): a is string => typeof a === 'string');
    },
    async about() {
      const a = json('asking /v1/about', await expect('asking /v1/about', 'GET', '/v1/about', [200])) as Record<string, unknown>;
      return {
        versions: Array.isArray(a['versions']) ? a['versions'].filter((v): v is string => typeof v === 'string') : [],
        build: typeof a['build'] === 'number' ? a['build'] : undefined,
        mode: typeof a['mode'] === 'string' ? a['mode'] : undefined,
        version: typeof a['version'] === 'string' ? a['version'] : undefined,
      };
    },
    async healthy() {
      const r = await call('GET', '/v1/health');
      return r.status >= 200 && r.status < 300;
    },
  };
}

/**
 * A device link URI as Signal's apps scan it: `sgnl://linkdevice?uuid=…&pub_key=…`
 * (signal-cli's DeviceLinkUrl; older releases wrote `tsdevice:/?uuid=…`). Only
 * printable ASCII: it is printed to a terminal.
 */
function isLinkUri(uri: string): boolean {
  return uri.length <= 2048 && /^(sgnl:\/\/linkdevice\?|tsdevice:\/?\?)[\x21-\x7e]+$/.test(uri);
}
