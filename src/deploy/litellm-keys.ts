// An app's own LiteLLM virtual key: moat generates the value (a secret of the
// app, in the app's env file) and registers it with LiteLLM, so the app never
// holds the master key and its key can be revoked alone. Idempotent:
//   POST /v2/key/info {keys: [value]}     200 {key, info: [{key_alias, models, ...}]}; none: an empty list or 404 "No keys found"
//     (not GET /key/info?key=: the value would sit in the URL, which LiteLLM's access log prints)
//   POST /key/update {key, models}          when the models moved (moat.yaml changed)
//   POST /key/delete {key_aliases: [alias]} when the value is new (a rotation): the old key stops working
//   POST /key/generate {key, key_alias, models}
// all with `Authorization: Bearer <master key>`. LiteLLM accepts a value of
// our own in `key` (generate_key_helper_fn: "Exposed on /key/generate for setting
// key value yourself"); it must start with `sk-`. Aliases are unique.
// Sources: https://docs.litellm.ai/docs/proxy/virtual_keys,
// litellm/proxy/management_endpoints/key_management_endpoints.py (BerriAI/litellm,
// info_key_fn_v2, generate_key_helper_fn, KeyRequest.key_aliases).
// The master key and the app's key travel only in headers and bodies; no
// message here ever contains either.

export interface VirtualKeySpec {
  /** The app's key value (from the secrets store). */
  readonly key: string;
  readonly alias: string;
  readonly models: readonly string[];
}

export type KeyOutcome = 'present' | 'updated' | 'created';

/** LiteLLM answered with an error, or could not be reached: what to do, never a key. */
export class LitellmKeyError extends Error {
  constructor(
    message: string,
    readonly unreachable: boolean,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 30_000;

export async function ensureVirtualKey(baseUrl: string, masterKey: string, spec: VirtualKeySpec): Promise<KeyOutcome> {
  const base = baseUrl.replace(/\/+$/, '');
  const secretsIn = (text: string): string => text.split(masterKey).join('<master key>').split(spec.key).join(`<${spec.alias} key>`);
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown; text: string }> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${masterKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new LitellmKeyError(`cannot reach LiteLLM at ${base} (${cause})`, true);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text };
  };
  const refuse = (what: string, answer: { status: number; text: string }): never => {
    throw new LitellmKeyError(`LiteLLM refused ${what} for ${spec.alias}: HTTP ${answer.status} ${secretsIn(answer.text).slice(0, 300)}`, false);
  };
  const wanted = [...new Set(spec.models)].sort();

  const info = await call('POST', '/v2/key/info', { keys: [spec.key] });
  const found = info.status === 200 ? (info.json as { info?: unknown } | undefined)?.info : undefined;
  const entry = Array.isArray(found) ? (found[0] as { models?: unknown } | undefined) : undefined;
  if (entry) {
    const have = entry.models;
    const models = Array.isArray(have) ? have.map(String).sort() : [];
    if (JSON.stringify(models) === JSON.stringify(wanted)) return 'present';
    const updated = await call('POST', '/key/update', { key: spec.key, models: wanted });
    if (updated.status !== 200) refuse('the key update', updated);
    return 'updated';
  }
  if (info.status !== 200 && info.status !== 404) refuse('the key look-up', info);
  // A new value under a known alias is a rotation: revoke the old key first (unique aliases; an unknown alias is no error worth stopping for).
  await call('POST', '/key/delete', { key_aliases: [spec.alias] });
  const created = await call('POST', '/key/generate', { key: spec.key, key_alias: spec.alias, models: wanted });
  if (created.status !== 200) refuse('the key registration', created);
  return 'created';
}
