// Cloud provider keys on their way to LiteLLM. `moat providers add` stores a
// key in the secrets store under the variable LiteLLM reads it from
// (OPENAI_API_KEY...); the env file moat writes for LiteLLM
// (secrets/litellm.env, mode 0600, named by compose's env_file) carries it,
// and litellm/config.yaml names it as `os.environ/<VAR>`. The value is in no
// rendered file, no command line and no output. A provider of moat.yaml
// whose key is not in the store stops `moat up` before anything starts:
// LiteLLM would otherwise call it without credentials and fail every request.
import { PROVIDERS } from '../catalog/providers.js';
import type { Finding } from '../model/findings.js';
import type { Platform } from '../model/types.js';

const PROVIDER_KEY_SERVICE = 'litellm';

/** The provider keys for `service`'s env file (LiteLLM's only); a missing one is left out (`moat up` refuses first: providerKeyFindings). */
export function providerKeyEnv(platform: Platform, service: string, values: ReadonlyMap<string, string>): Record<string, string> {
  if (service !== PROVIDER_KEY_SERVICE) return {};
  const env: Record<string, string> = {};
  for (const p of platform.llm.providers) {
    const name = PROVIDERS[p.name].keyEnv;
    const value = values.get(name);
    if (value !== undefined && value !== '') env[name] = value;
  }
  return env;
}

/**
 * A provider of moat.yaml whose key the store lacks: `moat up` stops before
 * anything starts (status, logs and down still work, with the key left out).
 */
export function providerKeyFindings(platform: Platform, values: ReadonlyMap<string, string>): Finding[] {
  return platform.llm.providers.flatMap((p, i): Finding[] => {
    const name = PROVIDERS[p.name].keyEnv;
    if ((values.get(name) ?? '') !== '') return [];
    return [
      {
        code: 'deploy.provider-key-missing',
        severity: 'high',
        path: `llm.providers[${i}]`,
        message: `provider ${p.name} is in moat.yaml, but the secrets store has no ${name}`,
        hint: `store it with \`moat providers add ${p.name} < key-file\` (or --key-file FILE), or remove the provider from llm.providers`,
      },
    ];
  });
}
