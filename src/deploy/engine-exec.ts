// Running a command inside a container through the Engine API (what
// `docker exec -i` does), with input on stdin. moat uses it for one-off setup
// inside a service (psql in the database container): the input can carry a
// password, so it travels on stdin, never in argv, where `ps` and the engine's
// own inspect output would show it. Both Compose flavours use this: Debian's
// docker-compose 1.29 reads moat's adapted compose file from stdin, so its own
// `exec` could not take input there too.
// Protocol (Docker Engine API v1.41+, "Exec"; podman's compat API speaks it):
// POST /containers/{id}/exec {AttachStdin, AttachStdout, AttachStderr, Tty, Cmd}
// → 201 {Id}; POST /exec/{id}/start {Detach:false, Tty:false} with
// `Connection: Upgrade`, `Upgrade: tcp` → 101 and a raw stream: stdin is
// written to it and ended with a half-close; stdout and stderr come back
// multiplexed in frames of an 8-byte header [stream, 0, 0, 0, size (uint32 BE)];
// GET /exec/{id}/json → {ExitCode, Running}.
// Source: https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Exec,
// "Attach to a container" (stream format, hijacking).
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { MissingEnvironmentError } from '../model/findings.js';
import type { ExecResult } from './engine.js';
import type { EngineEndpoint } from './engine-api.js';
import { EngineApiError } from './engine-api.js';

export type { ExecResult } from './engine.js';

const EXEC_TIMEOUT_MS = 120_000;

function where(endpoint: EngineEndpoint): string {
  return endpoint.socketPath ?? `${endpoint.host}:${endpoint.port}`;
}

function unreachable(endpoint: EngineEndpoint, why: string): MissingEnvironmentError {
  return new MissingEnvironmentError(
    `cannot reach the container engine at ${where(endpoint)} (${why})`,
    'a running Docker Engine (`systemctl start docker`), or DOCKER_HOST pointing at one',
  );
}

async function postJson<T>(endpoint: EngineEndpoint, path: string, body: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      {
        ...endpoint,
        path,
        method: 'POST',
        headers: { Host: 'docker', 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 300)
            reject(new EngineApiError(`engine API POST ${path} at ${where(endpoint)}`, `HTTP ${res.statusCode}: ${apiMessage(text)}`));
          else {
            try {
              resolve(JSON.parse(text) as T);
            } catch {
              reject(new EngineApiError(`engine API POST ${path} at ${where(endpoint)}`, 'the answer is not JSON'));
            }
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer in 15 s')));
    req.on('error', (error: NodeJS.ErrnoException) => reject(unreachable(endpoint, error.code ?? error.message)));
    req.end(payload);
  });
}

async function getJson<T>(endpoint: EngineEndpoint, path: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const req = request({ ...endpoint, path, method: 'GET', headers: { Host: 'docker' }, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 500) >= 300)
          reject(new EngineApiError(`engine API GET ${path} at ${where(endpoint)}`, `HTTP ${res.statusCode}: ${apiMessage(text)}`));
        else {
          try {
            resolve(JSON.parse(text) as T);
          } catch {
            reject(new EngineApiError(`engine API GET ${path} at ${where(endpoint)}`, 'the answer is not JSON'));
          }
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 15 s')));
    req.on('error', (error: NodeJS.ErrnoException) => reject(unreachable(endpoint, error.code ?? error.message)));
    req.end();
  });
}

function apiMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON
  }
  return body.trim() || '(empty answer)';
}

/** Splits the multiplexed stream (stream type 1 = stdout, 2 = stderr) into its two texts. */
export function demultiplex(data: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let at = 0;
  while (at + 8 <= data.length) {
    const type = data[at];
    const size = data.readUInt32BE(at + 4);
    const frame = data.subarray(at + 8, Math.min(at + 8 + size, data.length));
    if (type === 2) err.push(frame);
    else if (type === 1) out.push(frame);
    at += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

async function startAttached(endpoint: EngineEndpoint, execId: string, stdin: string | undefined, timeoutMs: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const payload = JSON.stringify({ Detach: false, Tty: false });
    const path = `/exec/${encodeURIComponent(execId)}/start`;
    const req = request({
      ...endpoint,
      path,
      method: 'POST',
      headers: { Host: 'docker', 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), Connection: 'Upgrade', Upgrade: 'tcp' },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new EngineApiError(`engine API POST ${path} at ${where(endpoint)}`, `the command gave no end in ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const collect = (socket: Socket | NodeJS.ReadableStream, head: Buffer): void => {
      const chunks: Buffer[] = [head];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks));
      });
      socket.on('error', (error: Error) => {
        clearTimeout(timer);
        reject(new EngineApiError(`engine API POST ${path} at ${where(endpoint)}`, error.message));
      });
    };
    req.on('upgrade', (_res, socket, head) => {
      collect(socket, head);
      // The half-close is the command's end of input (EOF on its stdin); without input, the engine closes first.
      if (stdin !== undefined) socket.end(stdin);
    });
    req.on('response', (res) => {
      // An engine that does not hijack answers the stream as the body; stdin cannot reach the command then.
      if ((res.statusCode ?? 500) >= 300 || stdin !== undefined) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          reject(
            new EngineApiError(
              `engine API POST ${path} at ${where(endpoint)}`,
              (res.statusCode ?? 500) >= 300
                ? `HTTP ${res.statusCode}: ${apiMessage(Buffer.concat(chunks).toString('utf8'))}`
                : 'the engine did not upgrade the connection, so the command cannot get its input',
            ),
          );
        });
        return;
      }
      collect(res, Buffer.alloc(0));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(unreachable(endpoint, error.code ?? error.message));
    });
    req.end(payload);
  });
}

/** Runs argv in the container, feeding `stdin` (if any) and waiting for its exit. Never throws on a non-zero exit: the caller judges. */
export async function engineExec(
  endpoint: EngineEndpoint,
  containerId: string,
  argv: readonly string[],
  stdin?: string,
  timeoutMs = EXEC_TIMEOUT_MS,
): Promise<ExecResult> {
  const created = await postJson<{ Id?: string }>(endpoint, `/containers/${encodeURIComponent(containerId)}/exec`, {
    AttachStdin: stdin !== undefined,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Cmd: argv,
  });
  if (typeof created.Id !== 'string')
    throw new EngineApiError(`engine API POST /containers/${containerId}/exec at ${where(endpoint)}`, 'the answer has no exec Id');
  const stream = await startAttached(endpoint, created.Id, stdin, timeoutMs);
  const { stdout, stderr } = demultiplex(stream);
  const inspected = await getJson<{ ExitCode?: number | null; Running?: boolean }>(endpoint, `/exec/${encodeURIComponent(created.Id)}/json`);
  return { exitCode: typeof inspected.ExitCode === 'number' ? inspected.ExitCode : -1, stdout, stderr };
}
