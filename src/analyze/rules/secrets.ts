// Secrets belong in the secrets store, never in a service's plain env: a value
// there ends up in compose.yaml, `docker inspect` and git. A known upstream
// default (Dify's sample SECRET_KEY, LiteLLM's sk-1234) is worse: anyone who
// read the sample knows it.
import type { Finding } from '../../model/findings.js';
import type { ExposureState } from '../state.js';
import { at } from './located.js';
import type { AnalysisRule } from './types.js';

/** Variable names that hold credentials by convention. */
const SECRET_NAME = /(^|_)(SECRET|SECRET_KEY|PASSWORD|PASSWD|PASS|TOKEN|API_KEY|APIKEY|MASTER_KEY|ENCRYPTION_KEY|PRIVATE_KEY|SIG_KEY|SIG_SALT)$/;

export const secretRules = {
  docs: [
    {
      code: 'secret.known-default',
      title: 'A service uses a known upstream default secret',
      help: 'The value appears in upstream samples or docs; anyone who has read them can use it.',
      severity: 'critical',
    },
    {
      code: 'secret.plain-env',
      title: 'A secret sits in a service’s plain environment',
      help: 'Plain env ends up in compose.yaml and `docker inspect`; secrets belong in the secrets store (env_file written by `moat up`).',
      severity: 'high',
    },
  ] as const,
  check({ platform, state }): Finding[] {
    if (!platform) return stateSecrets(state);
    const defaults = new Map<string, string>();
    for (const service of platform.services) for (const s of service.secrets) for (const d of s.knownDefaults) defaults.set(d, s.name);
    const findings: Finding[] = [];
    for (const service of platform.services) {
      const secretEnvs = new Set(service.secrets.map((s) => s.env));
      for (const [key, value] of Object.entries(service.env)) {
        const path = `services.${service.name}.env.${key}`;
        const known = defaults.get(value);
        if (value !== '' && known !== undefined) {
          findings.push({
            code: 'secret.known-default',
            severity: 'critical',
            path,
            message: `${service.name}: ${key} holds the known upstream default of ${known}`,
            hint: `remove ${key} from env: moat generates ${known} and passes it through the secrets store`,
          });
        } else if (value !== '' && (secretEnvs.has(key) || SECRET_NAME.test(key))) {
          findings.push({
            code: 'secret.plain-env',
            severity: 'high',
            path,
            message: `${service.name}: ${key} looks like a secret but is set in plain env`,
            hint: `remove ${key} from env and declare it under the service's secrets (moat generates and stores it)`,
          });
        }
      }
    }
    return findings;
  },
} satisfies AnalysisRule;

/** For artifacts moat did not write: a secret-looking name with a literal value in a service's plain environment. */
function stateSecrets(state: ExposureState): Finding[] {
  const findings: Finding[] = [];
  for (const service of state.services) {
    for (const [key, value] of Object.entries(service.env)) {
      // `${VAR}` is interpolated from the engine's environment or an env file: not a literal secret.
      if (value === '' || /^\$\{?[A-Za-z_][A-Za-z0-9_]*(:?-[^}]*)?\}?$/.test(value) || !SECRET_NAME.test(key)) continue;
      findings.push({
        code: 'secret.plain-env',
        severity: 'high',
        ...at(service.origin, `services.${service.name}.environment.${key}`),
        message: `${service.name}: ${key} holds a literal value in the service's plain environment`,
        hint: `move ${key} into an env_file that is not committed (or a secret store), and rotate the value: it has been in this file`,
      });
    }
  }
  return findings;
}
