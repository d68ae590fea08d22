// The lab's client, run inside a vantage namespace by Lab.client(): reads a
// JSON list of operations from the file named on the command line, runs them
// in order, prints one JSON array of results. It uses moat's own probe
// primitives, so the lab exercises the same code `moat probe` runs.
// Per-event latency uses the monotonic clock, which every process on the
// machine shares: the stub stamps each event with it when writing it.
import { readFileSync } from 'node:fs';
import { type Endpoint, httpGet, readStream, tryWebSocket } from '../../src/probe/http.js';
import { connectOnce } from '../../src/probe/tcp.js';

export type ClientOp =
  | ({ op: 'get'; path: string; timeoutMs?: number } & EndpointSpec)
  | ({ op: 'ws'; path: string; send: string } & EndpointSpec)
  | ({ op: 'stream'; path: string } & EndpointSpec)
  | ({ op: 'loop'; paths: string[]; count: number; concurrency: number; pauseMs?: number } & EndpointSpec)
  | { op: 'tcp'; host: string; port: number; timeoutMs: number }
  | { op: 'parallel'; ops: ClientOp[] };

interface EndpointSpec {
  host: string;
  port: number;
  tls: boolean;
  servername?: string;
}

const endpoint = (s: EndpointSpec): Endpoint => ({ host: s.host, port: s.port, tls: s.tls, ...(s.servername ? { servername: s.servername } : {}) });
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function runOp(op: ClientOp): Promise<unknown> {
  switch (op.op) {
    case 'get': {
      const started = performance.now();
      try {
        const r = await httpGet(endpoint(op), op.path, op.timeoutMs ?? 5000);
        return { status: r.status, headers: r.headers, body: r.body.slice(0, 8192), firstByteMs: r.firstByteMs, elapsedMs: performance.now() - started };
      } catch (error) {
        return { status: 0, error: message(error), elapsedMs: performance.now() - started };
      }
    }
    case 'ws':
      return tryWebSocket(endpoint(op), op.path, op.send);
    case 'stream': {
      const latenciesMs: number[] = [];
      try {
        const r = await readStream(endpoint(op), op.path, 60_000, (data) => {
          const now = process.hrtime.bigint();
          try {
            const sent = BigInt((JSON.parse(data) as { sentNs: string }).sentNs);
            latenciesMs.push(Number(now - sent) / 1e6);
          } catch {
            /* not a stub event */
          }
        });
        return { status: r.status, events: r.events, latenciesMs };
      } catch (error) {
        return { status: 0, events: [], latenciesMs, error: message(error) };
      }
    }
    case 'loop': {
      let ok = 0;
      const errors: string[] = [];
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < op.count) {
          const path = op.paths[next++ % op.paths.length] ?? '/';
          try {
            const r = await httpGet(endpoint(op), path, 10_000);
            if (r.status === 200) ok++;
            else errors.push(`${path}: ${r.status}`);
          } catch (error) {
            errors.push(`${path}: ${message(error)}`);
          }
          if (op.pauseMs) await new Promise((r) => setTimeout(r, op.pauseMs));
        }
      };
      await Promise.all(Array.from({ length: op.concurrency }, lane));
      return { ok, failed: errors.length, errors: errors.slice(0, 20) };
    }
    case 'tcp':
      return connectOnce(op.host, op.port, op.timeoutMs);
    case 'parallel':
      return Promise.all(op.ops.map(runOp));
  }
}

const ops = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as ClientOp[];
const results: unknown[] = [];
for (const op of ops) results.push(await runOp(op));
process.stdout.write(JSON.stringify(results));
