// An app's own LiteLLM key, registered against a stub LiteLLM speaking the
// documented key endpoints (litellm-stub.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureVirtualKey, LitellmKeyError } from '../../src/deploy/litellm-keys.js';
import { type LitellmStub, startLitellmStub } from './litellm-stub.js';
import { closedPort } from './ollama-stub.js';

const MASTER = 'sk-master0123456789abcdef0123456789abcdef01234567';
const CLAW = 'sk-claw0123456789abcdef0123456789abcdef0123456789';

let stub: LitellmStub;
beforeEach(async () => {
  stub = await startLitellmStub(MASTER);
});
afterEach(async () => {
  await stub.close();
});

describe('app virtual keys (stub LiteLLM)', () => {
  it('registers the value moat holds under the app alias with the platform models, then leaves it alone', async () => {
    expect(await ensureVirtualKey(stub.url, MASTER, { key: CLAW, alias: 'clawdbot', models: ['llama3.2:3b', 'nomic-embed-text:latest'] })).toBe('created');
    expect(stub.keys).toEqual([{ key: CLAW, key_alias: 'clawdbot', models: ['llama3.2:3b', 'nomic-embed-text:latest'] }]);
    expect(await ensureVirtualKey(stub.url, MASTER, { key: CLAW, alias: 'clawdbot', models: ['nomic-embed-text:latest', 'llama3.2:3b'] })).toBe('present');
    expect(stub.requests.filter((r) => r.url === '/key/generate')).toHaveLength(1);
  });

  it('follows moat.yaml: a changed model list updates the key in place', async () => {
    await ensureVirtualKey(stub.url, MASTER, { key: CLAW, alias: 'clawdbot', models: ['llama3.2:3b'] });
    expect(await ensureVirtualKey(stub.url, MASTER, { key: CLAW, alias: 'clawdbot', models: ['llama3.2:3b', 'qwen2.5:7b'] })).toBe('updated');
    expect(stub.keys[0]?.models).toEqual(['llama3.2:3b', 'qwen2.5:7b']);
  });

  it('a rotated value revokes the old key: only the new one remains under the alias', async () => {
    await ensureVirtualKey(stub.url, MASTER, { key: CLAW, alias: 'clawdbot', models: ['llama3.2:3b'] });
    const rotated = 'sk-rotated456789abcdef0123456789abcdef0123456789';
    expect(await ensureVirtualKey(stub.url, MASTER, { key: rotated, alias: 'clawdbot', models: ['llama3.2:3b'] })).toBe('created');
    expect(stub.keys.map((k) => k.key)).toEqual([rotated]);
  });

  it('sends the master key only as the Authorization header, and no key in any URL', async () => {
    await ensureVirtualKey(stub.url, MASTER, { key: CLAW, alias: 'clawdbot', models: ['llama3.2:3b'] });
    expect(stub.requests.length).toBeGreaterThan(0);
    for (const r of stub.requests) {
      expect(r.authorization).toBe(`Bearer ${MASTER}`);
      expect(r.url).not.toContain(MASTER);
      expect(r.url).not.toContain(CLAW);
      expect(r.body).not.toContain(MASTER);
    }
  });

  it("LiteLLM's refusal is reported without either key in the message", async () => {
    const error = await ensureVirtualKey(stub.url, MASTER, { key: 'not-sk-prefixed-value-0123456789', alias: 'clawdbot', models: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LitellmKeyError);
    expect((error as Error).message).toMatch(/LiteLLM refused the key registration for clawdbot: HTTP 400 .*must start with 'sk-'/);
    expect((error as Error).message).not.toContain(MASTER);
    expect((error as Error).message).not.toContain('not-sk-prefixed-value-0123456789');
    const wrongMaster = await ensureVirtualKey(stub.url, 'sk-wrong', { key: CLAW, alias: 'clawdbot', models: [] }).catch((e: unknown) => e);
    expect((wrongMaster as Error).message).toMatch(/HTTP 401/);
    expect((wrongMaster as Error).message).not.toContain(CLAW);
  });

  it('an unreachable LiteLLM says so', async () => {
    const error = await ensureVirtualKey(`http://127.0.0.1:${await closedPort()}`, MASTER, { key: CLAW, alias: 'clawdbot', models: [] }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ unreachable: true });
    expect((error as Error).message).toMatch(/cannot reach LiteLLM at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });
});
