// Runs inside an app-test namespace (started by test/support/real-apps.ts):
// - a DNS stub on 127.0.0.11:53 in place of Docker's embedded DNS: A records
//   for the service names (their static addresses), an empty NOERROR for other
//   types of a known name, NXDOMAIN for the rest (RFC 1035 §4.1);
// - optionally a stub OpenAI-compatible model server (what LiteLLM speaks):
//   GET /v1/models, POST /v1/chat/completions with and without `stream`
//   (server-sent `chat.completion.chunk` events ending in `data: [DONE]`, per
//   OpenAI's Chat Completions streaming reference). Every request is logged.
// Prints `ready` once everything listens. Config: a JSON file (argv[2]).
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

interface Config {
  readonly names: Readonly<Record<string, string>>;
  readonly model?: { readonly address: string; readonly port: number };
}
const config = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Config;
const names = new Map(Object.entries(config.names).map(([k, v]) => [k.toLowerCase(), v]));

function dnsAnswer(query: Buffer): Buffer | undefined {
  if (query.length < 17) return undefined;
  let at = 12;
  const labels: string[] = [];
  while (at < query.length && query[at] !== 0) {
    const len = query[at] ?? 0;
    if (len > 63) return undefined; // no compression in questions
    labels.push(query.subarray(at + 1, at + 1 + len).toString('ascii'));
    at += len + 1;
  }
  if (at + 5 > query.length) return undefined;
  const qtype = query.readUInt16BE(at + 1);
  const address = names.get(labels.join('.').toLowerCase());
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(address !== undefined ? 0x8580 : 0x8583, 2); // response, authoritative, RD, RA; NOERROR / NXDOMAIN
  header.writeUInt16BE(1, 4);
  const answer = address !== undefined && qtype === 1;
  header.writeUInt16BE(answer ? 1 : 0, 6);
  const parts = [header, query.subarray(12, at + 5)];
  if (answer) parts.push(Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 10, 0, 4, ...address.split('.').map(Number)]));
  return Buffer.concat(parts);
}

const dns = createSocket('udp4');
dns.on('message', (query, peer) => {
  const reply = dnsAnswer(query);
  if (reply) dns.send(reply, peer.port, peer.address);
});
const ready: Promise<void>[] = [new Promise((resolve) => dns.bind(53, '127.0.0.11', resolve))];

const MODEL_REPLY = 'Hello from the stub model.';
if (config.model) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      process.stdout.write(`model-stub ${req.method} ${req.url} ${body.slice(0, 300)}\n`);
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            object: 'list',
            data: [
              {
                id: 'llama3.2:3b',
                object: 'model',
                created: 0,
                owned_by: 'stub',
              },
            ],
          }),
        );
        return;
      }
      if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) {
        let parsed: { model?: string; stream?: boolean } = {};
        try {
          parsed = JSON.parse(body) as typeof parsed;
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              error: { message: 'invalid JSON', type: 'invalid_request_error' },
            }),
          );
          return;
        }
        const model = parsed.model ?? 'llama3.2:3b';
        const base = {
          id: 'chatcmpl-stub',
          created: Math.floor(Date.now() / 1000),
          model,
        };
        if (parsed.stream) {
          res.writeHead(200, {
            'content-type': 'text/event-stream',
            'cache-control': 'no-cache',
          });
          const chunk = (delta: object, finish: string | null): string =>
            `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
          res.write(chunk({ role: 'assistant', content: '' }, null));
          for (const word of MODEL_REPLY.split(/(?<= )/)) res.write(chunk({ content: word }, null));
          res.write(chunk({}, 'stop'));
          res.write(
            `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 } })}\n\n`,
          );
          res.end('data: [DONE]\n\n');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            ...base,
            object: 'chat.completion',
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: MODEL_REPLY },
                finish_reason: 'stop',
              },
            ],
            usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 },
          }),
        );
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            message: `no route ${req.method} ${path}`,
            type: 'not_found',
          },
        }),
      );
    });
  });
  const { address, port } = config.model;
  ready.push(new Promise((resolve) => server.listen(port, address, resolve)));
}

await Promise.all(ready);
process.stdout.write('ready\n');
