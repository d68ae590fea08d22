// `moat models` against a stub Ollama (documented API, ollama-stub.ts): exit
// codes that tell an unreachable Ollama (3) from a refusal (1), and output.
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { registerModels, runModelsList, runModelsPull } from '../../src/cli/commands/models.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import { closedPort, type OllamaStub, startOllamaStub } from './ollama-stub.js';

const REGISTRY = {
  'llama3.2:3b': { layers: [{ digest: `sha256:${'dde5aa3fc5ff'.padEnd(64, '0')}`, size: 2_000_000 }] },
  'nomic-embed-text:latest': { layers: [{ digest: `sha256:${'970aa74c0a90'.padEnd(64, '2')}`, size: 1_000_000 }] },
};

let stub: OllamaStub;
let out = '';
let err = '';

/** Runs `moat models ...` through commander as main.ts will (registerModels), capturing output. */
async function moat(...args: string[]): Promise<number> {
  out = '';
  err = '';
  const program = new Command('moat').option('-c, --config <file>').exitOverride();
  registerModels(program);
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    await program.parseAsync(['node', 'moat', ...args]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}

beforeEach(async () => {
  stub = await startOllamaStub(REGISTRY);
});
afterEach(async () => {
  await stub.close();
});

describe('moat models (stub Ollama)', () => {
  it('pull without names pulls llm.models and llm.embedder; a second run pulls nothing', async () => {
    expect(await moat('models', 'pull', '--ollama-url', stub.url)).toBe(0);
    expect(out).toBe('present: -\npulled: llama3.2:3b, nomic-embed-text:latest\n');
    expect(err).toContain('llama3.2:3b dde5aa3fc5ff  2.0 MB / 2.0 MB  100%  done');
    expect(await moat('models', 'pull', '--ollama-url', stub.url)).toBe(0);
    expect(out).toBe('present: llama3.2:3b, nomic-embed-text:latest\npulled: -\n');
    expect(stub.pulls).toHaveLength(2);
  });

  it("pull of an unknown name: exit 1 with Ollama's own words and where to look", async () => {
    expect(await moat('models', 'pull', 'llama9:1t', '--ollama-url', stub.url)).toBe(1);
    expect(err).toContain('moat: Ollama: pulling llama9:1t: pull model manifest: file does not exist');
    expect(err).toContain('https://ollama.com/library');
  });

  it('a pull broken midway resumes on its own and exits 0', async () => {
    stub.breakAfter = 1_000_000;
    expect(await moat('models', 'pull', 'llama3.2:3b', '--ollama-url', stub.url)).toBe(0);
    expect(stub.pulls).toHaveLength(2);
    expect(err).toMatch(/llama3\.2:3b: the connection to .* broke while pulling llama3\.2:3b .*; resuming in \d+ s \(try 2 of 5\)/);
  }, 20_000);

  it('list shows what Ollama has and what moat.yaml wants that it lacks', async () => {
    stub.local.add('llama3.2:3b');
    stub.local.add('qwen2.5:7b');
    expect(await moat('models', 'list', '--ollama-url', stub.url)).toBe(0);
    expect(out.split('\n')[0]).toMatch(/^NAME +SIZE +NOTE$/);
    expect(out).toMatch(/^llama3\.2:3b +2\.0 GB +in moat\.yaml$/m);
    expect(out).toMatch(/^qwen2\.5:7b +2\.0 GB$/m);
    expect(out).toMatch(/^nomic-embed-text:latest +- +in moat\.yaml, missing: `moat models pull`$/m);
  });

  it('rm of a model Ollama lacks: exit 1; of one it has: exit 0, with a warning when moat.yaml wants it back', async () => {
    expect(await moat('models', 'rm', 'qwen2.5:7b', '--ollama-url', stub.url)).toBe(1);
    expect(err).toContain("moat: Ollama: removing qwen2.5:7b: model 'qwen2.5:7b' not found");
    stub.local.add('llama3.2:3b');
    expect(await moat('models', 'rm', 'llama3.2:3b', '--ollama-url', stub.url)).toBe(0);
    expect(out).toBe('removed: llama3.2:3b\n');
    expect(err).toContain('the next `moat up` pulls it again');
  });

  it('show: exit 1 for a missing model, details for a present one', async () => {
    expect(await moat('models', 'show', 'llama3.2:3b', '--ollama-url', stub.url)).toBe(1);
    stub.local.add('llama3.2:3b');
    expect(await moat('models', 'show', 'llama3.2:3b', '--ollama-url', stub.url)).toBe(0);
    expect(out).toBe('model: llama3.2:3b\nfamily: llama\nparameter_size: 3.2B\nquantization_level: Q4_K_M\nformat: gguf\n');
  });

  it('an Ollama nobody answers at: exit 3 for every subcommand, with what to do', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    for (const args of [['pull'], ['list'], ['rm', 'x'], ['show', 'x']]) {
      expect(await moat('models', ...args, '--ollama-url', url), args.join(' ')).toBe(3);
      expect(err).toContain(`moat: cannot reach Ollama at ${url} (ECONNREFUSED)`);
      expect(err).toContain('install: a running Ollama: `moat up` starts it');
    }
  });

  it('defaults to the platform Ollama at its static address on the bridge', async () => {
    const platform = normalizePlatform(referencePlatform());
    const { ollamaUrl } = await import('../../src/deploy/models.js');
    expect(ollamaUrl(platform)).toBe('http://172.20.0.10:11434');
    // The run functions take the URL from the caller (the CLI's --ollama-url).
    const sink = {
      text: '',
      write(c: string): boolean {
        sink.text += c;
        return true;
      },
    };
    const io = { ollamaUrl: stub.url, stdout: sink as unknown as NodeJS.WritableStream, stderr: sink as unknown as NodeJS.WritableStream };
    expect(await runModelsList(platform, io)).toBe(0);
    expect(await runModelsPull(platform, ['nomic-embed-text'], io)).toBe(0);
    expect(sink.text).toContain('pulled: nomic-embed-text');
    expect(stub.local.has('nomic-embed-text:latest')).toBe(true);
  });
});
