// A small client of Ollama's HTTP API, for `moat models` and `moat up`:
// GET /api/tags (list), POST /api/show, DELETE /api/delete, and POST /api/pull
// streamed as NDJSON. Errors are typed so the CLI can tell an Ollama it cannot
// reach (exit 3) from a model that does not exist (exit 1).
// API as documented and implemented at the version the catalog pins (0.32.15;
// unchanged since 0.6.8): https://github.com/ollama/ollama/blob/v0.32.15/docs/api.md
// (Pull a Model, List Local Models, Show Model Information, Delete a Model) and
// server/routes.go at v0.32.15:
// PullHandler streams `{"status":...,"digest","total","completed"}` lines
// (content type application/x-ndjson) and ends a failed pull with one
// `{"error":"..."}` line on an HTTP 200; DeleteHandler and ShowHandler answer
// 404 `{"error":"model 'x' not found"}`.
import { MissingEnvironmentError } from '../model/findings.js';

/** One NDJSON line of /api/pull (api.ProgressResponse, or the error line). */
export interface PullEvent {
  readonly status?: string;
  readonly digest?: string;
  readonly total?: number;
  readonly completed?: number;
  readonly error?: string;
}

export interface LocalModel {
  readonly name: string;
  readonly size: number;
  readonly digest: string;
  readonly modifiedAt: string;
}

export const OLLAMA_HINT =
  'a running Ollama: `moat up` starts it (`moat status` shows its state); from a host that cannot route to the platform network, pass --ollama-url';

/** Ollama cannot be reached at all (refused, timed out, no route): exit 3. */
export class OllamaUnreachableError extends MissingEnvironmentError {
  constructor(
    readonly baseUrl: string,
    readonly why: string,
  ) {
    super(`cannot reach Ollama at ${baseUrl} (${why})`, OLLAMA_HINT);
  }
}

/** Ollama answered, and said no (unknown model, bad name, registry error): exit 1. */
export class OllamaError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly notFound: boolean,
  ) {
    super(message);
  }
}

/** The connection broke while a pull streamed: worth retrying (Ollama resumes). */
export class OllamaStreamError extends Error {}

export interface OllamaClient {
  readonly baseUrl: string;
  list(): Promise<LocalModel[]>;
  show(model: string): Promise<Record<string, unknown>>;
  remove(model: string): Promise<void>;
  /** One pull request: calls `onEvent` per progress line; resolves on `success`, throws on an error line or a broken stream. */
  pull(model: string, onEvent: (event: PullEvent) => void): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 30_000;
/** A pull streams a progress line every 60 ms while it downloads (blobDownload.Wait's ticker, server/download.go); silence this long means a dead connection. */
const PULL_IDLE_TIMEOUT_MS = 120_000;

function causeCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

export function ollamaClient(baseUrl: string): OllamaClient {
  const base = baseUrl.replace(/\/+$/, '');
  const call = async (method: string, path: string, body?: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Response> => {
    try {
      return await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const why = (error as Error).name === 'TimeoutError' ? `no answer in ${timeoutMs / 1000} s` : causeCode(error);
      throw new OllamaUnreachableError(base, why);
    }
  };
  const fail = async (response: Response, what: string): Promise<never> => {
    const text = await response.text().catch(() => '');
    const message = errorText(text) ?? `HTTP ${response.status}`;
    throw new OllamaError(`${what}: ${message}`, response.status, response.status === 404);
  };

  return {
    baseUrl: base,
    async list() {
      const response = await call('GET', '/api/tags');
      if (!response.ok) return fail(response, 'listing the models');
      const parsed = (await response.json().catch(() => undefined)) as { models?: unknown } | undefined;
      if (!parsed || !Array.isArray(parsed.models))
        throw new OllamaError(`${base}/api/tags did not answer a model list; is ${base} an Ollama?`, response.status, false);
      return parsed.models
        .filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null && typeof (m as { name?: unknown }).name === 'string')
        .map((m) => ({
          name: String(m['name']),
          size: typeof m['size'] === 'number' ? m['size'] : 0,
          digest: typeof m['digest'] === 'string' ? m['digest'] : '',
          modifiedAt: typeof m['modified_at'] === 'string' ? m['modified_at'] : '',
        }));
    },
    async show(model) {
      const response = await call('POST', '/api/show', { model });
      if (!response.ok) return fail(response, `showing ${model}`);
      return (await response.json()) as Record<string, unknown>;
    },
    async remove(model) {
      const response = await call('DELETE', '/api/delete', { model });
      if (!response.ok) return fail(response, `removing ${model}`);
    },
    async pull(model, onEvent) {
      // No overall timeout: a pull of several GB takes as long as it takes. The idle timer below catches a dead peer.
      const controller = new AbortController();
      let idle: NodeJS.Timeout | undefined;
      const arm = (): void => {
        clearTimeout(idle);
        idle = setTimeout(() => controller.abort(), PULL_IDLE_TIMEOUT_MS);
      };
      let response: Response;
      arm();
      try {
        response = await fetch(`${base}/api/pull`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model, stream: true }),
          signal: controller.signal,
        });
      } catch (error) {
        clearTimeout(idle);
        throw new OllamaUnreachableError(base, controller.signal.aborted ? `no answer in ${PULL_IDLE_TIMEOUT_MS / 1000} s` : causeCode(error));
      }
      try {
        if (!response.ok || !response.body) return await fail(response, `pulling ${model}`);
        const decoder = new TextDecoder();
        let buffered = '';
        let succeeded = false;
        const handle = (line: string): void => {
          if (line.trim() === '') return;
          let event: PullEvent;
          try {
            event = JSON.parse(line) as PullEvent;
          } catch {
            throw new OllamaError(`pulling ${model}: Ollama sent a line that is not JSON: ${line.slice(0, 120)}`, response.status, false);
          }
          if (typeof event !== 'object' || event === null) return;
          if (typeof event.error === 'string')
            throw new OllamaError(`pulling ${model}: ${event.error}`, response.status, /file does not exist|not found/i.test(event.error));
          if (event.status === 'success') succeeded = true;
          onEvent(event);
        };
        try {
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
            arm();
            buffered += decoder.decode(chunk, { stream: true });
            let at = buffered.indexOf('\n');
            while (at >= 0) {
              handle(buffered.slice(0, at));
              buffered = buffered.slice(at + 1);
              at = buffered.indexOf('\n');
            }
          }
        } catch (error) {
          if (error instanceof OllamaError) throw error;
          throw new OllamaStreamError(
            `the connection to ${base} broke while pulling ${model} (${controller.signal.aborted ? `silent for ${PULL_IDLE_TIMEOUT_MS / 1000} s` : causeCode(error)})`,
          );
        }
        handle(buffered);
        if (!succeeded) throw new OllamaStreamError(`the pull of ${model} ended before Ollama reported success`);
      } finally {
        clearTimeout(idle);
      }
    },
  };
}

function errorText(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON
  }
  return body.trim() === '' ? undefined : body.trim().slice(0, 300);
}

/**
 * How Ollama names a model in /api/tags: `name:tag` (tag `latest` when none was
 * given), without the default registry and namespace (model.ParseName +
 * DisplayShortest in v0.32.15). Used to tell whether a configured model is present.
 */
export function canonicalModelName(model: string): string {
  let name = model.trim();
  for (const prefix of ['registry.ollama.ai/library/', 'registry.ollama.ai/']) {
    if (name.startsWith(prefix)) name = name.slice(prefix.length);
  }
  if (name.startsWith('library/')) name = name.slice('library/'.length);
  const lastSlash = name.lastIndexOf('/');
  return name.indexOf(':', lastSlash + 1) >= 0 ? name : `${name}:latest`;
}
