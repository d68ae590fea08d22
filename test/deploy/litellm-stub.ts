// A stub LiteLLM proxy on loopback speaking the key-management endpoints as
// documented (docs.litellm.ai/docs/proxy/virtual_keys) and implemented in
// litellm/proxy/management_endpoints/key_management_endpoints.py:
// POST /v2/key/info {keys} → {key, info: [...]} (404 "No keys found" when none),
// POST /key/generate {key, key_alias, models} (a custom key must start with
// `sk-`; aliases are unique), POST /key/update {key, models},
// POST /key/delete {keys | key_aliases}. Every call needs the master key as
// `Authorization: Bearer`; anything else is a 401.
import { createServer, type Server } from 'node:http';

export interface StubKey {
  key: string;
  key_alias: string | null;
  models: string[];
}

export interface LitellmStub {
  readonly url: string;
  readonly keys: StubKey[];
  /** Every request: method, URL (path and query) and the raw body, for assertions on where values travel. */
  readonly requests: { method: string; url: string; body: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

export async function startLitellmStub(masterKey: string): Promise<LitellmStub> {
  const keys: StubKey[] = [];
  const requests: LitellmStub['requests'] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    requests.push({ method: req.method ?? '', url: req.url ?? '', body: raw, authorization: req.headers.authorization });
    const send = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.headers.authorization !== `Bearer ${masterKey}`)
      return send(401, { error: { message: 'Authentication Error, Invalid proxy server token passed.', type: 'auth_error', code: '401' } });
    let body: Record<string, unknown> = {};
    try {
      body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
    } catch {
      return send(422, { detail: 'invalid json' });
    }
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'POST' && path === '/v2/key/info') {
      const wanted = Array.isArray(body['keys']) ? (body['keys'] as string[]) : [];
      const found = keys.filter((k) => wanted.includes(k.key)).map((k) => ({ key_alias: k.key_alias, models: k.models, spend: 0 }));
      if (found.length === 0) return send(404, { detail: { message: 'No keys found' } });
      return send(200, { key: wanted, info: found });
    }
    if (req.method === 'POST' && path === '/key/generate') {
      const key = String(body['key'] ?? '');
      if (!key.startsWith('sk-'))
        return send(400, {
          error: { message: `Invalid key format. LiteLLM Virtual Key must start with 'sk-'. Received: ${key.slice(0, 4)}****${key.slice(-4)}` },
        });
      const alias = typeof body['key_alias'] === 'string' ? body['key_alias'] : null;
      if (alias !== null && keys.some((k) => k.key_alias === alias))
        return send(400, { error: { message: `Unique key aliases across all keys are required. Key alias=${alias} already exists` } });
      if (keys.some((k) => k.key === key)) return send(400, { error: { message: 'Unique key required' } });
      keys.push({ key, key_alias: alias, models: Array.isArray(body['models']) ? (body['models'] as string[]) : [] });
      return send(200, { key, key_alias: alias, models: body['models'] ?? [] });
    }
    if (req.method === 'POST' && path === '/key/update') {
      const k = keys.find((x) => x.key === body['key']);
      if (!k) return send(404, { error: { message: 'Key not found' } });
      k.models = Array.isArray(body['models']) ? (body['models'] as string[]) : k.models;
      return send(200, { key: k.key, models: k.models });
    }
    if (req.method === 'POST' && path === '/key/delete') {
      const aliases = Array.isArray(body['key_aliases']) ? (body['key_aliases'] as string[]) : [];
      const values = Array.isArray(body['keys']) ? (body['keys'] as string[]) : [];
      const before = keys.length;
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i] as StubKey;
        if ((k.key_alias !== null && aliases.includes(k.key_alias)) || values.includes(k.key)) keys.splice(i, 1);
      }
      if (keys.length === before) return send(400, { error: { message: 'Failed to delete all keys' } });
      return send(200, { deleted_keys: aliases.length > 0 ? aliases : values });
    }
    if (req.method === 'GET' && path === '/health/liveliness') return send(200, "I'm alive!");
    send(404, { detail: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    keys,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
