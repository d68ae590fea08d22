import type { Platform } from '../model/types.js';
import type { OllamaClient, PullEvent } from './ollama.js';
import { canonicalModelName, OllamaError, OllamaStreamError, OllamaUnreachableError } from './ollama.js';
import type { PullProgress } from './pull-progress.js';
import { platformServiceUrl } from './service-url.js';

export const OLLAMA_SERVICE = 'ollama';

/** The models `moat up` makes sure Ollama has: the chat models, then the embedder, each once. */
export function platformModels(platform: Platform): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const model of [...platform.llm.models, platform.llm.embedder]) {
    const canonical = canonicalModelName(model);
    if (model.trim() === '' || seen.has(canonical)) continue;
    seen.add(canonical);
    out.push(model);
  }
  return out;
}

/** Where the host reaches the platform's Ollama: its static address on the platform bridge. */
export function ollamaUrl(platform: Platform): string | undefined {
  return platformServiceUrl(platform, OLLAMA_SERVICE);
}

export interface RetryOptions {
  /** Pull requests per model, the first included. */
  readonly tries?: number;
  /** Wait before the n-th retry: base × 2^(n-1), capped at 30 s. */
  readonly backoffMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_TRIES = 5;
const DEFAULT_BACKOFF_MS = 2_000;
const MAX_BACKOFF_MS = 30_000;

/** Is this failure one a new pull request can get past? Unknown models and bad names never are. */
function retryable(error: unknown, reached: boolean): boolean {
  if (error instanceof OllamaStreamError) return true;
  // Refused once it had answered: Ollama restarting (its container's restart policy); the parts on disk survive.
  if (error instanceof OllamaUnreachableError) return reached;
  // An error line after Ollama's own retries (registry reset, timeout): the parts done so far are kept.
  if (error instanceof OllamaError) return !error.notFound && error.status !== 400 && !/invalid model name|file does not exist/i.test(error.message);
  return false;
}

/** Pulls one model, re-issuing the pull after a broken stream or a transient error, a bounded number of times. */
export async function pullModel(client: OllamaClient, model: string, progress: PullProgress | undefined, options: RetryOptions = {}): Promise<void> {
  const tries = options.tries ?? DEFAULT_TRIES;
  const base = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let reached = false;
  for (let attempt = 1; ; attempt++) {
    try {
      await client.pull(model, (event: PullEvent) => {
        reached = true;
        progress?.event(model, event);
      });
      return;
    } catch (error) {
      if (attempt >= tries || !retryable(error, reached)) {
        if (attempt > 1 && error instanceof Error) error.message = `${error.message} (after ${attempt} tries)`;
        throw error;
      }
      const wait = Math.min(base * 2 ** (attempt - 1), MAX_BACKOFF_MS);
      progress?.note(model, `${(error as Error).message}; resuming in ${Math.round(wait / 1000)} s (try ${attempt + 1} of ${tries})`);
      await sleep(wait);
    }
  }
}

export interface EnsureModelsResult {
  readonly present: readonly string[];
  readonly pulled: readonly string[];
}

/** Pulls the models Ollama does not have yet (by its own naming, `name:tag`); a model it has is left alone. */
export async function ensureModels(
  client: OllamaClient,
  models: readonly string[],
  progress: PullProgress | undefined,
  options: RetryOptions = {},
): Promise<EnsureModelsResult> {
  const have = new Set((await client.list()).map((m) => canonicalModelName(m.name)));
  const present: string[] = [];
  const pulled: string[] = [];
  for (const model of models) {
    if (have.has(canonicalModelName(model))) {
      present.push(model);
      progress?.note(model, 'already in Ollama');
      continue;
    }
    await pullModel(client, model, progress, options);
    pulled.push(model);
    progress?.note(model, 'pulled');
  }
  return { present, pulled };
}
