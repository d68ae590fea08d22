// Cloud provider keys on their way to LiteLLM. `moat providers add` stores a
// key in the secrets store under the variable LiteLLM reads it from
// (OPENAI_API_KEY...); the env file moat writes for LiteLLM
// (secrets/litellm.env, mode 0600, named by compose's env_file) carries it,
// and litellm/config.yaml names it as `os.environ/<VAR>`. The value is in no
// rendered file, no command line and no output. A provider of moat.yaml
// whose key is not in the store stops `moat up` before anything starts:
// LiteLLM would otherwise call it without credentials and fail every request.
import { PROVIDERS } from '../catalog/providers.js';
import { UserInputError } from '../model/findings.js';
import type { Platform } from '../model/types.js';

export const PROVIDER_KEY_SERVICE = 'litellm';

/** The secret names (= variable names) of the platform's providers, in moat.yaml order. */
export function providerKeyNames(platform: Platform): string[] {
  return [...new Set(platform.llm.providers.map((p) => PROVIDERS[p.name].keyEnv))];
}

/** The provider keys for `service`'s env file (LiteLLM's only); throws UserInputError naming every missing key. */
export function providerKeyEnv(platform: Platform, service: string, values: ReadonlyMap<string, string>): Record<string, string> {
  if (service !== PROVIDER_KEY_SERVICE) return {};
  const env: Record<string, string> = {};
  const missing: string[] = [];
  platform.llm.providers.forEach((p) => {
    const name = PROVIDERS[p.name].keyEnv;
    const value = values.get(name);
    if (value === undefined || value === '') missing.push(p.name);
    else env[name] = value;
  });
  if (missing.length > 0) {
    throw new UserInputError(missing.map((name) => {
      const i = platform.llm.providers.findIndex((p) => p.name === name);
      return {
        code: 'deploy.provider-key-missing' as const, severity: 'high' as const, path: `llm.providers[${i}]`,
        message: `provider ${name} is in moat.yaml, but the secrets store has no ${PROVIDERS[name as keyof typeof PROVIDERS].keyEnv}`,
        hint: `store it with \`moat providers add ${name} < key-file\` (or --key-file FILE), or remove the provider from llm.providers`,
      };
    }));
  }
  return env;
}
