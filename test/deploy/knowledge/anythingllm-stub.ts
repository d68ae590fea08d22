// A stub of AnythingLLM 1.16.0's developer API (AnythingLLM cannot run here:
// no image, no engine that pulls one). It speaks the endpoints moat calls, with
// the shapes recorded in src/catalog/upstream/anythingllm.ts (ANYTHINGLLM_API):
// POST /api/request-token and /api/system/generate-api-key (single-user mode),
// GET /api/v1/auth, POST /api/v1/workspace/new, GET /api/v1/workspace/:slug
// ({workspace: [..]}), POST /api/v1/document/upload (multipart),
// GET /api/v1/documents ({localFiles} tree), POST /api/v1/workspace/:slug/update-embeddings ({adds, deletes}; a failed
// embedding answers 200 without the document, as upstream),
// DELETE /api/v1/system/remove-documents, POST /api/v1/workspace/:slug/vector-search.
// Every /api/v1 call checks the Bearer key (403 otherwise). "Vectors" are
// naive: a search scores a document by the query words its text contains.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubDocument {
  readonly location: string;
  readonly title: string;
  readonly text: string;
}

export interface AnythingStub {
  readonly url: string;
  readonly password: string;
  /** Keys the stub accepts (made by generate-api-key, or added by a test). */
  readonly keys: Set<string>;
  readonly documents: Map<string, StubDocument>;
  readonly workspaces: Map<string, Set<string>>;
  /** Every request: method, path, authorization header. */
  readonly calls: { method: string; path: string; authorization?: string }[];
  /** Tests: make uploads or embeddings of matching file names fail. */
  failUpload?: (filename: string) => boolean;
  failEmbed?: (location: string) => boolean;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const slugify = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

export async function startAnythingStub(password = 'moat-stub-password'): Promise<AnythingStub> {
  const sessions = new Set<string>();
  const stub: Omit<AnythingStub, 'url' | 'close'> = { password, keys: new Set(), documents: new Map(), workspaces: new Map(), calls: [] };
  const workspaceJson = (slug: string) => ({
    id: 1,
    name: slug,
    slug,
    documents: [...(stub.workspaces.get(slug) ?? [])].map((docpath) => ({ docpath, filename: docpath.split('/').pop(), docId: randomUUID() })),
  });
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const path = url.pathname;
    const authorization = req.headers.authorization;
    stub.calls.push({ method: req.method ?? '', path, ...(authorization === undefined ? {} : { authorization }) });
    const raw = await body(req);
    const send = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const json = (): Record<string, unknown> => (raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as Record<string, unknown>));
    const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;

    if (req.method === 'POST' && path === '/api/request-token') {
      if (json()['password'] !== password) return send(401, { valid: false, token: null, message: '[003] Invalid password provided' });
      const token = `session-${randomUUID()}`;
      sessions.add(token);
      return send(200, { valid: true, token, message: null });
    }
    if (req.method === 'POST' && path === '/api/system/generate-api-key') {
      if (bearer === undefined || !sessions.has(bearer)) return send(401, { error: 'Invalid auth credentials.' });
      const secret = `STUBKEY-${randomUUID().toUpperCase()}`;
      stub.keys.add(secret);
      return send(200, { apiKey: { id: stub.keys.size, secret, name: json()['name'] ?? null }, error: null });
    }
    if (!path.startsWith('/api/v1/')) return send(404, { error: 'not found' });
    if (bearer === undefined || !stub.keys.has(bearer)) return send(403, { error: 'No valid api key found.' });

    if (req.method === 'GET' && path === '/api/v1/auth') return send(200, { authenticated: true });
    if (req.method === 'GET' && path === '/api/v1/documents') {
      // viewLocalFiles' tree: documents/ → folders → files named by the location's last part.
      const items = [...stub.documents.values()].map((d) => ({ name: d.location.split('/')[1], type: 'file', title: d.title }));
      return send(200, { localFiles: { name: 'documents', type: 'folder', items: [{ name: 'custom-documents', type: 'folder', items }] } });
    }
    if (req.method === 'POST' && path === '/api/v1/workspace/new') {
      const name = String(json()['name'] ?? '');
      let slug = slugify(name);
      if (stub.workspaces.has(slug)) slug = `${slug}-${stub.workspaces.size}`;
      stub.workspaces.set(slug, new Set());
      return send(200, { workspace: workspaceJson(slug), message: 'Workspace created' });
    }
    if (req.method === 'POST' && path === '/api/v1/document/upload') {
      const form = await new Request('http://stub/', {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: Uint8Array.from(raw),
      }).formData();
      const file = form.get('file');
      if (!(file instanceof File)) return send(500, { success: false, error: 'no file' });
      if (stub.failUpload?.(file.name)) return send(500, { success: false, error: `Stub collector could not parse ${file.name}`, documents: [] });
      const metadata = JSON.parse(String(form.get('metadata') ?? '{}')) as { title?: string };
      const location = `custom-documents/${file.name}-${randomUUID()}.json`;
      stub.documents.set(location, { location, title: metadata.title ?? file.name, text: await file.text() });
      return send(200, { success: true, error: null, documents: [{ location, name: location.split('/')[1], title: metadata.title ?? file.name }] });
    }
    if (req.method === 'DELETE' && path === '/api/v1/system/remove-documents') {
      const names = json()['names'];
      for (const n of Array.isArray(names) ? names : []) {
        stub.documents.delete(String(n));
        for (const docs of stub.workspaces.values()) docs.delete(String(n));
      }
      return send(200, { success: true, message: 'Documents removed successfully' });
    }
    const ws = /^\/api\/v1\/workspace\/([^/]+)(\/.*)?$/.exec(path);
    if (ws) {
      const slug = decodeURIComponent(ws[1] ?? '');
      const rest = ws[2] ?? '';
      const docs = stub.workspaces.get(slug);
      if (req.method === 'GET' && rest === '') return send(200, { workspace: docs ? [workspaceJson(slug)] : [] });
      if (!docs) return send(400, { message: `Workspace ${slug} is not a valid workspace.` });
      if (req.method === 'POST' && rest === '/update-embeddings') {
        const { adds = [], deletes = [] } = json() as { adds?: string[]; deletes?: string[] };
        for (const d of deletes) docs.delete(d);
        // As upstream: a document that fails to embed is left out, and the answer is still 200.
        for (const a of adds) if (stub.documents.has(a) && !stub.failEmbed?.(a)) docs.add(a);
        return send(200, { workspace: workspaceJson(slug) });
      }
      if (req.method === 'POST' && rest === '/vector-search') {
        const words = String(json()['query'] ?? '')
          .toLowerCase()
          .split(/\W+/)
          .filter((w) => w.length > 2);
        const results = [...docs]
          .map((l) => stub.documents.get(l))
          .filter((d): d is StubDocument => d !== undefined)
          .map((d) => ({ d, score: words.filter((w) => d.text.toLowerCase().includes(w)).length / Math.max(words.length, 1) }))
          .filter((r) => r.score > 0)
          .sort((a, b) => b.score - a.score)
          .map((r) => ({
            id: randomUUID(),
            text: r.d.text,
            metadata: { title: r.d.title, url: `file://${r.d.title}` },
            distance: 1 - r.score,
            score: r.score,
          }));
        return send(200, { results });
      }
    }
    return send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(stub, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
