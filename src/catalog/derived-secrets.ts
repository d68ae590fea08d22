// Environment values built from a secret (a URL with a password in it). They
// belong in the service's secrets file (`secrets/<service>.env`, mode 0600),
// never in the compose file: whoever writes that file (`moat up`) calls
// `derivedSecretEnv` with the secret values it holds.
// Dify's Celery broker has no password variable of its own: CELERY_BROKER_URL
// must carry the Redis password (upstream default
// `redis://:difyai123456@redis:6379/1`).
// Source: https://github.com/langgenius/dify/blob/1.9.2/docker/.env.example (CELERY_BROKER_URL)

/** A template: `{SECRET_NAME}` is replaced by that secret's value, URL-encoded. */
export interface DerivedSecret {
  readonly env: string;
  readonly template: string;
  /** Secret names the template uses (must be secrets of the same service). */
  readonly uses: readonly string[];
}

const celeryBroker: DerivedSecret = {
  env: 'CELERY_BROKER_URL',
  template: 'redis://:{DIFY_REDIS_PASSWORD}@dify-redis:6379/1',
  uses: ['DIFY_REDIS_PASSWORD'],
};

/** Service name → derived secret env vars. */
export const DERIVED_SECRETS: Readonly<Record<string, readonly DerivedSecret[]>> = {
  'dify-api': [celeryBroker],
  'dify-worker': [celeryBroker],
};

/** Fill the templates of one service; throws if a secret value is missing (a bug in the caller). */
export function derivedSecretEnv(service: string, values: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of DERIVED_SECRETS[service] ?? []) {
    out[d.env] = d.template.replace(/\{([A-Z][A-Z0-9_]*)\}/g, (_m, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`secret ${name} for ${service}.${d.env} is missing (this is a bug in moat)`);
      return encodeURIComponent(value);
    });
  }
  return out;
}
