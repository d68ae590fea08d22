// llm.providers and llm.routing in moat.yaml: a valid file loads into the
// platform, and hostile or wrong values are refused at load with a located
// finding (a model name lands in litellm/config.yaml, so no YAML or control
// characters; a fallback must name a model LiteLLM serves).
import { afterAll, describe, expect, it } from 'vitest';
import { findingsOf, loadText, makeTempDir, summary, yamlText } from './config-helpers.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

type Row = readonly [name: string, lines: readonly string[], code: string, path: string, line: number];

const rows: readonly Row[] = [
  ['a provider moat does not know', ['llm:', '  providers:', '    - { name: acme, models: [x] }'], 'config.invalid-value', 'llm.providers[0].name', 3],
  ['a provider without models', ['llm:', '  providers:', '    - { name: openai, models: [] }'], 'config.invalid-value', 'llm.providers[0].models', 3],
  [
    'a model name with a newline (a new key in config.yaml)',
    ['llm:', '  providers:', '    - { name: openai, models: ["gpt-4o\\n  api_base: http://evil.example"] }'],
    'config.invalid-value',
    'llm.providers[0].models[0]',
    3,
  ],
  [
    'a model name with a space',
    ['llm:', '  providers:', '    - { name: openai, models: ["gpt 4o"] }'],
    'config.invalid-value',
    'llm.providers[0].models[0]',
    3,
  ],
  [
    'a key in moat.yaml (keys live in the store)',
    ['llm:', '  providers:', '    - { name: openai, models: [gpt-4o-mini], apiKey: sk-123 }'],
    'config.unknown-key',
    'llm.providers[0].apiKey',
    3,
  ],
  [
    'one provider twice',
    ['llm:', '  providers:', '    - { name: openai, models: [a] }', '    - { name: openai, models: [b] }'],
    'config.invalid-value',
    'llm.providers[1].name',
    4,
  ],
  ['an unknown routing mode', ['llm:', '  routing: { mode: fastest }'], 'config.invalid-value', 'llm.routing.mode', 2],
  [
    'a fallback to a model nobody serves',
    ['llm:', '  routing:', '    mode: local-first', '    fallbacks: [{ model: llama3.2:3b, to: [openai/gpt-4o] }]'],
    'config.unknown-fallback-model',
    'llm.routing.fallbacks[0].to[0]',
    4,
  ],
  [
    'a fallback from a model nobody serves',
    [
      'llm:',
      '  providers: [{ name: groq, models: [llama-3.3-70b-versatile] }]',
      '  routing:',
      '    mode: cloud-first',
      '    fallbacks: [{ model: mistral/x, to: [groq/llama-3.3-70b-versatile] }]',
    ],
    'config.unknown-fallback-model',
    'llm.routing.fallbacks[0].model',
    5,
  ],
  ['a misspelt key under llm', ['llm:', '  provider: []'], 'config.unknown-key', 'llm.provider', 2],
  // Not llm, but a value of the same kind (it names a collection in the vector store): a letter first.
  ['a knowledge workspace that starts with a digit', ['knowledge:', '  workspace: 2024-docs'], 'config.invalid-value', 'knowledge.workspace', 2],
];

describe('llm in moat.yaml', () => {
  it.each(rows)('refuses %s, located', async (_name, lines, code, path, line) => {
    expect(summary(await findingsOf(temp.dir, yamlText(lines)))).toContainEqual([code, path, line]);
  });

  it('loads providers and routing into the platform', async () => {
    const { platform } = await loadText(
      temp.dir,
      yamlText([
        'models: [llama3.2:3b]',
        'llm:',
        '  providers:',
        '    - { name: openrouter, models: [meta-llama/llama-3.3-70b-instruct] }',
        '  routing:',
        '    mode: local-first',
        '    fallbacks: [{ model: ollama_chat/qwen2.5:7b, to: [openrouter/meta-llama/llama-3.3-70b-instruct] }]',
      ]),
    );
    expect(platform.llm.providers).toEqual([{ name: 'openrouter', models: ['meta-llama/llama-3.3-70b-instruct'] }]);
    expect(platform.llm.routing).toEqual({
      mode: 'local-first',
      fallbacks: [{ model: 'ollama_chat/qwen2.5:7b', to: ['openrouter/meta-llama/llama-3.3-70b-instruct'] }],
    });
  });
});
