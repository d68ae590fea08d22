// HTTP checks of gateway routes: status, security headers, WebSocket upgrade,
// and the arrival time of streamed events (SSE or chunked). The prober talks to
// an address (the vantage may have no DNS for the tailnet name) and sends the
// gateway's name as SNI and Host.

import http from 'node:http';
import https from 'node:https';
import WebSocket from 'ws';
import { SECURITY_HEADERS } from '../catalog/security-headers.js';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /** SNI and Host header; the address when absent. */
  readonly servername?: string;
  readonly tls: boolean;
}

export interface HttpObservation {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Milliseconds from sending the request to the first body byte. */
  readonly firstByteMs: number;
  readonly body: string;
}

export interface StreamObservation {
  readonly status: number;
  /** Arrival time (ms since the request) and payload of each event, in order. */
  readonly events: readonly { readonly atMs: number; readonly data: string }[];
}

export interface HeaderMismatch {
  /** Lower case, as Node reports response headers. */
  readonly name: string;
  readonly expected: string;
  readonly actual: string;
}

/** Compares a response's headers with every header the gateway adds
 * (catalog/security-headers.ts): absent ones by name, present ones by value.
 * A header sent twice (the gateway's and the app's) arrives joined with ", "
 * and does not match: browsers then pick one, maybe the app's. */
export function checkSecurityHeaders(headers: Readonly<Record<string, string>>): { missing: string[]; wrong: HeaderMismatch[] } {
  const missing: string[] = [];
  const wrong: HeaderMismatch[] = [];
  for (const { name, value } of SECURITY_HEADERS) {
    const key = name.toLowerCase();
    const actual = headers[key];
    if (actual === undefined) missing.push(key);
    else if (actual.trim() !== value) wrong.push({ name: key, expected: value, actual });
  }
  return { missing, wrong };
}

function request(
  endpoint: Endpoint,
  path: string,
  timeoutMs: number,
  onResponse: (res: http.IncomingMessage, started: number) => void,
  onError: (error: Error) => void,
): void {
  const started = performance.now();
  const host = endpoint.servername ?? endpoint.host;
  const options: https.RequestOptions = {
    host: endpoint.host,
    port: endpoint.port,
    path,
    method: 'GET',
    agent: false,
    headers: { host: endpoint.port === (endpoint.tls ? 443 : 80) ? host : `${host}:${endpoint.port}`, accept: '*/*' },
    timeout: timeoutMs,
    ...(endpoint.tls ? { rejectUnauthorized: false, ...(endpoint.servername ? { servername: endpoint.servername } : {}) } : {}),
  };
  const req = (endpoint.tls ? https : http).request(options, (res) => onResponse(res, started));
  req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
  req.on('error', onError);
  req.end();
}

export function httpGet(endpoint: Endpoint, path: string, timeoutMs = 5000, maxBody = 256 * 1024): Promise<HttpObservation> {
  return new Promise((resolve, reject) => {
    request(
      endpoint,
      path,
      timeoutMs,
      (res, started) => {
        let firstByteMs = -1;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (firstByteMs < 0) firstByteMs = performance.now() - started;
          if (size < maxBody) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({
            status: res.statusCode ?? 0,
            headers,
            firstByteMs: Math.round((firstByteMs < 0 ? performance.now() - started : firstByteMs) * 1000) / 1000,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      },
      reject,
    );
  });
}

/** Reads a streamed response and timestamps each event: SSE events (blank-line
 * separated) when the body is text/event-stream, otherwise each received chunk. */
export function readStream(endpoint: Endpoint, path: string, timeoutMs = 15_000, onEvent?: (data: string) => void): Promise<StreamObservation> {
  return new Promise((resolve, reject) => {
    request(
      endpoint,
      path,
      timeoutMs,
      (res, started) => {
        const sse = String(res.headers['content-type'] ?? '').includes('text/event-stream');
        const events: { atMs: number; data: string }[] = [];
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const atMs = performance.now() - started;
          if (!sse) {
            events.push({ atMs, data: chunk });
            onEvent?.(chunk);
            return;
          }
          buffer += chunk;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const data = block
              .split('\n')
              .filter((l) => l.startsWith('data:'))
              .map((l) => l.slice(5).trimStart())
              .join('\n');
            events.push({ atMs, data });
            onEvent?.(data);
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, events }));
        res.on('error', reject);
      },
      reject,
    );
  });
}

export interface WebSocketObservation {
  readonly upgraded: boolean;
  /** The HTTP status when the upgrade was refused (0 on a network error). */
  readonly status: number;
  /** The echoed message when `send` was given and the server answered. */
  readonly reply?: string;
  readonly error?: string;
}

/**
 * Tries a WebSocket upgrade; with `send`, also one message round trip. `origin`:
 * the Origin header a browser on the app's page sends (apps check it against Host).
 */
export function tryWebSocket(endpoint: Endpoint, path: string, send?: string, timeoutMs = 5000, origin?: string): Promise<WebSocketObservation> {
  return new Promise((resolve) => {
    const host = endpoint.servername ?? endpoint.host;
    const url = `${endpoint.tls ? 'wss' : 'ws'}://${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}${path}`;
    const ws = new WebSocket(url, {
      headers: { host: `${host}:${endpoint.port}`, ...(origin ? { origin } : {}) },
      handshakeTimeout: timeoutMs,
      ...(endpoint.tls ? { rejectUnauthorized: false, ...(endpoint.servername ? { servername: endpoint.servername } : {}) } : {}),
    });
    let settled = false;
    const done = (result: WebSocketObservation): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => done({ upgraded: ws.readyState === WebSocket.OPEN, status: 101, error: 'no reply in time' }), timeoutMs);
    ws.on('open', () => {
      if (send === undefined) done({ upgraded: true, status: 101 });
      else ws.send(send);
    });
    ws.on('message', (data) => done({ upgraded: true, status: 101, reply: String(data) }));
    ws.on('unexpected-response', (_req, res) => done({ upgraded: false, status: res.statusCode ?? 0 }));
    ws.on('error', (error) => done({ upgraded: false, status: 0, error: error.message }));
  });
}
