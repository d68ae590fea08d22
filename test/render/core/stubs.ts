// Loopback stubs for the live gateway test: a DNS server that answers A
// 127.0.0.1 for the names it knows (NXDOMAIN otherwise), in place of Docker's
// 127.0.0.11, and HTTP/WebSocket upstreams that echo what they received.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { WebSocketServer } from 'ws';

export interface DnsStub {
  readonly port: number;
  close(): Promise<void>;
}

/** Minimal DNS (RFC 1035): one question, one A answer or NXDOMAIN. */
export async function startDnsStub(names: ReadonlySet<string>): Promise<DnsStub> {
  const socket: Socket = createSocket('udp4');
  socket.on('message', (query, peer) => {
    let at = 12;
    const labels: string[] = [];
    while (at < query.length && query[at] !== 0) {
      const len = query[at] ?? 0;
      labels.push(query.subarray(at + 1, at + 1 + len).toString('ascii'));
      at += len + 1;
    }
    const questionEnd = at + 5; // zero byte, type (2), class (2)
    const qtype = query.readUInt16BE(at + 1);
    const known = names.has(labels.join('.').toLowerCase());
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // id
    header.writeUInt16BE(known ? 0x8180 : 0x8183, 2); // response, recursion available, NOERROR/NXDOMAIN
    header.writeUInt16BE(1, 4);
    const answer = known && qtype === 1;
    header.writeUInt16BE(answer ? 1 : 0, 6);
    const parts = [header, query.subarray(12, questionEnd)];
    if (answer) parts.push(Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 10, 0, 4, 127, 0, 0, 1]));
    socket.send(Buffer.concat(parts), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

export interface Upstream {
  readonly port: number;
  /** TCP connections accepted so far (keepalive: several requests, one connection). */
  connections(): number;
  /** Lets a held streaming response finish. */
  release(): void;
  close(): Promise<void>;
}

export function echo(req: IncomingMessage) {
  return JSON.stringify({ url: req.url, headers: req.headers });
}

/**
 * An upstream: `/page` is HTML/CSS with absolute URLs, `/redir` redirects and
 * sets a cookie, `/xfo` sends its own X-Frame-Options, `/stream` sends one chunk and holds the rest until release(),
 * anything else echoes the request as JSON; WebSocket connections echo the path.
 */
export async function startUpstream(): Promise<Upstream> {
  let release = (): void => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server: Server = createServer((req, res) => {
    if (req.url === '/page') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<a href="/x">x</a><link href='/y'><style>body{background:url(/z.png)}</style>`);
    } else if (req.url === '/redir') {
      res.writeHead(302, { location: '/login', 'set-cookie': 'sid=1; Path=/; HttpOnly' });
      res.end();
    } else if (req.url === '/xfo') {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-frame-options': 'DENY' });
      res.end('framed?');
    } else if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      void held.then(() => res.end('data: second\n\n'));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(echo(req));
    }
  });
  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, req) => socket.send(`hello ${req.url ?? ''}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    connections: () => connections,
    release: () => release(),
    close: async () => {
      release();
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
