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
  return new Promise<T>((resolve, reject) => {
    const req = request(
      { ...endpoint, path, method: 'GET', headers: { Host: 'docker' }, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (allowMissing && res.statusCode === 404) resolve(undefined as T);
          else if ((res.statusCode ?? 500) >= 300) {
            reject(new EngineApiError(`engine API GET ${path} at ${where(endpoint)}`, `HTTP ${res.statusCode}: ${errorText(body)}`));
          } else {
            try {
              resolve(JSON.parse(body) as T);
            } catch (error) {
              reject(new EngineApiError(`engine API GET ${path} at ${where(endpoint)}`, `the answer is not JSON (${(error as Error).message}); is ${where(endpoint)} a Docker-compatible engine?`));
            }
          }
        });
      },
    );
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
    req.end();
  });
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
