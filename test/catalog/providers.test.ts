// The provider facts (src/catalog/providers.ts) against what they were read
// from, and the rendered LiteLLM config against the facts: every provider of
// the model has an entry, cites its LiteLLM page, and renders as LiteLLM's
// docs write it (`model: <prefix>/<model>`, `api_key: os.environ/<VAR>`).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROVIDERS } from '../../src/catalog/providers.js';
import { PROVIDER_NAMES } from '../../src/model/llm.js';
import { renderLitellmConfig } from '../../src/render/litellm-config.js';
import { goldenPlatform } from '../support/golden.js';

// As LiteLLM's provider pages name them (docs.litellm.ai/docs/providers/<page>: "API Key" / env variable sections).
const DOCUMENTED: Readonly<Record<string, { prefix: string; env: string; page: string }>> = {
  openai: { prefix: 'openai', env: 'OPENAI_API_KEY', page: 'openai' },
  anthropic: { prefix: 'anthropic', env: 'ANTHROPIC_API_KEY', page: 'anthropic' },
  gemini: { prefix: 'gemini', env: 'GEMINI_API_KEY', page: 'gemini' },
  groq: { prefix: 'groq', env: 'GROQ_API_KEY', page: 'groq' },
  openrouter: { prefix: 'openrouter', env: 'OPENROUTER_API_KEY', page: 'openrouter' },
  mistral: { prefix: 'mistral', env: 'MISTRAL_API_KEY', page: 'mistral' },
};

describe('provider facts', () => {
  it.each(PROVIDER_NAMES)('%s: prefix, key variable and page as LiteLLM documents them', (name) => {
    const facts = PROVIDERS[name];
    const doc = DOCUMENTED[name];
    expect(facts.prefix).toBe(doc?.prefix);
    expect(facts.keyEnv).toBe(doc?.env);
    expect(facts.docs).toBe(`https://docs.litellm.ai/docs/providers/${doc?.page}`);
    expect(facts.defaultModels.length).toBeGreaterThan(0);
  });

  it('renders every provider with its default models as the facts say', () => {
    const providers = PROVIDER_NAMES.map((name) => ({ name, models: [...PROVIDERS[name].defaultModels] }));
    const platform = goldenPlatform(`llm:\n  providers: ${JSON.stringify(providers)}\n`);
    const config = parse(renderLitellmConfig(platform, {}).files[0]?.content ?? '') as {
      model_list: { model_name: string; litellm_params: Record<string, string> }[];
    };
    for (const { name, models } of providers) {
      for (const m of models) {
        expect(config.model_list).toContainEqual({
          model_name: `${name}/${m}`,
          litellm_params: { model: `${PROVIDERS[name].prefix}/${m}`, api_key: `os.environ/${PROVIDERS[name].keyEnv}` },
        });
      }
    }
    // No provider entry carries a key value or an api_base of its own (LiteLLM's default endpoint per provider).
    for (const e of config.model_list.filter((x) => 'api_key' in x.litellm_params)) expect(Object.keys(e.litellm_params).sort()).toEqual(['api_key', 'model']);
  });
});
