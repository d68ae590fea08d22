// The Ollama client and resumable pulls against a stub Ollama on loopback that
// speaks the documented API (see ollama-stub.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { ensureModels, platformModels, pullModel } from '../../src/deploy/models.js';
import { canonicalModelName, OllamaError, OllamaStreamError, OllamaUnreachableError, ollamaClient, type PullEvent } from '../../src/deploy/ollama.js';
import type { PullProgress } from '../../src/deploy/pull-progress.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import { closedPort, type OllamaStub, startOllamaStub } from './ollama-stub.js';

const LLAMA = {
  layers: [
    { digest: `sha256:${'dde5aa3fc5ff'.padEnd(64, '0')}`, size: 5_000_000 },
    { digest: `sha256:${'966de95ca8a6'.padEnd(64, '1')}`, size: 1_400 },
  ],
};
const NOMIC = { layers: [{ digest: `sha256:${'970aa74c0a90'.padEnd(64, '2')}`, size: 3_000_000 }] };
const REGISTRY = { 'llama3.2:3b': LLAMA, 'nomic-embed-text:latest': NOMIC };

function recorder(): PullProgress & { events: { model: string; event: PullEvent }[]; notes: string[]; log: (PullEvent | string)[] } {
  const events: { model: string; event: PullEvent }[] = [];
  const notes: string[] = [];
  const log: (PullEvent | string)[] = [];
  return {
    events,
    notes,
    log,
    event: (model, event) => (events.push({ model, event }), log.push(event)),
    note: (model, text) => (notes.push(`${model}: ${text}`), log.push(text)),
    done() {},
  };
}

const noSleep = { sleep: async () => {}, backoffMs: 1 };

let stub: OllamaStub;
beforeEach(async () => {
  stub = await startOllamaStub(REGISTRY);
});
afterEach(async () => {
  await stub.close();
});

describe('Ollama pulls (stub speaking /api/pull NDJSON)', () => {
  it('streams per-layer progress and ends on success; the request names the model and asks for a stream', async () => {
    const progress = recorder();
    await pullModel(ollamaClient(stub.url), 'llama3.2:3b', progress, noSleep);
    expect(stub.pulls).toEqual([{ model: 'llama3.2:3b', stream: true }]);
    const layer = progress.events.filter((e) => e.event.digest === LLAMA.layers[0]?.digest);
    expect(layer.at(-1)?.event).toMatchObject({ total: 5_000_000, completed: 5_000_000, status: 'pulling dde5aa3fc5ff' });
    expect(progress.events.map((e) => e.event.status)).toContain('writing manifest');
    expect(stub.local.has('llama3.2:3b')).toBe(true);
  });

  it('a connection broken mid-layer is retried and the new pull continues from the bytes already there', async () => {
    stub.breakAfter = 2_000_000;
    const progress = recorder();
    await pullModel(ollamaClient(stub.url), 'llama3.2:3b', progress, noSleep);
    expect(stub.pulls).toHaveLength(2);
    expect(progress.notes.some((n) => /broke while pulling llama3\.2:3b.*resuming.*try 2 of 5/.test(n))).toBe(true);
    // The second pull's first line for the big layer starts at 2 MB, not 0: resumed, not restarted.
    const retryAt = progress.log.findIndex((e) => typeof e === 'string' && e.includes('resuming'));
    const afterRetry = progress.log.slice(retryAt + 1).find((e): e is PullEvent => typeof e !== 'string' && e.digest === LLAMA.layers[0]?.digest);
    expect(afterRetry?.completed).toBe(2_000_000);
    expect(stub.local.has('llama3.2:3b')).toBe(true);
  });

  it('an error line mid-way (after Ollama gave up on the registry) is retried too', async () => {
    stub.errorLineAfter = { bytes: 1_000_000, error: 'max retries exceeded: read tcp: connection reset by peer' };
    await pullModel(ollamaClient(stub.url), 'llama3.2:3b', recorder(), noSleep);
    expect(stub.pulls).toHaveLength(2);
  });

  it('gives up after the bounded number of tries, saying so', async () => {
    const failing = ollamaClient(stub.url);
    let calls = 0;
    const broken = {
      ...failing,
      pull: async () => {
        calls++;
        throw new OllamaStreamError('the connection broke');
      },
    };
    const error = await pullModel(broken, 'llama3.2:3b', recorder(), { ...noSleep, tries: 3 }).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(error).toBeInstanceOf(OllamaStreamError);
    expect((error as Error).message).toContain('after 3 tries');
  });

  it("an unknown model is Ollama's error line, not retried, and marked not found", async () => {
    const error = await pullModel(ollamaClient(stub.url), 'no-such-model:1b', recorder(), noSleep).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OllamaError);
    expect((error as OllamaError).notFound).toBe(true);
    expect((error as Error).message).toBe('pulling no-such-model:1b: pull model manifest: file does not exist');
    expect(stub.pulls).toHaveLength(1);
  });

  it('an Ollama nobody listens on is unreachable (exit 3 material), and not retried', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const error = await pullModel(ollamaClient(url), 'llama3.2:3b', recorder(), noSleep).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OllamaUnreachableError);
    expect((error as Error).message).toMatch(/cannot reach Ollama at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });
});

describe("the platform's models in Ollama (stub)", () => {
  const platform = normalizePlatform(referencePlatform());

  it("are llm.models then llm.embedder, each once by Ollama's naming", () => {
    expect(platformModels(platform)).toEqual(['llama3.2:3b', 'nomic-embed-text:latest']);
    expect(canonicalModelName('nomic-embed-text')).toBe('nomic-embed-text:latest');
    expect(canonicalModelName('registry.ollama.ai/library/llama3.2:3b')).toBe('llama3.2:3b');
    expect(canonicalModelName('localhost:5000/me/model')).toBe('localhost:5000/me/model:latest');
  });

  it('pulls only what is missing, and nothing on a second run', async () => {
    stub.local.add('llama3.2:3b');
    const first = await ensureModels(ollamaClient(stub.url), platformModels(platform), recorder(), noSleep);
    expect(first).toEqual({ present: ['llama3.2:3b'], pulled: ['nomic-embed-text:latest'] });
    expect(stub.pulls.map((p) => p.model)).toEqual(['nomic-embed-text:latest']);
    const second = await ensureModels(ollamaClient(stub.url), platformModels(platform), recorder(), noSleep);
    expect(second.pulled).toEqual([]);
    expect(stub.pulls).toHaveLength(1);
  });

  it('list, show and delete; a missing model is a 404 marked not found', async () => {
    stub.local.add('llama3.2:3b');
    const client = ollamaClient(stub.url);
    expect((await client.list()).map((m) => m.name)).toEqual(['llama3.2:3b']);
    expect(await client.show('llama3.2:3b')).toMatchObject({ details: { parameter_size: '3.2B' } });
    await client.remove('llama3.2:3b');
    expect(await client.list()).toEqual([]);
    const error = await client.remove('llama3.2:3b').catch((e: unknown) => e);
    expect(error).toMatchObject({ notFound: true, status: 404, message: "removing llama3.2:3b: model 'llama3.2:3b' not found" });
  });
});
