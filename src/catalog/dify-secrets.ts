import type { SecretRef } from '../model/types.js';

// Secrets shared across Dify's services. The known defaults are the values in
// Dify's docker/.env.example and the `${VAR:-default}` fallbacks of
// docker/docker-compose.yaml (1.9.x); a deployment using them is open to anyone
// who has read the sample. `env` is the variable the app itself reads (not the
// compose interpolation name: the API reads the plugin inner key as
// INNER_API_KEY_FOR_PLUGIN, the compose file fills it from PLUGIN_DIFY_INNER_API_KEY).
// Sources: https://github.com/langgenius/dify/blob/1.9.2/docker/.env.example,
// https://github.com/langgenius/dify/blob/1.9.2/docker/docker-compose.yaml

type Secret = Omit<SecretRef, 'knownDefaults' | 'generate'> & {
  knownDefaults?: string[];
  generate: { bytes: number; encoding: 'hex' | 'base64url'; prefix?: string };
};

const secret = (s: Secret) => s;

export const difySecrets = {
  secretKey: secret({
    name: 'DIFY_SECRET_KEY',
    env: 'SECRET_KEY',
    policy: 'never-rotate',
    generate: { bytes: 42, encoding: 'base64url' },
    knownDefaults: ['sk-9f73s3ljTXVcMT3Blb3ljTqtsKiGHXVcMT3BlbkFJLK7U'],
    why: 'signs sessions, CSRF tokens and file URLs, and encrypts system OAuth parameters; a new key logs everyone out and makes those parameters unreadable (provider credentials are encrypted with per-workspace RSA keys kept in the dify-storage volume, libs/rsa.py: back that volume up)',
  }),
  // Dify asks for it on /install before the first admin is created (INIT_PASSWORD,
  // "the length of the password cannot exceed 30 characters", docker/.env.example):
  // without it the first tailnet visitor becomes the admin. 16 bytes base64url = 22 characters.
  initPassword: secret({
    name: 'DIFY_INIT_PASSWORD',
    env: 'INIT_PASSWORD',
    policy: 'rotatable',
    generate: { bytes: 16, encoding: 'base64url' },
    why: 'protects the /install page: the first admin account can be created only with it (read by Dify only until that account exists)',
  }),
  // The postgres image applies POSTGRES_PASSWORD only when it initialises an
  // empty data directory; later starts keep the password stored in the
  // database, so a new value would lock out dify-api, dify-worker and the
  // plugin daemon. Redis (`--requirepass` from env on every start, no volume
  // state) and Weaviate (AUTHENTICATION_APIKEY_ALLOWED_KEYS read from env on
  // every start) take a new value at the next `moat up`: they stay rotatable.
  dbPassword: secret({
    name: 'DIFY_DB_PASSWORD',
    env: 'DB_PASSWORD',
    policy: 'never-rotate',
    generate: { bytes: 24, encoding: 'hex' },
    knownDefaults: ['difyai123456'],
    why: 'PostgreSQL password; Postgres applies it only when it creates the database, so a new value locks the API, worker and plugin daemon out',
  }),
  redisPassword: secret({
    name: 'DIFY_REDIS_PASSWORD',
    env: 'REDIS_PASSWORD',
    policy: 'rotatable',
    generate: { bytes: 24, encoding: 'hex' },
    knownDefaults: ['difyai123456'],
    why: 'Redis password',
  }),
  weaviateKey: secret({
    name: 'DIFY_WEAVIATE_API_KEY',
    env: 'WEAVIATE_API_KEY',
    policy: 'rotatable',
    generate: { bytes: 24, encoding: 'hex' },
    knownDefaults: ['WVF5YThaHlkYwhGUSmCRgsX3tD5ngdN8pkih'],
    why: 'Weaviate API key',
  }),
  sandboxKey: secret({
    name: 'DIFY_SANDBOX_API_KEY',
    env: 'CODE_EXECUTION_API_KEY',
    policy: 'rotatable',
    generate: { bytes: 24, encoding: 'hex' },
    knownDefaults: ['dify-sandbox'],
    why: 'authenticates the API to the code sandbox',
  }),
  pluginDaemonKey: secret({
    name: 'DIFY_PLUGIN_DAEMON_KEY',
    env: 'PLUGIN_DAEMON_KEY',
    policy: 'rotatable',
    generate: { bytes: 32, encoding: 'base64url' },
    knownDefaults: ['lYkiYYT6owG+71oLerGzA7GXCgOT++6ovaezWAjpCjf+Sjc3ZtU+qUEi'],
    why: 'authenticates the API to the plugin daemon',
  }),
  pluginInnerKey: secret({
    name: 'DIFY_PLUGIN_INNER_API_KEY',
    env: 'INNER_API_KEY_FOR_PLUGIN',
    policy: 'rotatable',
    generate: { bytes: 32, encoding: 'base64url' },
    knownDefaults: ['QaHbTe77CtuXmsfyhR7+vRjI/+XbV1AaFy691iy+kGDv2Jvy0/eAh8Y1', 'inner-api-key'],
    why: 'authenticates the plugin daemon to the API',
  }),
} as const;

/** The same secret read under another variable name by another service. */
export function as(s: Secret, env: string): Secret {
  return { ...s, env };
}
