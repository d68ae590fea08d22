import type { Platform } from '../model/types.js';
import { BOT_SERVICE, type BotPaths, ensureBotKnowledgeKey, ensureSignalPlugin, KNOWLEDGE_SERVICE } from './bot-setup.js';
import type { Engine } from './engine.js';
import { ensureLitellmDatabase, LITELLM_DB_SECRET, LITELLM_DB_SERVICE, LITELLM_SERVICE, usesLitellmDb } from './litellm-db.js';
import type { KeyOutcome } from './litellm-keys.js';
import { ensureVirtualKey, LitellmKeyError } from './litellm-keys.js';
import type { EnsureModelsResult, RetryOptions } from './models.js';
import { ensureModels, OLLAMA_SERVICE, ollamaUrl, platformModels } from './models.js';
import { ollamaClient } from './ollama.js';
import type { PullProgress } from './pull-progress.js';
import { platformServiceUrl } from './service-url.js';

export const LITELLM_MASTER_SECRET = 'LITELLM_MASTER_KEY';
/** An app's own LiteLLM key is a secret of the app named `<APP>_LITELLM_KEY` (clawdbot: CLAWDBOT_LITELLM_KEY). */
const APP_KEY_SUFFIX = '_LITELLM_KEY';

export interface AppKey {
  /** The app (the key's alias in LiteLLM). */
  readonly service: string;
  readonly secret: string;
}

export function appKeys(platform: Platform): AppKey[] {
  return platform.services
    .filter((s) => s.name !== LITELLM_SERVICE)
    .flatMap((s) => s.secrets.filter((x) => x.name.endsWith(APP_KEY_SUFFIX)).map((x) => ({ service: s.name, secret: x.name })));
}

export function litellmUrl(platform: Platform): string | undefined {
  return platformServiceUrl(platform, LITELLM_SERVICE);
}

/**
 * The steps that reach a service over the host's route to the platform bridge
 * are opt-in: the CLI turns them on; a caller that cannot (or must not) reach
 * the bridge, such as a test, leaves them off or injects URLs.
 */
export interface FirstUpOptions {
  /** Register each app's own LiteLLM key after LiteLLM is healthy. */
  readonly registerKeys?: boolean;
  /** Pull the platform's models into Ollama at the end. */
  readonly pullModels?: boolean;
  readonly ollamaUrl?: string;
  readonly litellmUrl?: string;
  readonly pullProgress?: PullProgress;
  readonly pullRetry?: RetryOptions;
  /** Wait between tries of an app key registration whose LiteLLM did not answer (tests shorten it). */
  readonly keyRetryMs?: number;
  /** Make AnythingLLM's developer key for the bot's knowledge tool before the bot starts (bot-setup.ts). */
  readonly knowledgeKey?: boolean;
  readonly anythingllmUrl?: string;
}

export interface StepReport {
  readonly service: string;
  readonly detail: string;
}

/** A step that failed: which service it belongs to, and why (never a secret value). */
export class FirstUpStepError extends Error {
  constructor(
    readonly service: string,
    readonly expected: string,
    message: string,
  ) {
    super(message);
  }
}

const need = (values: ReadonlyMap<string, string>, name: string): string => {
  const value = values.get(name);
  if (value === undefined) throw new Error(`secret ${name} has no value (this is a bug in moat)`);
  return value;
};

/** Runs what becomes possible now that these services are ready; returns what it did. */
export async function afterReady(
  platform: Platform,
  engine: Engine,
  ready: readonly string[],
  selected: ReadonlySet<string>,
  values: ReadonlyMap<string, string>,
  options: FirstUpOptions,
  paths?: BotPaths,
): Promise<StepReport[]> {
  const done: StepReport[] = [];
  if (ready.includes(KNOWLEDGE_SERVICE) && selected.has(BOT_SERVICE) && options.knowledgeKey === true && paths !== undefined) {
    const base = options.anythingllmUrl ?? platformServiceUrl(platform, KNOWLEDGE_SERVICE);
    if (base !== undefined) {
      let outcome: string;
      try {
        outcome = await ensureBotKnowledgeKey(platform, paths, base);
      } catch (error) {
        throw new FirstUpStepError(
          KNOWLEDGE_SERVICE,
          "AnythingLLM makes the developer key the bot's knowledge tool sends (ANYTHINGLLM_API_KEY)",
          (error as Error).message,
        );
      }
      done.push({ service: KNOWLEDGE_SERVICE, detail: `the bot's knowledge key ${outcome}` });
    }
  }
  if (ready.includes(BOT_SERVICE)) {
    const plugin = await ensureSignalPlugin(engine, platform);
    if (plugin?.installed === false)
      throw new FirstUpStepError(BOT_SERVICE, "OpenClaw installs its official Signal plugin (the bot's Signal channel)", plugin.problem ?? 'failed');
    if (plugin?.installed) done.push({ service: BOT_SERVICE, detail: 'Signal plugin installed (trusted-official)' });
  }
  if (ready.includes(LITELLM_DB_SERVICE) && usesLitellmDb(platform) && selected.has(LITELLM_SERVICE)) {
    try {
      await ensureLitellmDatabase(engine, need(values, LITELLM_DB_SECRET));
    } catch (error) {
      throw new FirstUpStepError(LITELLM_DB_SERVICE, "psql creates or updates LiteLLM's role and database", (error as Error).message);
    }
    done.push({ service: LITELLM_DB_SERVICE, detail: "LiteLLM's role and database ready" });
  }
  if (ready.includes(LITELLM_SERVICE) && options.registerKeys === true) {
    const keys = appKeys(platform).filter((k) => selected.has(k.service));
    const base = options.litellmUrl ?? litellmUrl(platform);
    if (keys.length > 0 && base !== undefined) {
      const master = need(values, LITELLM_MASTER_SECRET);
      for (const k of keys) {
        let outcome: KeyOutcome;
        try {
          outcome = await withRetry(
            () => ensureVirtualKey(base, master, { key: need(values, k.secret), alias: k.service, models: platformModels(platform) }),
            options.keyRetryMs ?? KEY_RETRY_MS,
          );
        } catch (error) {
          throw new FirstUpStepError(LITELLM_SERVICE, `LiteLLM registers ${k.service}'s own key (${k.secret})`, (error as Error).message);
        }
        done.push({ service: LITELLM_SERVICE, detail: `${k.service}'s key ${outcome === 'present' ? 'in place' : outcome}` });
      }
    }
  }
  return done;
}

const KEY_TRIES = 3;
const KEY_RETRY_MS = 2_000;

/** LiteLLM healthy inside the platform but not answering from the host yet (a bridge route settling): try again, a few times. */
async function withRetry<T>(action: () => Promise<T>, waitMs: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (!(error instanceof LitellmKeyError) || !error.unreachable || attempt >= KEY_TRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/** The last step: every model of the platform in Ollama. */
export async function pullPlatformModels(platform: Platform, selected: ReadonlySet<string>, options: FirstUpOptions): Promise<EnsureModelsResult | undefined> {
  if (options.pullModels !== true || !selected.has(OLLAMA_SERVICE)) return undefined;
  const base = options.ollamaUrl ?? ollamaUrl(platform);
  if (base === undefined) return undefined;
  try {
    return await ensureModels(ollamaClient(base), platformModels(platform), options.pullProgress, options.pullRetry);
  } catch (error) {
    throw new FirstUpStepError(
      OLLAMA_SERVICE,
      'Ollama pulls the models of moat.yaml (llm.models and llm.embedder)',
      `${(error as Error).message}\n  next: \`moat models pull\` resumes where this stopped`,
    );
  }
}
