// The language-model side of the platform that is not Ollama: the cloud
// providers LiteLLM may call, and how LiteLLM routes between local and cloud
// models. Names only: each provider's LiteLLM prefix, key variable and
// documentation are upstream facts and live in the catalog
// (src/catalog/providers.ts), which the compiler keeps complete over these names.
import type { Finding } from './findings.js';
import type { Platform } from './types.js';

/** The OpenAI-compatible providers moat knows, by LiteLLM's own provider name (Google's Gemini API is `gemini`). */
export const PROVIDER_NAMES = ['openai', 'anthropic', 'gemini', 'groq', 'openrouter', 'mistral'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** local-first: local models answer and a cloud model takes over when one fails; cloud-first: the reverse. */
export const ROUTING_MODES = ['local-first', 'cloud-first'] as const;
export type RoutingMode = (typeof ROUTING_MODES)[number];

/** LiteLLM's name for a provider's model, `<provider>/<model>`: unique across providers and apart from Ollama's names. */
export function providerModelName(provider: string, model: string): string {
  return `${provider}/${model}`;
}

/** Local chat models LiteLLM serves from Ollama (the embedder does not chat). */
export function localChatModels(platform: Platform): string[] {
  const embedder = platform.llm.embedder.trim();
  return [...new Set(platform.llm.models)].filter((m) => m !== embedder);
}

/** Every provider model LiteLLM serves, as `<provider>/<model>`, in moat.yaml order. */
export function cloudModels(platform: Platform): string[] {
  return [...new Set(platform.llm.providers.flatMap((p) => p.models.map((m) => providerModelName(p.name, m))))];
}

/**
 * The fallbacks LiteLLM gets: the mode's (every local chat model falls back to
 * every cloud model, or the reverse), then the explicit ones, which replace
 * the mode's entry for the same model.
 */
export function effectiveFallbacks(platform: Platform): { model: string; to: string[] }[] {
  const routing = platform.llm.routing;
  if (!routing) return [];
  const local = localChatModels(platform);
  const cloud = cloudModels(platform);
  const [from, to] = routing.mode === 'local-first' ? [local, cloud] : [cloud, local];
  const byModel = new Map<string, string[]>(to.length === 0 ? [] : from.map((m) => [m, [...to]]));
  for (const f of routing.fallbacks) byModel.set(f.model, [...f.to]);
  return [...byModel].map(([model, targets]) => ({ model, to: targets }));
}

/** Two entries for one provider, and fallbacks naming models LiteLLM does not serve. */
export function llmFindings(platform: Platform): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<string, number>();
  platform.llm.providers.forEach((p, i) => {
    const first = seen.get(p.name);
    if (first === undefined) seen.set(p.name, i);
    else {
      findings.push({
        code: 'config.invalid-value',
        severity: 'high',
        path: `llm.providers[${i}].name`,
        message: `provider ${p.name} is listed twice (entries ${first} and ${i})`,
        hint: `merge the models of both entries into one`,
      });
    }
  });
  const served = new Set([...platform.llm.models, platform.llm.embedder, ...cloudModels(platform)]);
  // LiteLLM's `ollama_chat/*` entry serves any model pulled into Ollama later (render/litellm-config.ts).
  const known = (m: string): boolean => served.has(m) || m.startsWith('ollama_chat/');
  const hint = `name a model LiteLLM serves: ${[...served].join(', ')} (provider models as <provider>/<model>)`;
  platform.llm.routing?.fallbacks.forEach((f, i) => {
    const at = `llm.routing.fallbacks[${i}]`;
    if (!known(f.model))
      findings.push({
        code: 'config.unknown-fallback-model',
        severity: 'high',
        path: `${at}.model`,
        message: `fallback from ${f.model}: LiteLLM serves no model of that name`,
        hint,
      });
    f.to.forEach((m, j) => {
      if (!known(m))
        findings.push({
          code: 'config.unknown-fallback-model',
          severity: 'high',
          path: `${at}.to[${j}]`,
          message: `fallback from ${f.model} to ${m}: LiteLLM serves no model of that name`,
          hint,
        });
    });
  });
  return findings;
}
