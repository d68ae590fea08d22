// A stub signal-cli-rest-api on loopback that speaks its documented API at
// 0.100 (src/main.go routes, src/api/api.go handlers; recorded in
// src/catalog/upstream/signal-cli-rest-api.ts): GET /v1/qrcodelink (image/png)
// and /v1/qrcodelink/raw ({"device_link_uri"}), both 400 {"error"} without
// device_name; POST /v1/register/{number} (201, or 400 "captcha required" when
// told to want one), POST /v1/register/{number}/verify/{code} (201, 400 for a
// wrong code); GET /v1/accounts, /v1/about, /v1/health (204). Like the real
// one in json-rpc mode, a link finishes in the background: the linked account
// appears in /v1/accounts a moment after the URI was handed out.
import { createServer, type Server } from 'node:http';
import QRCode from 'qrcode';

export interface StubRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

export interface SignalApiStub {
  readonly url: string;
  readonly requests: StubRequest[];
  readonly accounts: string[];
  readonly linkUri: string;
  /** The number a finished link adds. */
  linkedAccount: string;
  mode: string;
  wantCaptcha: boolean;
  readonly verifyCode: string;
  close(): Promise<void>;
}

const json = (status: number, body: unknown): [number, Record<string, string>, string] => [
  status,
  { 'content-type': 'application/json; charset=utf-8' },
  JSON.stringify(body),
];

export async function startSignalApiStub(): Promise<SignalApiStub> {
  const stub: SignalApiStub = {
    url: '',
    requests: [],
    accounts: [],
    linkUri: 'sgnl://linkdevice?uuid=Xk3pQmZ8rT2vN9wLcB5yHg&pub_key=BWj7dK2mP9qR4tV6xZ8aC1eG3iK5mO7qS9uW1yA3cE5g',
    linkedAccount: '+4915112345678',
    mode: 'json-rpc',
    wantCaptcha: false,
    verifyCode: '123456',
    close: async () => {},
  };
  const route = async (method: string, path: string, query: URLSearchParams, body: string): Promise<[number, Record<string, string>, string | Buffer]> => {
    if (method === 'GET' && path === '/v1/health') return [204, {}, ''];
    if (method === 'GET' && path === '/v1/about')
      return json(200, { versions: ['v1', 'v2'], build: 2, mode: stub.mode, version: '0.100', capabilities: { 'v2/send': ['quotes', 'mentions'] } });
    if (method === 'GET' && path === '/v1/accounts') return json(200, stub.accounts);
    if (method === 'GET' && (path === '/v1/qrcodelink' || path === '/v1/qrcodelink/raw')) {
      if (!query.get('device_name')) return json(400, { error: 'Please provide a name for the device' });
      setTimeout(() => stub.accounts.includes(stub.linkedAccount) || stub.accounts.push(stub.linkedAccount), 50);
      if (path === '/v1/qrcodelink/raw') return json(200, { device_link_uri: stub.linkUri });
      const png = await new Promise<Buffer>((resolve, reject) =>
        (QRCode as unknown as { toBuffer(t: string, cb: (e: Error | null, b: Buffer) => void): void }).toBuffer(stub.linkUri, (e, b) =>
          e ? reject(e) : resolve(b),
        ),
      );
      return [200, { 'content-type': 'image/png' }, png];
    }
    const register = /^\/v1\/register\/([^/]+)$/.exec(path);
    if (method === 'POST' && register) {
      const req = body === '' ? {} : (JSON.parse(body) as { captcha?: string });
      if (stub.wantCaptcha && !req.captcha) return json(400, { error: 'Captcha required for verification, use --captcha CAPTCHA' });
      return [201, {}, ''];
    }
    const verify = /^\/v1\/register\/([^/]+)\/verify\/([^/]+)$/.exec(path);
    if (method === 'POST' && verify) {
      if (verify[2] !== stub.verifyCode) return json(400, { error: 'Verify error: StatusCode: 403' });
      const number = decodeURIComponent(verify[1] ?? '');
      if (!stub.accounts.includes(number)) stub.accounts.push(number);
      return [201, {}, ''];
    }
    return json(404, { error: 'not found' });
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      stub.requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      route(req.method ?? '', url.pathname, url.searchParams, body).then(
        ([status, headers, text]) => {
          res.writeHead(status, headers);
          res.end(text);
        },
        (error: Error) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: error.message }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(stub, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
