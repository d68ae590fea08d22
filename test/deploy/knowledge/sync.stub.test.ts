// The knowledge step against a stub of AnythingLLM's developer API (named
// "stub": AnythingLLM cannot run here; anythingllm-stub.ts speaks the 1.16.0
// API and checks the Bearer key). The source is an in-memory folder, as the
// synced volume would list it. Add, change, delete, a rerun that does nothing,
// a failed upload reported and tried again, a silent embedding failure, the
// API key made on first use and kept out of every output.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { runKnowledgeSearch, runKnowledgeSync } from '../../../src/cli/commands/knowledge.js';
import { AnythingError, anythingClient } from '../../../src/deploy/knowledge/anythingllm.js';
import { ensureApiKey } from '../../../src/deploy/knowledge/api-key.js';
import type { KnowledgeSource } from '../../../src/deploy/knowledge/source.js';
import { rcSource, sha256 } from '../../../src/deploy/knowledge/source.js';
import { syncKnowledge } from '../../../src/deploy/knowledge/sync.js';
import { readSecrets } from '../../../src/deploy/secrets-store.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import { type AnythingStub, startAnythingStub } from './anythingllm-stub.js';
import { sink } from './sink.js';

const platform = normalizePlatform(referencePlatform());
const WS = platform.knowledge.workspace;

function memorySource(files: Map<string, string>, withHashes = true): KnowledgeSource & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    list: async () => [...files].map(([path, text]) => ({ path, size: Buffer.byteLength(text), ...(withHashes ? { sha256: sha256(Buffer.from(text)) } : {}) })),
    read: async (path) => {
      reads.push(path);
      const text = files.get(path);
      if (text === undefined) throw new Error(`no ${path}`);
      return new Uint8Array(Buffer.from(text));
    },
  };
}

let stub: AnythingStub;
let dir: string;
let secretsFile: string;
let stateFile: string;
let key: string;

beforeEach(async () => {
  stub = await startAnythingStub();
  dir = mkdtempSync(join(tmpdir(), 'moat-knowledge-'));
  secretsFile = join(dir, '.moat', 'secrets.env');
  stateFile = join(dir, '.moat', 'knowledge-state.json');
  key = 'STUBKEY-TEST';
  stub.keys.add(key);
});

afterEach(async () => {
  await stub.close();
  rmSync(dir, { recursive: true, force: true });
});

const uploads = (): number => stub.calls.filter((c) => c.path === '/api/v1/document/upload').length;
const workspaceTitles = (): string[] => [...(stub.workspaces.get(WS) ?? [])].map((l) => stub.documents.get(l)?.title ?? '?').sort();

describe('knowledge sync against the AnythingLLM stub', () => {
  it('adds new files, creates the workspace, and records path → sha256 → location', async () => {
    const files = new Map([
      ['Team/handbook.md', 'The office opens at nine.'],
      ['notes.txt', 'Parking is behind the building.'],
    ]);
    const summary = await syncKnowledge(anythingClient(stub.url, key), memorySource(files), { workspace: WS, stateFile });
    expect(summary).toMatchObject({ added: 2, changed: 0, removed: 0, skipped: 0, failed: 0 });
    expect(workspaceTitles()).toEqual(['Team/handbook.md', 'notes.txt']);
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { files: Record<string, { sha256: string; location: string }> };
    expect(state.files['notes.txt']?.sha256).toBe(sha256(Buffer.from('Parking is behind the building.')));
    expect(stub.workspaces.get(WS)?.has(state.files['notes.txt']?.location ?? '')).toBe(true);
  });

  it('a rerun with nothing changed uploads nothing and reads no file (hashes from the listing)', async () => {
    const files = new Map([
      ['a.md', 'alpha'],
      ['b.md', 'beta'],
    ]);
    await syncKnowledge(anythingClient(stub.url, key), memorySource(files), { workspace: WS, stateFile });
    const before = uploads();
    const source = memorySource(files);
    const summary = await syncKnowledge(anythingClient(stub.url, key), source, { workspace: WS, stateFile });
    expect(summary).toMatchObject({ added: 0, changed: 0, removed: 0, skipped: 2, failed: 0 });
    expect(uploads()).toBe(before);
    expect(source.reads).toEqual([]);
  });

  it('without hashes in the listing, reads and hashes, and still skips unchanged files', async () => {
    const files = new Map([['a.md', 'alpha']]);
    await syncKnowledge(anythingClient(stub.url, key), memorySource(files, false), { workspace: WS, stateFile });
    const before = uploads();
    const summary = await syncKnowledge(anythingClient(stub.url, key), memorySource(files, false), { workspace: WS, stateFile });
    expect(summary.skipped).toBe(1);
    expect(uploads()).toBe(before);
  });

  it('a changed file replaces the old document in the workspace and in AnythingLLM', async () => {
    const files = new Map([['a.md', 'first version']]);
    await syncKnowledge(anythingClient(stub.url, key), memorySource(files), { workspace: WS, stateFile });
    const oldLocation = [...(stub.workspaces.get(WS) ?? [])][0] ?? '';
    files.set('a.md', 'second version');
    const summary = await syncKnowledge(anythingClient(stub.url, key), memorySource(files), { workspace: WS, stateFile });
    expect(summary).toMatchObject({ added: 0, changed: 1, removed: 0, skipped: 0, failed: 0 });
    expect(stub.documents.has(oldLocation)).toBe(false);
    expect([...(stub.workspaces.get(WS) ?? [])].map((l) => stub.documents.get(l)?.text)).toEqual(['second version']);
  });

  it('a deleted file leaves the workspace and AnythingLLM documents', async () => {
    const files = new Map([
      ['a.md', 'alpha'],
      ['b.md', 'beta'],
    ]);
    await syncKnowledge(anythingClient(stub.url, key), memorySource(files), { workspace: WS, stateFile });
    files.delete('b.md');
    const summary = await syncKnowledge(anythingClient(stub.url, key), memorySource(files), { workspace: WS, stateFile });
    expect(summary).toMatchObject({ added: 0, removed: 1, skipped: 1, failed: 0 });
    expect(workspaceTitles()).toEqual(['a.md']);
    // AnythingLLM's own document list (GET /api/v1/documents) no longer has it either.
    const listed = (await (await fetch(`${stub.url}/api/v1/documents`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      localFiles: { items: { items: { title: string }[] }[] };
    };
    expect(listed.localFiles.items.flatMap((f) => f.items.map((i) => i.title))).toEqual(['a.md']);
  });

  it('a failed upload is reported, the others go on, and the next run tries it again', async () => {
    const files = new Map([
      ['good.md', 'fine'],
      ['broken.pdf', 'not really a pdf'],
    ]);
    stub.failUpload = (name) => name === 'broken.pdf';
    const first = await syncKnowledge(anythingClient(stub.url, key), memorySource(files), { workspace: WS, stateFile });
    expect(first).toMatchObject({ added: 1, failed: 1 });
    expect(first.failures[0]?.path).toBe('broken.pdf');
    expect(first.failures[0]?.error).toContain('could not parse broken.pdf');
    delete stub.failUpload;
    const second = await syncKnowledge(anythingClient(stub.url, key), memorySource(files), { workspace: WS, stateFile });
    expect(second).toMatchObject({ added: 1, skipped: 1, failed: 0 });
    expect(workspaceTitles()).toEqual(['broken.pdf', 'good.md']);
  });

  it('an embedding AnythingLLM silently drops (200 without the document) is a failure, and the orphan upload is removed', async () => {
    stub.failEmbed = () => true;
    const summary = await syncKnowledge(anythingClient(stub.url, key), memorySource(new Map([['a.md', 'alpha']])), { workspace: WS, stateFile });
    expect(summary).toMatchObject({ added: 0, failed: 1 });
    expect(summary.failures[0]?.error).toContain('did not embed');
    expect(stub.documents.size).toBe(0);
  });

  it('a document removed from the workspace by hand is embedded again', async () => {
    const files = new Map([['a.md', 'alpha']]);
    await syncKnowledge(anythingClient(stub.url, key), memorySource(files), { workspace: WS, stateFile });
    stub.workspaces.get(WS)?.clear();
    const summary = await syncKnowledge(anythingClient(stub.url, key), memorySource(files), { workspace: WS, stateFile });
    expect(summary.changed).toBe(1);
    expect(workspaceTitles()).toEqual(['a.md']);
  });

  it('skips a file larger than the limit and says so, without reading it', async () => {
    const source = memorySource(
      new Map([
        ['video.mp4', 'x'.repeat(2000)],
        ['a.md', 'alpha'],
      ]),
    );
    const seen: string[] = [];
    const summary = await syncKnowledge(anythingClient(stub.url, key), source, {
      workspace: WS,
      stateFile,
      maxBytes: 1000,
      events: { file: (p, o, d) => seen.push(`${o} ${p} ${d ?? ''}`.trim()) },
    });
    expect(summary).toMatchObject({ added: 1, skipped: 1, failed: 0 });
    expect(seen).toContain('skipped video.mp4 larger than 1.0 KB; not uploaded');
    expect(source.reads).toEqual(['a.md']);
  });

  it('the rc source refuses a path with . or .. segments (URL parsing would resolve them to another file)', async () => {
    const asked: string[] = [];
    const rc = { baseUrl: 'http://rc', call: async <T>() => ({}) as T, read: async (_fs: string, path: string) => (asked.push(path), new Uint8Array()) };
    const source = rcSource(rc, '/data');
    for (const path of ['../secrets.env', 'a/../../etc/passwd', './a', 'a//b']) await expect(source.read(path)).rejects.toThrow(/not a plain relative path/);
    await source.read('Team/ok.md');
    expect(asked).toEqual(['Team/ok.md']);
  });

  it('refuses a workspace whose slug AnythingLLM would change', async () => {
    await expect(syncKnowledge(anythingClient(stub.url, key), memorySource(new Map()), { workspace: 'Bad Name', stateFile })).rejects.toThrow(
      /named the new workspace bad-name/,
    );
  });

  it('a wrong key is refused by the stub with 403, as upstream', async () => {
    const client = anythingClient(stub.url, 'not-a-key');
    expect(await client.checkKey()).toBe(false);
    await expect(client.workspace(WS)).rejects.toBeInstanceOf(AnythingError);
    expect(stub.calls.every((c) => (c.path.startsWith('/api/v1/') ? c.authorization === 'Bearer not-a-key' : true))).toBe(true);
  });
});

describe('the AnythingLLM API key (stub)', () => {
  it('is made on first use with the instance password and kept in the store; then reused', async () => {
    mkdirSync(join(dir, '.moat'), { recursive: true });
    writeFileSync(secretsFile, `ANYTHINGLLM_AUTH_TOKEN=${stub.password}\n`, { mode: 0o600 });
    const first = await ensureApiKey(stub.url, secretsFile);
    expect(first.created).toBe(true);
    const stored = (await readSecrets(secretsFile))?.get('ANYTHINGLLM_API_KEY') ?? '';
    expect(stub.keys.has(stored)).toBe(true);
    const second = await ensureApiKey(stub.url, secretsFile);
    expect(second.created).toBe(false);
    // A key AnythingLLM no longer knows (its database was reset) is replaced.
    stub.keys.delete(stored);
    const third = await ensureApiKey(stub.url, secretsFile);
    expect(third.created).toBe(true);
    expect((await readSecrets(secretsFile))?.get('ANYTHINGLLM_API_KEY')).not.toBe(stored);
  });

  it('a wrong password is an AnythingLLM error that says what to do', async () => {
    mkdirSync(join(dir, '.moat'), { recursive: true });
    writeFileSync(secretsFile, 'ANYTHINGLLM_AUTH_TOKEN=wrong\n', { mode: 0o600 });
    await expect(ensureApiKey(stub.url, secretsFile)).rejects.toThrow(/Developer API/);
  });

  it('`moat knowledge sync` prints a summary and no key or password; search finds the document', async () => {
    mkdirSync(join(dir, '.moat'), { recursive: true });
    writeFileSync(secretsFile, `ANYTHINGLLM_AUTH_TOKEN=${stub.password}\n`, { mode: 0o600 });
    const stdout = sink();
    const stderr = sink();
    const paths = { bundleDir: join(dir, 'deploy'), secretsFile };
    const source = memorySource(
      new Map([
        ['Policies/travel.md', 'Trains are booked in second class.'],
        ['evil\u001b[2J.txt', 'x'],
      ]),
    );
    const code = await runKnowledgeSync(platform, paths, undefined, { stdout, stderr, anythingllmUrl: stub.url, source });
    expect(code).toBe(0);
    expect(stdout.text).toContain(`workspace ${WS}: 2 added, 0 changed, 0 removed, 0 skipped, 0 failed`);
    const search = sink();
    expect(await runKnowledgeSearch(platform, paths, 'which class are trains booked in', undefined, { stdout: search, stderr, anythingllmUrl: stub.url })).toBe(
      0,
    );
    expect(search.text).toContain('Policies/travel.md');
    const key = (await readSecrets(secretsFile))?.get('ANYTHINGLLM_API_KEY') ?? 'missing';
    for (const out of [stdout.text, stderr.text, search.text]) {
      expect(out).not.toContain(key);
      expect(out).not.toContain(stub.password);
      expect(out).not.toContain('\u001b[2J');
    }
  });

  it('a failed file makes `moat knowledge sync` exit 1 and name it', async () => {
    mkdirSync(join(dir, '.moat'), { recursive: true });
    writeFileSync(secretsFile, `ANYTHINGLLM_API_KEY=${key}\n`, { mode: 0o600 });
    stub.failUpload = () => true;
    const stderr = sink();
    const code = await runKnowledgeSync(platform, { bundleDir: join(dir, 'deploy'), secretsFile }, undefined, {
      stdout: sink(),
      stderr,
      anythingllmUrl: stub.url,
      source: memorySource(new Map([['x.pdf', 'x']])),
    });
    expect(code).toBe(1);
    expect(stderr.text).toContain('x.pdf');
    expect(stderr.text).toContain('tries the failed files again');
  });
});
