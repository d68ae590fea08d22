// The console's HTTP server (node:http: a handful of routes, no framework
// needed). It reads what moat writes (the status snapshot, topology.svg) and
// calls the platform's own APIs (ConsoleBackends); it never touches the Docker
// socket. Every response carries a strict Content-Security-Policy; actions
// pass the ActionGuard (auth.ts) first.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { PullEvent } from '../deploy/ollama.js';
import { isDeviceName } from '../deploy/signal/inputs.js';
import { svgQr } from '../deploy/signal/qr.js';
import { ModelName } from '../model/config-schema.js';
import { CONSOLE_CSS, CONSOLE_JS } from './assets.js';
import type { ActionGuard } from './auth.js';
import { type ConsoleBackends, MissingBackend } from './backends.js';
import { renderPage } from './page.js';
import { readSnapshot } from './snapshot.js';

export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const MAX_BODY = 4096;
const HEALTH_CACHE_MS = 3_000;

export interface ConsoleOptions {
  readonly snapshotFile: string;
  readonly topologyFile: string;
  readonly backends: ConsoleBackends;
  readonly guard: ActionGuard;
  readonly now?: () => Date;
}

interface PullState {
  model: string;
  status: string;
  completed: number;
  total: number;
  done: boolean;
  error?: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, {
    'content-type': type,
    'content-security-policy': CONSOLE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  });
  response.end(body);
}
const json = (response: ServerResponse, status: number, value: unknown): void =>
  send(response, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`);

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, 'the request body is too large');
    chunks.push(chunk);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'the request body is not a JSON object');
  }
}

/** The request's path; a request target that is no URL (`//`) is the client's error, not a backend's. */
function pathOf(target: string): string {
  try {
    return new URL(target, 'http://console.invalid').pathname;
  } catch {
    throw new HttpError(400, 'the request target is not a path');
  }
}

export function consoleServer(options: ConsoleOptions): Server {
  const now = options.now ?? (() => new Date());
  let pull: PullState | undefined;
  let health: { at: number; value: Record<string, string> } | undefined;

  const liveHealth = async (): Promise<Record<string, string>> => {
    if (health && Date.now() - health.at < HEALTH_CACHE_MS) return health.value;
    const read = await readSnapshot(options.snapshotFile);
    if (!read.ok) return {};
    const entries = await Promise.all(
      read.snapshot.apps.map(
        async (a) => [a.name, a.healthUrl ? ((await options.backends.healthy(a.healthUrl)) ? 'healthy' : 'unhealthy') : a.health] as const,
      ),
    );
    health = { at: Date.now(), value: Object.fromEntries(entries) };
    return health.value;
  };

  const startPull = (model: string): void => {
    const state: PullState = { model, status: 'starting', completed: 0, total: 0, done: false };
    pull = state;
    const onEvent = (event: PullEvent): void => {
      state.status = event.status ?? state.status;
      if (typeof event.total === 'number' && typeof event.completed === 'number') {
        state.total = event.total;
        state.completed = event.completed;
      }
    };
    options.backends.pullModel(model, onEvent).then(
      () => Object.assign(state, { status: 'success', done: true, completed: state.total }),
      (error: unknown) => Object.assign(state, { status: 'failed', done: true, error: error instanceof Error ? error.message.slice(0, 300) : 'failed' }),
    );
  };

  const act = async (request: IncomingMessage, response: ServerResponse, path: string): Promise<void> => {
    const refused = options.guard.check(request);
    if (refused) return json(response, refused.status, { error: refused.reason });
    const body = await readJson(request);
    if (path === '/api/signal/link') {
      const deviceName = body['deviceName'] ?? 'moat';
      if (typeof deviceName !== 'string' || !isDeviceName(deviceName)) throw new HttpError(400, 'a device name is 1-64 printable characters');
      const uri = await options.backends.signalLinkUri(deviceName);
      const svg = await svgQr(uri);
      return json(response, 200, { uri, qr: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` });
    }
    if (path === '/api/models/pull') {
      const model = ModelName.safeParse(body['model']);
      if (!model.success) throw new HttpError(400, 'not a model name (like llama3.2:3b)');
      if (pull && !pull.done) throw new HttpError(409, `a pull of ${pull.model} is still running`);
      startPull(model.data);
      return json(response, 202, { model: model.data });
    }
    throw new HttpError(404, 'no such action');
  };

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = pathOf(request.url ?? '/');
    const method = request.method ?? 'GET';
    if (method === 'POST' && path.startsWith('/api/')) return act(request, response, path);
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method not allowed');
    switch (path) {
      case '/healthz':
        // For the container's health check: the server answers; the snapshot may not be written yet.
        return send(response, 200, 'text/plain; charset=utf-8', 'ok\n');
      case '/':
        return send(response, 200, 'text/html; charset=utf-8', renderPage(await readSnapshot(options.snapshotFile), now()));
      case '/console.js':
        return send(response, 200, 'text/javascript; charset=utf-8', CONSOLE_JS);
      case '/console.css':
        return send(response, 200, 'text/css; charset=utf-8', CONSOLE_CSS);
      case '/topology.svg':
        return send(response, 200, 'image/svg+xml', await readFile(options.topologyFile).catch(() => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')));
      case '/api/status': {
        const read = await readSnapshot(options.snapshotFile);
        return read.ok ? json(response, 200, read.snapshot) : json(response, 503, { error: read.problem });
      }
      case '/api/health':
        return json(response, 200, await liveHealth());
      case '/api/models/pull':
        return json(response, 200, pull ?? { model: '', status: 'idle', completed: 0, total: 0, done: true });
      case '/api/drive':
        return json(
          response,
          200,
          await options.backends
            .driveStatus()
            .catch((error: unknown) => ({ error: `Drive status unavailable: ${error instanceof Error ? error.message.slice(0, 200) : 'failed'}` })),
        );
      default:
        throw new HttpError(404, 'not found');
    }
  };

  return createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      if (error instanceof HttpError) return json(response, error.status, { error: error.message });
      if (error instanceof MissingBackend) return json(response, 503, { error: error.message });
      // A backend's failure is said plainly, without its stack; nothing else is known to the page.
      return json(response, 502, { error: error instanceof Error ? error.message.slice(0, 300) : 'failed' });
    });
  });
}
