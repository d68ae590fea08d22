// Environment as the state keeps it: names always, values only when they are
// not secrets. A deployment's compose file or `docker inspect` output often
// holds passwords inline (POSTGRES_PASSWORD, DATABASE_URL with credentials);
// the state ends up in reports and JSON output, so a value whose name or shape
// says "secret" is kept as REDACTED: present, but never copied.

export const REDACTED = '<redacted>';

// Names that carry credentials in the apps moat deploys and in common images
// (postgres POSTGRES_PASSWORD, n8n N8N_ENCRYPTION_KEY, LiteLLM LITELLM_MASTER_KEY,
// AnythingLLM AUTH_TOKEN / JWT_SECRET, Dify SECRET_KEY, AWS_SECRET_ACCESS_KEY).
const SECRET_NAME =
  /PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|PRIVATE|CREDENTIAL|AUTH|SALT|(^|_)KEY($|_)|_KEY|DSN|(DATABASE|DB|REDIS|MONGO|AMQP|BROKER)_UR[LI]|CONNECTION_STRING|COOKIE|SESSION/i;
/** A URL with a password in it (`postgres://user:pw@db/x`). */
const CREDENTIAL_URL = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;
/** A reference compose interpolates at deploy time: the value is not in the file. */
const REFERENCE = /^\$\{?[A-Za-z_][A-Za-z0-9_]*([:?-][^}]*)?\}?$/;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** The value the state keeps for an environment variable. */
export function keptValue(name: string, value: string): string {
  if (value === '' || REFERENCE.test(value)) return value;
  if (isSecretName(name) || CREDENTIAL_URL.test(value)) return REDACTED;
  return value;
}
