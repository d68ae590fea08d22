// A stub Ollama on loopback that speaks its documented API (docs/api.md and
// server/routes.go at v0.32.15, the catalog's pin): GET /api/tags, POST /api/show, DELETE
// /api/delete (404 `{"error":"model 'x' not found"}`), POST /api/pull as NDJSON
// (`pulling manifest`, `pulling <digest[7:19]>` with digest/total/completed per
// layer, `verifying sha256 digest`, `writing manifest`, `success`; an unknown
// model ends in one `{"error":"pull model manifest: file does not exist"}` line
// on HTTP 200). Like Ollama, it keeps what a broken pull downloaded and a new
// pull continues from there.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface StubLayer {
  readonly digest: string;
  readonly size: number;
}

export interface StubModel {
  readonly layers: readonly StubLayer[];
}

export interface OllamaStub {
  readonly url: string;
  /** Models the stub has (name:tag). */
  readonly local: Set<string>;
  /** Request bodies of /api/pull, in order. */
  readonly pulls: { model?: string; stream?: boolean }[];
  /** Bytes of each layer downloaded so far (kept across broken pulls). */
  readonly downloaded: Map<string, number>;
  /** Break the connection once, mid-layer, after this many bytes of a pull (then clear). */
  breakAfter: number | undefined;
  /** Answer the next pull with an error line mid-way (then clear), as after Ollama's own retries. */
  errorLineAfter: { bytes: number; error: string } | undefined;
  close(): Promise<void>;
}

const STEP = 1_000_000;

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const canonical = (name: string): string => (name.includes(':') ? name : `${name}:latest`);

/** `listen`: where it answers (default: a free loopback port); the console's namespace test gives Ollama's static address. */
export async function startOllamaStub(
  registry: Readonly<Record<string, StubModel>>,
  local: readonly string[] = [],
  listen: { readonly host: string; readonly port: number } = { host: '127.0.0.1', port: 0 },
): Promise<OllamaStub> {
  const sockets = new Set<import('node:net').Socket>();
  const stub: OllamaStub = {
    url: '',
    local: new Set(local),
    pulls: [],
    downloaded: new Map(),
    breakAfter: undefined,
    errorLineAfter: undefined,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const json = (res: ServerResponse, status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(value));
  };
  const server: Server = createServer(async (req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'GET' && url === '/api/tags') {
      return json(res, 200, {
        models: [...stub.local].map((name) => ({
          name,
          model: name,
          modified_at: '2026-12-01T00:00:00Z',
          size: 2_019_393_189,
          digest: 'a80c4f17acd5',
          details: { family: 'llama' },
        })),
      });
    }
    if (req.method === 'POST' && url === '/api/show') {
      const name = String((await body(req))['model'] ?? '');
      if (!stub.local.has(canonical(name))) return json(res, 404, { error: `model '${name}' not found` });
      return json(res, 200, { modelfile: '', details: { family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M', format: 'gguf' } });
    }
    if (req.method === 'DELETE' && url === '/api/delete') {
      const name = String((await body(req))['model'] ?? '');
      if (!stub.local.delete(canonical(name))) return json(res, 404, { error: `model '${name}' not found` });
      res.writeHead(200).end();
      return;
    }
    if (req.method === 'POST' && url === '/api/pull') {
      const request = await body(req);
      stub.pulls.push(request as { model?: string; stream?: boolean });
      const name = canonical(String(request['model'] ?? ''));
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const line = (value: unknown): void => {
        res.write(`${JSON.stringify(value)}\n`);
      };
      line({ status: 'pulling manifest' });
      const model = registry[name];
      if (!model) {
        line({ error: 'pull model manifest: file does not exist' });
        res.end();
        return;
      }
      let sent = 0;
      for (const layer of model.layers) {
        let done = stub.downloaded.get(layer.digest) ?? 0;
        while (true) {
          line({ status: `pulling ${layer.digest.slice(7, 19)}`, digest: layer.digest, total: layer.size, completed: done });
          if (done >= layer.size) break;
          // Let each line leave, as a real download's pace does (the client sees progress before a break).
          await new Promise((resolve) => setTimeout(resolve, 2));
          const step = Math.min(STEP, layer.size - done);
          done += step;
          sent += step;
          stub.downloaded.set(layer.digest, done);
          if (stub.breakAfter !== undefined && sent >= stub.breakAfter) {
            stub.breakAfter = undefined;
            // A connection that dies mid-stream: no error line, no end of the chunked body.
            req.socket.destroy();
            return;
          }
          if (stub.errorLineAfter !== undefined && sent >= stub.errorLineAfter.bytes) {
            const { error } = stub.errorLineAfter;
            stub.errorLineAfter = undefined;
            line({ error });
            res.end();
            return;
          }
        }
      }
      line({ status: 'verifying sha256 digest' });
      line({ status: 'writing manifest' });
      line({ status: 'success' });
      stub.local.add(name);
      res.end();
      return;
    }
    json(res, 404, { error: 'not found' });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(listen.port, listen.host, () => resolve()));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  (stub as { url: string }).url = `http://${listen.host}:${address.port}`;
  return stub;
}

/** A loopback port nobody listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
