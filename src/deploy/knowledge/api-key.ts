// The AnythingLLM developer key moat (and the bot's knowledge tool) use: the
// secret ANYTHINGLLM_API_KEY in moat's store. Made on first use with the
// instance password (ANYTHINGLLM_AUTH_TOKEN, from the store too), and made again
// when AnythingLLM no longer knows the stored one (its database was reset): the
// key lives in AnythingLLM's database on the storage volume, the copy in the
// store is what moat sends. Never printed; `moat secrets --show` shows it.
import { readSecrets, writeSecrets } from '../secrets-store.js';
import type { AnythingClient } from './anythingllm.js';
import { AnythingError, anythingClient, createApiKey } from './anythingllm.js';

export const ANYTHINGLLM_API_KEY_SECRET = 'ANYTHINGLLM_API_KEY';
export const ANYTHINGLLM_PASSWORD_SECRET = 'ANYTHINGLLM_AUTH_TOKEN';

export interface KeyResult {
  readonly client: AnythingClient;
  readonly created: boolean;
}

export async function ensureApiKey(baseUrl: string, secretsFile: string): Promise<KeyResult> {
  const values = (await readSecrets(secretsFile)) ?? new Map<string, string>();
  const stored = values.get(ANYTHINGLLM_API_KEY_SECRET);
  if (stored !== undefined && stored !== '') {
    const client = anythingClient(baseUrl, stored);
    if (await client.checkKey()) return { client, created: false };
  }
  const password = values.get(ANYTHINGLLM_PASSWORD_SECRET);
  if (password === undefined || password === '') {
    throw new AnythingError(
      'creating a developer API key',
      0,
      `${secretsFile} has no ${ANYTHINGLLM_PASSWORD_SECRET} (AnythingLLM's password): run \`moat up\` first, or create a key in AnythingLLM (Settings → Developer API) and add the line ${ANYTHINGLLM_API_KEY_SECRET}=<key> to ${secretsFile}`,
    );
  }
  let key: string;
  try {
    key = await createApiKey(baseUrl, password);
  } catch (error) {
    if (error instanceof AnythingError && (error.status === 401 || error.status === 403)) {
      throw new AnythingError(
        'creating a developer API key',
        error.status,
        `${error.reason}; in multi-user mode (or with a password changed in the UI) create a key in AnythingLLM (Settings → Developer API) and add the line ${ANYTHINGLLM_API_KEY_SECRET}=<key> to ${secretsFile}`,
      );
    }
    throw error;
  }
  // Re-read: another moat may have written the store meanwhile; only this one line changes.
  const latest = (await readSecrets(secretsFile)) ?? new Map<string, string>();
  latest.set(ANYTHINGLLM_API_KEY_SECRET, key);
  await writeSecrets(secretsFile, latest);
  return { client: anythingClient(baseUrl, key), created: true };
}
