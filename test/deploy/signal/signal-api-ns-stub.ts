// A stub signal-cli-rest-api 0.100 in json-rpc mode, run inside an app-test
// namespace at signal-api's static address (test/apps/openclaw-signal.test.ts),
// speaking what the bot's plugin (@openclaw/signal 2026.9.6, container
// transport) calls: GET /v1/about ({versions, build, mode, version}), GET
// /v1/health (204), the WebSocket GET /v1/receive/{number} (each message one
// JSON object `{"envelope": {...}, "account": "+…"}`, signal-cli's receive
// notification as the REST API forwards it), POST /v2/send (201
// {"timestamp":"…"}), PUT/DELETE /v1/typing-indicator/{number} and POST
// /v1/receipts/{number} (204). `POST /__stub/receive {"source","message"}`
// (test control, not upstream) delivers a message from `source` to every open
// receive socket. Every request is logged as one line; `ready` once listening.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';

interface Config {
  readonly address: string;
  readonly port: number;
  readonly account: string;
}
const config = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Config;
const sockets = new Set<WebSocket>();
let clock = 1_764_680_000_000;

const log = (line: string): void => void process.stdout.write(`signal-stub ${line}\n`);

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    log(`${req.method} ${path} ${body.slice(0, 2000)}`);
    const send = (status: number, value?: unknown): void => {
      res.writeHead(status, value === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' });
      res.end(value === undefined ? '' : JSON.stringify(value));
    };
    if (req.method === 'GET' && path === '/v1/health') return send(204);
    if (req.method === 'GET' && path === '/v1/about')
      return send(200, { versions: ['v1', 'v2'], build: 2, mode: 'json-rpc', version: '0.100', capabilities: { 'v2/send': ['quotes', 'mentions'] } });
    if (req.method === 'GET' && path === '/v1/accounts') return send(200, [config.account]);
    if (req.method === 'POST' && path === '/v2/send') {
      clock += 1000;
      return send(201, { timestamp: String(clock) });
    }
    if (path === `/v1/typing-indicator/${encodeURIComponent(config.account)}` || path === `/v1/receipts/${encodeURIComponent(config.account)}`)
      return send(204);
    if (req.method === 'POST' && path === '/__stub/receive') {
      const { source, message } = JSON.parse(body) as { source: string; message: string };
      clock += 1000;
      const envelope = {
        envelope: {
          source,
          sourceNumber: source,
          sourceUuid: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
          sourceName: 'Moat Tester',
          sourceDevice: 1,
          timestamp: clock,
          serverReceivedTimestamp: clock,
          serverDeliveredTimestamp: clock,
          dataMessage: { timestamp: clock, message, expiresInSeconds: 0, viewOnce: false },
        },
        account: config.account,
      };
      for (const ws of sockets) ws.send(JSON.stringify(envelope));
      return send(200, { delivered: sockets.size });
    }
    return send(404, { error: `no route ${req.method} ${path}` });
  });
});

const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  const path = (req.url ?? '').split('?')[0];
  log(`UPGRADE ${path}`);
  if (path !== `/v1/receive/${encodeURIComponent(config.account)}`) {
    socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
  });
});

server.listen(config.port, config.address, () => process.stdout.write('ready\n'));
