// A few read-only calls of the Docker Engine API, over the same socket the
// Compose tool uses (DOCKER_HOST or /var/run/docker.sock). Both Compose flavours
// read container state this way, so health polling does not depend on which
// CLI is installed (Debian's docker-compose v1 comes without the docker CLI).
import { request } from 'node:http';
import { MissingEnvironmentError } from '../model/findings.js';
import { EngineCommandError } from './engine.js';

/**
 * The engine answered, but with an error (HTTP status or a body that is not
 * JSON): the engine's state, not a bug in moat. An EngineCommandError, so the
 * commands print it and exit 1 the way they do for a failing Compose command.
 */
export class EngineApiError extends EngineCommandError {}

const ENGINE_HINT = 'a running Docker Engine (`systemctl start docker`), or DOCKER_HOST pointing at one; as a non-root user, membership in the docker group';

function where(endpoint: EngineEndpoint): string {
  return endpoint.socketPath ?? `${endpoint.host}:${endpoint.port}`;
}

/** Docker answers errors as {"message": "..."}; anything else is shown as it came. */
function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the raw body says more than nothing
  }
  return body.trim() || '(empty answer)';
}

/** Asks the engine for its version: `up` calls it before writing anything, so a missing engine is exit 3 with nothing written. */
export async function enginePing(endpoint: EngineEndpoint, timeoutMs = 15_000): Promise<void> {
  await engineGet<unknown>(endpoint, '/version', timeoutMs);
}

export interface EngineEndpoint {
  readonly socketPath?: string;
  readonly host?: string;
  readonly port?: number;
}

/** DOCKER_HOST as Docker reads it: unix://PATH or tcp://HOST:PORT; default the system socket. */
export function endpointFromEnv(env: NodeJS.ProcessEnv = process.env): EngineEndpoint {
  const dockerHost = env.DOCKER_HOST;
  if (!dockerHost) return { socketPath: '/var/run/docker.sock' };
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  const tcp = /^tcp:\/\/([^:/]+|\[[^\]]+\]):(\d+)\/?$/.exec(dockerHost);
  if (tcp?.[1] && tcp[2]) return { host: tcp[1].replace(/^\[|\]$/g, ''), port: Number(tcp[2]) };
  throw new MissingEnvironmentError(
    `the engine is at ${dockerHost}; moat reads container state over unix:// or tcp:// only`,
    'run moat on the Docker host itself, or set DOCKER_HOST to a unix:// socket or tcp:// address of the engine',
  );
}

/** GET that answers undefined for 404 (a network or container that does not exist). */
export async function engineFind<T>(endpoint: EngineEndpoint, path: string, timeoutMs = 15_000): Promise<T | undefined> {
  return engineGet<T>(endpoint, path, timeoutMs, true);
}

export async function engineGet<T>(endpoint: EngineEndpoint, path: string, timeoutMs = 15_000, allowMissing = false): Promise<T> {
  const { status, text } = await engineCall(endpoint, { method: 'GET', path, timeoutMs, accept: allowMissing ? [404] : [] });
  if (status === 404) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new EngineApiError(
      `engine API GET ${path} at ${where(endpoint)}`,
      `the answer is not JSON (${(error as Error).message}); is ${where(endpoint)} a Docker-compatible engine?`,
    );
  }
}

export function labelFilter(labels: readonly string[]): string {
  return encodeURIComponent(JSON.stringify({ label: labels }));
}

/** The subset of GET /containers/{id}/json that moat reads. */
export interface InspectedContainer {
  readonly Id: string;
  readonly Name: string;
  /** Docker and podman's compat API both report it at the top level. */
  readonly RestartCount?: number;
  readonly Config?: { readonly Labels?: Record<string, string> | null };
  readonly State?: {
    readonly Status?: string;
    readonly ExitCode?: number;
    readonly Health?: { readonly Status?: string } | null;
  };
  readonly NetworkSettings?: {
    readonly Networks?: Record<string, { readonly IPAddress?: string }> | null;
    readonly Ports?: Record<string, readonly { readonly HostIp?: string; readonly HostPort?: string }[] | null> | null;
  };
}

export interface InspectedNetwork {
  readonly Name: string;
  readonly IPAM?: { readonly Config?: readonly { readonly Subnet?: string; readonly Gateway?: string }[] | null } | null;
}

export interface ListedResource {
  readonly Name: string;
}

export interface EngineCall {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Sent as it is (a tar archive), with `contentType`. */
  readonly body?: NodeJS.ReadableStream;
  readonly contentType?: string;
  /** Statuses besides 2xx that are an answer, not an error (304 not modified, 404 gone). */
  readonly accept?: readonly number[];
  /** A successful answer's body goes here (an archive) instead of into `text`. */
  readonly sink?: NodeJS.WritableStream;
  readonly timeoutMs?: number;
}

/** One call of the Engine API (reads, and the changes: stop, remove, pull, archive); answers its status and text. */
export async function engineCall(endpoint: EngineEndpoint, call: EngineCall): Promise<{ readonly status: number; readonly text: string }> {
  const timeoutMs = call.timeoutMs ?? 120_000;
  const what = `engine API ${call.method} ${call.path} at ${where(endpoint)}`;
  const payload = call.json === undefined ? undefined : JSON.stringify(call.json);
  const headers: Record<string, string | number> = { Host: 'docker' };
  if (payload !== undefined) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
  else if (call.body !== undefined) headers['Content-Type'] = call.contentType ?? 'application/x-tar';
  return new Promise((resolve, reject) => {
    const req = request({ ...endpoint, path: call.path, method: call.method, headers, timeout: timeoutMs }, (res) => {
      const status = res.statusCode ?? 500;
      const ok = status < 300 || (call.accept ?? []).includes(status);
      if (ok && status < 300 && call.sink) {
        res.pipe(call.sink);
        call.sink.on('finish', () => resolve({ status, text: '' }));
        call.sink.on('error', reject);
        res.on('error', reject);
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (ok) resolve({ status, text });
        else reject(new EngineApiError(what, `HTTP ${status}: ${errorText(text)}`));
      });
    });
    let timedOut = false;
    req.on('timeout', () => {
      timedOut = true;
      req.destroy();
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // No daemon, no right to its socket, a hung or vanished one: the
      // machine's state, not a bug in moat (exit 3).
      const why = timedOut ? `no answer in ${timeoutMs / 1000} s` : (error.code ?? error.message);
      reject(new MissingEnvironmentError(`cannot reach the container engine at ${where(endpoint)} (${why})`, ENGINE_HINT));
    });
    if (payload !== undefined) req.end(payload);
    else if (call.body !== undefined) call.body.pipe(req);
    else req.end();
  });
}

/** A small JSON call (create, start, wait, stop, remove): the answer's JSON, or undefined for an empty body; 304 (already started or stopped) is what was asked. */
export async function engineJson<T>(
  endpoint: EngineEndpoint,
  method: EngineCall['method'],
  path: string,
  json?: unknown,
  timeoutMs?: number,
): Promise<T | undefined> {
  const { text } = await engineCall(endpoint, {
    method,
    path,
    accept: [304],
    ...(json === undefined ? {} : { json }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  return text.trim() === '' ? undefined : (JSON.parse(text) as T);
}
