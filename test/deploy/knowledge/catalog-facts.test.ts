// The catalog settings the knowledge step relies on, checked against the
// recorded upstream facts: AnythingLLM's vectors go to the platform's Weaviate
// (its address and HTTP port, its API key, a start-order edge), the gdrive rc
// serves files (--rc-serve) behind its credentials, and every AnythingLLM call
// moat's client makes is an endpoint recorded for 1.16.0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { ANYTHINGLLM_API, ANYTHINGLLM_FACTS } from '../../../src/catalog/upstream/anythingllm.js';
import { RCLONE_RC } from '../../../src/catalog/upstream/rclone.js';
import { anythingClient, createApiKey } from '../../../src/deploy/knowledge/anythingllm.js';
import { sha256 } from '../../../src/deploy/knowledge/source.js';
import { syncKnowledge } from '../../../src/deploy/knowledge/sync.js';
import { requireService } from '../../../src/model/lookup.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import { startAnythingStub } from './anythingllm-stub.js';

const platform = normalizePlatform(referencePlatform());
const anything = requireService(platform, 'anythingllm');
const weaviate = requireService(platform, 'dify-weaviate');

describe('AnythingLLM on the platform Weaviate', () => {
  it('uses weaviate at dify-weaviate on its HTTP port, names only env the version reads, and starts after it', () => {
    expect(anything.env['VECTOR_DB']).toBe('weaviate');
    const endpoint = new URL(anything.env['WEAVIATE_ENDPOINT'] ?? '');
    expect(endpoint.hostname).toBe(weaviate.name);
    expect(weaviate.ports.map((p) => p.port)).toContain(Number(endpoint.port));
    expect(endpoint.port).toBe('8080');
    expect(anything.dependsOn).toContain('dify-weaviate');
    for (const name of [...Object.keys(anything.env), ...anything.secrets.map((s) => s.env)]) expect(ANYTHINGLLM_FACTS.envRead).toContain(name);
  });

  it("sends the one key Weaviate accepts (the same secret as Weaviate's allowed keys)", () => {
    const key = anything.secrets.find((s) => s.env === 'WEAVIATE_API_KEY');
    const allowed = weaviate.secrets.find((s) => s.env === 'AUTHENTICATION_APIKEY_ALLOWED_KEYS');
    expect(key?.name).toBeDefined();
    expect(key?.name).toBe(allowed?.name);
    expect(weaviate.env['AUTHENTICATION_APIKEY_ENABLED']).toBe('true');
  });

  it('Dify uses the same Weaviate', () => {
    const api = requireService(platform, 'dify-api');
    expect(api.env['VECTOR_STORE']).toBe('weaviate');
    expect(new URL(api.env['WEAVIATE_ENDPOINT'] ?? '').hostname).toBe(weaviate.name);
  });
});

describe('gdrive rc', () => {
  it('serves files over the authenticated rc and never runs without auth', () => {
    const gdrive = requireService(platform, 'gdrive');
    const command = gdrive.command ?? [];
    expect(command).toContain(RCLONE_RC.serveFlag);
    expect(command.join(' ')).not.toContain('no-auth');
    expect(gdrive.secrets.map((s) => s.env)).toContain('RCLONE_RC_PASS');
  });
});

describe("moat's AnythingLLM client (against the stub)", () => {
  it('calls only endpoints recorded for 1.16.0', async () => {
    const stub = await startAnythingStub();
    const dir = mkdtempSync(join(tmpdir(), 'moat-facts-'));
    try {
      const key = await createApiKey(stub.url, stub.password);
      const client = anythingClient(stub.url, key);
      await client.checkKey();
      const files = new Map([
        ['a.md', 'alpha one'],
        ['b.md', 'beta two'],
      ]);
      const source = (m: Map<string, string>) => ({
        list: async () => [...m].map(([path, text]) => ({ path, size: text.length, sha256: sha256(Buffer.from(text)) })),
        read: async (path: string) => new Uint8Array(Buffer.from(m.get(path) ?? '')),
      });
      const stateFile = join(dir, 'state.json');
      await syncKnowledge(client, source(files), { workspace: 'moat-knowledge', stateFile });
      files.set('a.md', 'alpha changed');
      files.delete('b.md');
      await syncKnowledge(client, source(files), { workspace: 'moat-knowledge', stateFile });
      await client.vectorSearch('moat-knowledge', 'alpha');
      const recorded = Object.values(ANYTHINGLLM_API.paths).map((p) => {
        const [method, template] = p.split(' ');
        return { method, pattern: new RegExp(`^${(template ?? '').replace('{slug}', '[^/]+')}$`) };
      });
      const used = new Set(stub.calls.map((c) => `${c.method} ${c.path}`));
      expect(used.size).toBeGreaterThan(6);
      for (const call of used) {
        const [method, path] = call.split(' ');
        expect(
          recorded.some((r) => r.method === method && r.pattern.test(path ?? '')),
          call,
        ).toBe(true);
      }
    } finally {
      await stub.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
