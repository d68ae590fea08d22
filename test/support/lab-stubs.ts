// Stand-ins for the platform's apps, run as one process inside the lab's
// service namespace: one HTTP server per service address:port that speaks the
// app's traffic shape (its health endpoint, a streamed response, a WebSocket
// echo, a page whose assets use absolute paths), raw TCP listeners for the
// host (the sshd stand-in), and a tiny DNS for nginx's `resolver`.
// Control on stdin, one command per line: `stop NAME` / `start NAME`; answers
// `stopped NAME` / `started NAME` on stdout. Prints `ready` once listening.
// Usage: node --import tsx test/support/lab-stubs.ts '<StubConfig JSON>'
import http from 'node:http';
import net from 'node:net';
import readline from 'node:readline';
import { WebSocketServer } from 'ws';
import { startDns } from './lab-dns.js';

export interface StubService {
  readonly name: string;
  readonly address: string;
  readonly ports: readonly number[];
  /** Path of the app's health endpoint (from the catalog's healthcheck). */
  readonly healthPath?: string;
}

export interface StubConfig {
  readonly services: readonly StubService[];
  /** Raw TCP listeners that greet with a banner (sshd and other host sockets). */
  readonly listeners?: readonly { readonly name: string; readonly address: string; readonly port: number; readonly banner: string }[];
  /** Answer A queries for these names on this address (udp/53). */
  readonly dns?: { readonly address: string; readonly names: Readonly<Record<string, string>> };
}

const page = (name: string): string =>
  `<!doctype html><html><head><title>${name}</title><link rel="stylesheet" href="/assets/app.css"></head>` +
  `<body><div id="app" data-service="${name}"></div><script src="/assets/app.js"></script></body></html>\n`;

/** One app's HTTP behaviour. */
export function handler(service: string, healthPath: string | undefined): http.RequestListener {
  return (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://stub');
    } catch {
      // `//` and other request targets that are no URL: a real app answers 400, and the stub must not die of it.
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ service, error: 'bad request target' }));
      return;
    }
    const path = url.pathname;
    if (path === healthPath || path === '/health' || path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', service }));
    } else if (path === '/stream' || path.endsWith('/stream')) {
      // An LLM-style token stream: SSE events at a fixed interval. Each event
      // carries the monotonic clock (shared by all processes on the machine)
      // at the moment it was written, so a client can time each event's trip.
      const count = Math.min(Number(url.searchParams.get('n') ?? 5), 10_000);
      const interval = Math.min(Number(url.searchParams.get('interval') ?? 50), 10_000);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      let sent = 0;
      const tick = (): void => {
        if (sent >= count || res.destroyed) {
          res.end();
          return;
        }
        res.write(`data: ${JSON.stringify({ i: sent++, service, sentNs: process.hrtime.bigint().toString() })}\n\n`);
        timer = setTimeout(tick, interval);
      };
      let timer = setTimeout(tick, 0);
      res.on('close', () => clearTimeout(timer));
    } else if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(service));
    } else if (path === '/assets/app.js') {
      res.writeHead(200, { 'content-type': 'application/javascript' }).end(`fetch("/api/ping");console.log(${JSON.stringify(service)});\n`);
    } else if (path === '/assets/app.css') {
      res.writeHead(200, { 'content-type': 'text/css' }).end('body{background:url(/assets/bg.png)}\n');
    } else {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ service, method: req.method, path, query: url.search, headers: req.headers }));
    }
  };
}

export interface Running {
  readonly servers: net.Server[];
  readonly sockets: Set<net.Socket>;
}

function listen(server: net.Server, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: address, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startService(service: StubService): Promise<Running> {
  const sockets = new Set<net.Socket>();
  const servers: net.Server[] = [];
  for (const port of service.ports) {
    const server = http.createServer({ keepAliveTimeout: 65_000 }, handler(service.name, service.healthPath));
    // WebSocket echo on any path, answering with the service name so a test
    // can tell which backend the gateway reached.
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws) => ws.on('message', (data) => ws.send(`${service.name}:${String(data)}`)));
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await listen(server, port, service.address);
    servers.push(server);
  }
  return { servers, sockets };
}

async function startListener(l: NonNullable<StubConfig['listeners']>[number]): Promise<Running> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.end(l.banner);
  });
  await listen(server, l.port, l.address);
  return { servers: [server], sockets };
}

export function stop(running: Running): Promise<void> {
  for (const socket of running.sockets) socket.destroy();
  return Promise.all(running.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined);
}

async function mainStubs(config: StubConfig): Promise<void> {
  const running = new Map<string, Running>();
  if (config.dns) await startDns(config.dns.address, config.dns.names);
  for (const service of config.services) running.set(service.name, await startService(service));
  for (const l of config.listeners ?? []) running.set(l.name, await startListener(l));
  process.stdout.write('ready\n');
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [verb, name = ''] = line.trim().split(/\s+/);
    const service = config.services.find((s) => s.name === name);
    const current = running.get(name);
    if (verb === 'stop' && current) {
      running.delete(name);
      void stop(current).then(() => process.stdout.write(`stopped ${name}\n`));
    } else if (verb === 'start' && service && !current) {
      void startService(service).then((r) => {
        running.set(name, r);
        process.stdout.write(`started ${name}\n`);
      });
    } else {
      process.stdout.write(`error ${line}\n`);
    }
  });
  // The lab closes stdin when it tears down: leave then, whatever happens.
  lines.on('close', () => process.exit(0));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  const config = JSON.parse(process.argv[2] ?? '{}') as StubConfig;
  mainStubs(config).catch((error: unknown) => {
    process.stderr.write(`lab-stubs: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
