// A small client of AnythingLLM's developer API (and the two session calls
// that make a developer key), as implemented at v1.16.0, the catalog's pin
// (src/catalog/upstream/anythingllm.ts, ANYTHINGLLM_API: every path below is
// recorded there with its source file). Developer calls carry
// `Authorization: Bearer <API key>` (server/utils/middleware/validApiKey.js:
// a missing or unknown key is 403 {"error":"No valid api key found."}).
// Written on fetch: no maintained Node client of this API exists.
import { MissingEnvironmentError } from '../../model/findings.js';

export const ANYTHINGLLM_HINT =
  'a running AnythingLLM: `moat up` starts it (`moat status` shows its state); from a host that cannot route to the platform network, pass --anythingllm-url';

export class AnythingUnreachableError extends MissingEnvironmentError {
  constructor(
    readonly baseUrl: string,
    why: string,
  ) {
    super(`cannot reach AnythingLLM at ${baseUrl} (${why})`, ANYTHINGLLM_HINT);
  }
}

/** AnythingLLM answered and refused (403: the key; 500: the collector or the embedder). */
export class AnythingError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(`AnythingLLM ${what}: ${reason}`);
  }
}

export interface WorkspaceDocument {
  readonly docpath: string;
  readonly filename?: string;
}

export interface Workspace {
  readonly slug: string;
  readonly documents: readonly WorkspaceDocument[];
}

export interface SearchHit {
  readonly text: string;
  readonly title?: string;
  readonly score?: number;
}

export interface AnythingClient {
  readonly baseUrl: string;
  /** GET /api/v1/auth: is the key valid? */
  checkKey(): Promise<boolean>;
  workspace(slug: string): Promise<Workspace | undefined>;
  createWorkspace(name: string): Promise<Workspace>;
  /** POST /api/v1/document/upload: parsed by the collector; answers the document's location (`custom-documents/<name>-<uuid>.json`). */
  upload(filename: string, content: Uint8Array, metadata: Readonly<Record<string, string>>): Promise<string>;
  updateEmbeddings(slug: string, adds: readonly string[], deletes: readonly string[]): Promise<Workspace>;
  removeDocuments(locations: readonly string[]): Promise<void>;
  vectorSearch(slug: string, query: string, topN?: number): Promise<SearchHit[]>;
}

const TIMEOUT_MS = 60_000;
/** Upload parses the file and embedding calls the embedder for every chunk: a big PDF on a CPU takes minutes. */
const SLOW_TIMEOUT_MS = 15 * 60_000;

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

async function reasonOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    const said = typeof parsed.error === 'string' ? parsed.error : typeof parsed.message === 'string' ? parsed.message : undefined;
    if (said !== undefined) return `${said.slice(0, 300)} (HTTP ${response.status})`;
  } catch {
    // Express's sendStatus answers plain text ("Internal Server Error")
  }
  return `HTTP ${response.status}${text.trim() === '' ? '' : `: ${text.trim().slice(0, 200)}`}`;
}

function toWorkspace(raw: unknown): Workspace | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const w = raw as { slug?: unknown; documents?: unknown };
  if (typeof w.slug !== 'string') return undefined;
  const documents = Array.isArray(w.documents)
    ? w.documents
        .filter(
          (d): d is { docpath: string; filename?: string } => typeof d === 'object' && d !== null && typeof (d as { docpath?: unknown }).docpath === 'string',
        )
        .map((d) => ({ docpath: d.docpath, ...(typeof d.filename === 'string' ? { filename: d.filename } : {}) }))
    : [];
  return { slug: w.slug, documents };
}

type Send = (method: string, path: string, body: BodyInit | undefined, json: boolean, timeoutMs: number, what: string) => Promise<Response>;

function sender(base: string, bearer: string | undefined): Send {
  return async (method, path, body, json, timeoutMs, what) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (bearer !== undefined) headers['authorization'] = `Bearer ${bearer}`;
    if (json) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      // No redirects: the key must go to AnythingLLM only.
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new AnythingUnreachableError(base, (error as Error).name === 'TimeoutError' ? `no answer to ${what} in ${timeoutMs / 1000} s` : causeOf(error));
    }
    if (!response.ok) throw new AnythingError(what, response.status, await reasonOf(response));
    return response;
  };
}

export function anythingClient(baseUrl: string, apiKey: string): AnythingClient {
  const base = baseUrl.replace(/\/+$/, '');
  const send = sender(base, apiKey);
  const json = async <T>(method: string, path: string, body: unknown, what: string, timeoutMs = TIMEOUT_MS): Promise<T> => {
    const response = await send(method, path, body === undefined ? undefined : JSON.stringify(body), body !== undefined, timeoutMs, what);
    return (await response.json().catch(() => ({}))) as T;
  };
  const slugPath = (slug: string): string => `/api/v1/workspace/${encodeURIComponent(slug)}`;
  return {
    baseUrl: base,
    async checkKey() {
      try {
        const out = await json<{ authenticated?: unknown }>('GET', '/api/v1/auth', undefined, 'checking the API key');
        return out.authenticated === true;
      } catch (error) {
        if (error instanceof AnythingError && error.status === 403) return false;
        throw error;
      }
    },
    async workspace(slug) {
      // GET /v1/workspace/:slug answers {workspace: [...]} (Workspace._findMany, documents included): an empty list when there is none.
      const out = await json<{ workspace?: unknown }>('GET', slugPath(slug), undefined, `reading workspace ${slug}`);
      const list = Array.isArray(out.workspace) ? out.workspace : [out.workspace];
      return list.map(toWorkspace).find((w) => w?.slug === slug);
    },
    async createWorkspace(name) {
      const out = await json<{ workspace?: unknown; message?: unknown }>('POST', '/api/v1/workspace/new', { name }, `creating workspace ${name}`);
      const created = toWorkspace(out.workspace);
      if (!created) throw new AnythingError(`creating workspace ${name}`, 200, typeof out.message === 'string' ? out.message : 'no workspace in the answer');
      return created;
    },
    async upload(filename, content, metadata) {
      const form = new FormData();
      form.append('file', new Blob([Uint8Array.from(content)]), filename);
      form.append('metadata', JSON.stringify(metadata));
      const response = await send('POST', '/api/v1/document/upload', form, false, SLOW_TIMEOUT_MS, `uploading ${filename}`);
      const out = (await response.json().catch(() => ({}))) as { success?: unknown; error?: unknown; documents?: unknown };
      const first = Array.isArray(out.documents) ? (out.documents[0] as { location?: unknown } | undefined) : undefined;
      if (out.success !== true || typeof first?.location !== 'string') {
        throw new AnythingError(`uploading ${filename}`, response.status, typeof out.error === 'string' ? out.error : 'the collector returned no document');
      }
      return first.location;
    },
    async updateEmbeddings(slug, adds, deletes) {
      const out = await json<{ workspace?: unknown }>(
        'POST',
        `${slugPath(slug)}/update-embeddings`,
        { adds, deletes },
        `embedding into ${slug}`,
        SLOW_TIMEOUT_MS,
      );
      const updated = toWorkspace(out.workspace);
      if (!updated) throw new AnythingError(`embedding into ${slug}`, 200, 'no workspace in the answer');
      return updated;
    },
    async removeDocuments(locations) {
      if (locations.length === 0) return;
      await json('DELETE', '/api/v1/system/remove-documents', { names: locations }, 'removing documents');
    },
    async vectorSearch(slug, query, topN = 4) {
      const out = await json<{ results?: unknown }>('POST', `${slugPath(slug)}/vector-search`, { query, topN }, `searching ${slug}`);
      if (!Array.isArray(out.results)) return [];
      return out.results
        .filter(
          (r): r is { text: string; score?: unknown; metadata?: { title?: unknown } } =>
            typeof r === 'object' && r !== null && typeof (r as { text?: unknown }).text === 'string',
        )
        .map((r) => ({
          text: r.text,
          ...(typeof r.metadata?.title === 'string' ? { title: r.metadata.title } : {}),
          ...(typeof r.score === 'number' ? { score: r.score } : {}),
        }));
    },
  };
}

/**
 * A new developer API key, made with the instance password (single-user mode):
 * POST /api/request-token {password} answers a session JWT, and POST
 * /api/system/generate-api-key with it answers {apiKey: {secret}}
 * (server/endpoints/system.js at v1.16.0). In multi-user mode the session call
 * is refused (401): keys are then made in the UI by an admin.
 */
export async function createApiKey(baseUrl: string, password: string, name = 'moat'): Promise<string> {
  const base = baseUrl.replace(/\/+$/, '');
  const session = await sender(base, undefined)(
    'POST',
    '/api/request-token',
    JSON.stringify({ password }),
    true,
    TIMEOUT_MS,
    'signing in with ANYTHINGLLM_AUTH_TOKEN',
  );
  const { token } = (await session.json().catch(() => ({}))) as { token?: unknown };
  if (typeof token !== 'string' || token === '') throw new AnythingError('signing in', session.status, 'no session token in the answer (multi-user mode?)');
  const made = await sender(base, token)('POST', '/api/system/generate-api-key', JSON.stringify({ name }), true, TIMEOUT_MS, 'creating a developer API key');
  const { apiKey } = (await made.json().catch(() => ({}))) as { apiKey?: { secret?: unknown } | null };
  if (typeof apiKey?.secret !== 'string' || apiKey.secret === '') throw new AnythingError('creating a developer API key', made.status, 'no key in the answer');
  return apiKey.secret;
}
