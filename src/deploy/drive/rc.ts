// A small client of rclone's remote-control API (`rclone rcd`), for `moat
// drive`. Every call is `POST /<command>` with a JSON object of parameters and
// answers a JSON object; a failed call answers a non-2xx status with
// `{"error": "...", "input": {...}, "path": "...", "status": N}` (rclone.org/rc/,
// "Supplying parameters" and "Error returns"; fs/rc/rcserver/rcserver.go
// writeError at v1.75.0, the catalog's pin, and the same in Debian's 1.60.1).
// Auth is HTTP basic with the rc user and password (--rc-user/--rc-pass, the
// gdrive service's RCLONE_RC_USER/RCLONE_RC_PASS): the header is built here and
// never printed. rclone echoes the call's `input` in an error: moat drops it
// from every message, since the input can hold a Drive token.
// Written on fetch: the API is a handful of JSON POSTs; no rclone client
// library for Node covers rc with auth and typed errors.
import { MissingEnvironmentError } from '../../model/findings.js';

export interface RcCredentials {
  readonly user: string;
  readonly pass: string;
}

export const RC_HINT =
  'a running gdrive service: `moat up` starts it (`moat status` shows its state); from a host that cannot route to the platform network, pass --rc-url';

/** rclone's rc cannot be reached at all: exit 3. */
export class RcUnreachableError extends MissingEnvironmentError {
  constructor(
    readonly baseUrl: string,
    readonly why: string,
  ) {
    super(`cannot reach rclone's remote-control API at ${baseUrl} (${why})`, RC_HINT);
  }
}

/** rclone answered and refused (bad parameters, a remote that failed, wrong credentials): exit 1. */
export class RcError extends Error {
  constructor(
    readonly command: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(
      `rclone ${command}: ${reason}${status === 401 ? ' (the rc user or password is wrong: RCLONE_RC_PASS in the secrets store is not the one the gdrive service runs with; `moat up` re-creates it)' : ''}`,
    );
  }
}

export interface RcClient {
  readonly baseUrl: string;
  call<T = Record<string, unknown>>(command: string, params?: Record<string, unknown>): Promise<T>;
  /** A file of a local or remote path, through --rc-serve (`GET /[fs]/path`). */
  read(fs: string, path: string): Promise<Uint8Array>;
}

const TIMEOUT_MS = 60_000;

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function errorReason(text: string, status: number): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error.slice(0, 500);
  } catch {
    // not JSON (a proxy, or the rc's plain 401 text)
  }
  const plain = text.trim().slice(0, 200);
  return plain === '' ? `HTTP ${status}` : `HTTP ${status}: ${plain}`;
}

export function rcClient(baseUrl: string, credentials: RcCredentials, timeoutMs = TIMEOUT_MS): RcClient {
  const base = baseUrl.replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${credentials.user}:${credentials.pass}`).toString('base64')}`;
  const send = async (url: string, init: RequestInit, what: string): Promise<Response> => {
    try {
      // No redirects: the rc never sends one, and the credentials must go nowhere else.
      return await fetch(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization },
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new RcUnreachableError(base, (error as Error).name === 'TimeoutError' ? `no answer to ${what} in ${timeoutMs / 1000} s` : causeOf(error));
    }
  };
  return {
    baseUrl: base,
    async call<T>(command: string, params: Record<string, unknown> = {}): Promise<T> {
      const response = await send(
        `${base}/${command}`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) },
        command,
      );
      const text = await response.text().catch(() => '');
      if (!response.ok) throw new RcError(command, response.status, errorReason(text, response.status));
      try {
        return (text.trim() === '' ? {} : JSON.parse(text)) as T;
      } catch {
        throw new RcError(command, response.status, `the answer is not JSON; is ${base} rclone's rc?`);
      }
    },
    async read(fs: string, path: string): Promise<Uint8Array> {
      const encoded = path.split('/').map(encodeURIComponent).join('/');
      const response = await send(`${base}/[${fs}]/${encoded}`, { method: 'GET' }, `reading ${path}`);
      if (!response.ok) throw new RcError(`serve ${path}`, response.status, errorReason(await response.text().catch(() => ''), response.status));
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}
