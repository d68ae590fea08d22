// Binary-safe streams to and from containers over the Engine API, for backup
// parts (pg_dump archives, RDB files, tars), which engine-exec.ts's text
// results would corrupt and its string input could not carry. Same protocol
// (Docker Engine API v1.41, "Exec" and "Attach to a container": a hijacked
// connection after `Connection: Upgrade`, `Upgrade: tcp`; output multiplexed
// in frames of an 8-byte header [stream, 0, 0, 0, size uint32 BE]; the input
// ends with a half-close). https://docs.docker.com/reference/api/engine/version/v1.41/
import { request } from 'node:http';
import type { Socket } from 'node:net';
import type { EngineEndpoint } from '../engine-api.js';
import { EngineApiError } from '../engine-api.js';

const STREAM_TIMEOUT_MS = 60 * 60_000;

export interface StreamOutcome {
  readonly stderr: string;
  /** The output, when no `stdout` sink was given. */
  readonly stdout: Buffer;
}

/** Splits the multiplexed stream as it arrives: stdout frames to `stdout` (false = wait for drain), stderr collected. */
function demux(stdout: (chunk: Buffer) => boolean): { push(chunk: Buffer): boolean; stderr(): string } {
  let pending: Buffer = Buffer.alloc(0);
  const err: Buffer[] = [];
  return {
    push(chunk) {
      let flowing = true;
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 8) {
        const size = pending.readUInt32BE(4);
        if (pending.length < 8 + size) break;
        const frame = pending.subarray(8, 8 + size);
        if (pending[0] === 2) err.push(Buffer.from(frame));
        else if (pending[0] === 1) flowing = stdout(Buffer.from(frame)) && flowing;
        pending = pending.subarray(8 + size);
      }
      return flowing;
    },
    stderr: () => Buffer.concat(err).toString('utf8'),
  };
}

/**
 * POSTs `path` asking for a hijacked connection; once upgraded, `onUpgrade`
 * runs (an attach starts its container then), `stdin` is written and
 * half-closed, and output is delivered until the engine ends the stream.
 */
export function hijack(
  endpoint: EngineEndpoint,
  path: string,
  body: unknown,
  io: { stdin?: Buffer | NodeJS.ReadableStream; stdout?: NodeJS.WritableStream; onUpgrade?: () => Promise<void> },
): Promise<StreamOutcome> {
  const where = `engine API POST ${path}`;
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const req = request({
      ...endpoint,
      path,
      method: 'POST',
      headers: { Host: 'docker', 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), Connection: 'Upgrade', Upgrade: 'tcp' },
    });
    const timer = setTimeout(() => req.destroy(new Error(`no end in ${STREAM_TIMEOUT_MS / 60_000} min`)), STREAM_TIMEOUT_MS);
    const out: Buffer[] = [];
    const frames = demux((c) => (io.stdout ? io.stdout.write(c) : (out.push(c), true)));
    const collect = (socket: Socket, head: Buffer): void => {
      if (head.length > 0) frames.push(head);
      // Backpressure: a slow disk pauses the engine's stream instead of filling memory.
      socket.on('data', (c: Buffer) => {
        if (!frames.push(c)) {
          socket.pause();
          io.stdout?.once('drain', () => socket.resume());
        }
      });
      socket.on('end', () => {
        clearTimeout(timer);
        resolve({ stderr: frames.stderr(), stdout: Buffer.concat(out) });
      });
      socket.on('error', (error: Error) => {
        clearTimeout(timer);
        reject(new EngineApiError(where, error.message));
      });
    };
    req.on('upgrade', (_res, socket, head) => {
      collect(socket, head);
      void (async () => {
        try {
          await io.onUpgrade?.();
          // The half-close (end) is the command's end of input.
          if (Buffer.isBuffer(io.stdin)) socket.end(io.stdin);
          else if (io.stdin !== undefined) {
            io.stdin.once('error', (error: Error) => socket.destroy(error));
            io.stdin.pipe(socket);
          }
        } catch (error) {
          socket.destroy();
          clearTimeout(timer);
          reject(error);
        }
      })();
    });
    req.on('response', (res) => {
      if (res.statusCode === 101) return;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        reject(
          new EngineApiError(
            where,
            (res.statusCode ?? 500) >= 300
              ? `HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8').trim()}`
              : 'the engine did not upgrade the connection',
          ),
        );
      });
    });
    req.on('error', (error: Error) => {
      clearTimeout(timer);
      reject(new EngineApiError(where, error.message));
    });
    req.end(payload);
  });
}
