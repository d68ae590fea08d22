// The cloud providers LiteLLM calls for moat, as LiteLLM documents each one:
// the model prefix that selects the provider, the environment variable its
// key is read from (the proxy config names it `api_key: os.environ/<VAR>`,
// LiteLLM's documented way to read a value from the environment, so the key
// is never in config.yaml), a few current models from the provider page as
// defaults for `moat providers add`, and the API host LiteLLM connects to
// (outbound HTTPS from the LiteLLM container). Checked against the docs pages
// below and the LiteLLM source in the index (the proxy reads `os.environ/`
// values through get_secret); re-check on a new LiteLLM pin (upstream/litellm.ts).
// Sources: https://docs.litellm.ai/docs/proxy/configs (os.environ/ references),
// and each provider's page in `docs`.
import type { ProviderName } from '../model/llm.js';

export interface ProviderFacts {
  readonly title: string;
  /** LiteLLM's model prefix: `model: <prefix>/<model>` in litellm_params. */
  readonly prefix: string;
  /** The variable LiteLLM reads the key from; also the secret's name in moat's store. */
  readonly keyEnv: string;
  readonly defaultModels: readonly string[];
  /** Where LiteLLM sends requests (outbound HTTPS, port 443). */
  readonly apiHost: string;
  readonly docs: string;
}

export const PROVIDERS: { readonly [P in ProviderName]: ProviderFacts } = {
  openai: {
    title: 'OpenAI',
    prefix: 'openai',
    keyEnv: 'OPENAI_API_KEY',
    defaultModels: ['gpt-4o-mini'],
    apiHost: 'api.openai.com',
    docs: 'https://docs.litellm.ai/docs/providers/openai',
  },
  anthropic: {
    title: 'Anthropic',
    prefix: 'anthropic',
    keyEnv: 'ANTHROPIC_API_KEY',
    defaultModels: ['claude-sonnet-4-5-20250929'],
    apiHost: 'api.anthropic.com',
    docs: 'https://docs.litellm.ai/docs/providers/anthropic',
  },
  gemini: {
    title: 'Google (Gemini API)',
    prefix: 'gemini',
    keyEnv: 'GEMINI_API_KEY',
    defaultModels: ['gemini-2.5-flash'],
    apiHost: 'generativelanguage.googleapis.com',
    docs: 'https://docs.litellm.ai/docs/providers/gemini',
  },
  groq: {
    title: 'Groq',
    prefix: 'groq',
    keyEnv: 'GROQ_API_KEY',
    defaultModels: ['llama-3.3-70b-versatile'],
    apiHost: 'api.groq.com',
    docs: 'https://docs.litellm.ai/docs/providers/groq',
  },
  openrouter: {
    title: 'OpenRouter',
    prefix: 'openrouter',
    keyEnv: 'OPENROUTER_API_KEY',
    defaultModels: ['meta-llama/llama-3.3-70b-instruct'],
    apiHost: 'openrouter.ai',
    docs: 'https://docs.litellm.ai/docs/providers/openrouter',
  },
  mistral: {
    title: 'Mistral AI',
    prefix: 'mistral',
    keyEnv: 'MISTRAL_API_KEY',
    defaultModels: ['mistral-small-latest'],
    apiHost: 'api.mistral.ai',
    docs: 'https://docs.litellm.ai/docs/providers/mistral',
  },
};

/** The routing strategy moat renders: LiteLLM's default, which respects deployment order; local vs cloud is decided by fallbacks. */
export const LITELLM_ROUTING_STRATEGY = 'simple-shuffle';
