// `moat providers` and `moat routing` on a commented moat.yaml in a moat- temp
// dir: the key goes from standard input into the secrets store and LiteLLM's
// env file, and nowhere else (moat.yaml, compose.yaml, the rendered config,
// argv, the output); a key given as an argument is refused without being
// repeated; routing writes llm.routing and the rendered router_settings.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runProvidersAdd, runProvidersList, runProvidersRm } from '../../src/cli/commands/providers.js';
import { runRouting } from '../../src/cli/commands/routing.js';
import { loadPlatform } from '../../src/cli/load-platform.js';
import { readSecrets } from '../../src/deploy/secrets-store.js';
import { serviceEnvContent, writeServiceEnvFiles } from '../../src/deploy/service-env.js';
import { prepareUp } from '../../src/deploy/up.js';
import { UserInputError } from '../../src/model/findings.js';
import { requireService } from '../../src/model/lookup.js';
import { renderBundle } from '../../src/render/registry.js';
import { runMoat } from '../support/run-moat.js';
import { insertedBlock, sink } from './edit-helpers.js';

const KEY = 'sk-proj-moatTEST0123456789abcdefXYZ';

const COMMENTED = `# our platform
project: ai-platform   # keep this comment

host:
  adminCidr: 198.51.100.7/32 # office
models: [llama3.2:3b]

services:
  n8n: { env: { GENERIC_TIMEZONE: Europe/Berlin } }
# the end
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'moat-providers-'));
  writeFileSync(join(dir, 'moat.yaml'), COMMENTED);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const paths = () => ({ configFile: join(dir, 'moat.yaml'), bundleDir: join(dir, 'deploy'), secretsFile: join(dir, '.moat', 'secrets.env') });

async function addOpenai(extra: Partial<Parameters<typeof runProvidersAdd>[0]> = {}) {
  const stdout = sink();
  const stderr = sink();
  const code = await runProvidersAdd({ ...paths(), name: 'openai', stdin: Readable.from([`${KEY}\n`]), stdout, stderr, ...extra });
  return { code, out: stdout.text(), err: stderr.text() };
}

describe('moat providers add', () => {
  it("stores the key from standard input in the store and LiteLLM's env file, nowhere else", async () => {
    const run = await addOpenai();
    expect(run.code).toBe(0);
    expect(`${run.out}${run.err}`).not.toContain(KEY);
    const yaml = readFileSync(join(dir, 'moat.yaml'), 'utf8');
    expect(yaml).not.toContain(KEY);
    expect(parse(yaml).llm.providers).toEqual([{ name: 'openai', models: ['gpt-4o-mini'] }]);
    // Everything the user wrote is still there, byte for byte, around the new entry.
    expect(insertedBlock(COMMENTED, yaml)).toBe('llm:\n  providers:\n    - name: openai\n      models:\n        - gpt-4o-mini\n');
    expect((await readSecrets(paths().secretsFile))?.get('OPENAI_API_KEY')).toBe(KEY);

    const { platform } = await loadPlatform({ cwd: dir, configPath: 'moat.yaml' });
    const bundle = renderBundle(platform);
    for (const f of bundle.files) expect(f.content, f.path).not.toContain(KEY);
    const config = bundle.files.find((f) => f.path === 'litellm/config.yaml')?.content ?? '';
    expect(parse(config).model_list).toContainEqual({
      model_name: 'openai/gpt-4o-mini',
      litellm_params: { model: 'openai/gpt-4o-mini', api_key: 'os.environ/OPENAI_API_KEY' },
    });
    // compose names the env file, never the value.
    const compose = parse(bundle.files.find((f) => f.path === 'compose.yaml')?.content ?? '');
    expect(compose.services.litellm.env_file).toEqual(['secrets/litellm.env']);
    const values = (await readSecrets(paths().secretsFile)) ?? new Map();
    for (const s of platform.services.flatMap((x) => x.secrets)) values.set(s.name, 'x'.repeat(20));
    values.set('OPENAI_API_KEY', KEY);
    expect(serviceEnvContent(requireService(platform, 'litellm'), values, platform)).toContain(`OPENAI_API_KEY=${KEY}\n`);
    expect(serviceEnvContent(requireService(platform, 'n8n'), values, platform)).not.toContain(KEY);
  });

  it('reads the key from --key-file, and a second add changes nothing', async () => {
    writeFileSync(join(dir, 'key.txt'), `${KEY}\n`, { mode: 0o600 });
    expect((await addOpenai({ keyFile: join(dir, 'key.txt'), stdin: Readable.from([]) })).code).toBe(0);
    const first = readFileSync(join(dir, 'moat.yaml'), 'utf8');
    const again = await addOpenai({ keyFile: join(dir, 'key.txt'), stdin: Readable.from([]) });
    expect(again.out).toContain('already in');
    expect(again.out).toContain('key unchanged');
    expect(readFileSync(join(dir, 'moat.yaml'), 'utf8')).toBe(first);
  });

  it('refuses an empty key or one with spaces, and writes nothing', async () => {
    for (const bad of ['\n', 'sk-one two-three\n', "sk-'quoted'-xxxx"]) {
      const error = await addOpenai({ stdin: Readable.from([bad]) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserInputError);
      expect((error as UserInputError).findings[0]?.code).toBe('cli.bad-key');
    }
    expect(readFileSync(join(dir, 'moat.yaml'), 'utf8')).toBe(COMMENTED);
    expect(await readSecrets(paths().secretsFile)).toBeUndefined();
  });

  it('refuses an unknown provider with the closest name, and takes google for gemini', async () => {
    const error = await runProvidersAdd({ ...paths(), name: 'opnai', stdin: Readable.from([KEY]), stdout: sink() }).catch((e: unknown) => e);
    expect((error as UserInputError).findings[0]?.code).toBe('cli.unknown-provider');
    expect((error as UserInputError).findings[0]?.hint).toContain('did you mean "openai"');
    expect(await runProvidersAdd({ ...paths(), name: 'google', stdin: Readable.from([KEY]), stdout: sink() })).toBe(0);
    expect(parse(readFileSync(join(dir, 'moat.yaml'), 'utf8')).llm.providers[0].name).toBe('gemini');
    expect((await readSecrets(paths().secretsFile))?.get('GEMINI_API_KEY')).toBe(KEY);
  });

  it('refuses a key given as an argument or option, without repeating it, and writes nothing', async () => {
    for (const args of [
      ['openai', KEY],
      [`--key=${KEY}`, 'openai'],
      ['openai', '--api-key', KEY],
    ]) {
      const run = await runMoat('-c', join(dir, 'moat.yaml'), 'providers', 'add', ...args, '--secrets', paths().secretsFile);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.err).toContain('[cli.key-as-argument]');
      expect(run.err).toContain('standard input');
      expect(`${run.out}${run.err}`).not.toContain(KEY);
    }
    // An option moat does not have is refused by the parser, which must not repeat its value either.
    const unknown = await runMoat('-c', join(dir, 'moat.yaml'), 'providers', 'add', 'openai', `--token=${KEY}`);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('--token=<not shown>');
    expect(`${unknown.out}${unknown.err}`).not.toContain(KEY);
    expect(readFileSync(join(dir, 'moat.yaml'), 'utf8')).toBe(COMMENTED);
    expect(await readSecrets(paths().secretsFile)).toBeUndefined();
  });

  it('a provider in moat.yaml without a stored key stops moat up before anything starts; down and status still work', async () => {
    writeFileSync(join(dir, 'moat.yaml'), `${COMMENTED}llm:\n  providers: [{ name: groq, models: [llama-3.3-70b-versatile] }]\n`);
    const { platform } = await loadPlatform({ cwd: dir, configPath: 'moat.yaml' });
    const error = await prepareUp(platform, { bundleDir: join(dir, 'deploy'), secretsFile: paths().secretsFile }).catch((e: unknown) => e);
    expect((error as UserInputError).findings.map((f) => [f.code, f.path])).toEqual([['deploy.provider-key-missing', 'llm.providers[0]']]);
    expect(await readSecrets(paths().secretsFile)).toBeUndefined();
    // The env files (which status, logs and down write too) leave the missing key out instead of failing.
    const values = new Map(platform.services.flatMap((s) => s.secrets).map((s) => [s.name, 'v'.repeat(24)] as const));
    await writeServiceEnvFiles(platform, join(dir, 'deploy'), values);
    expect(readFileSync(join(dir, 'deploy', 'secrets', 'litellm.env'), 'utf8')).not.toContain('GROQ_API_KEY');
  });

  it('says that moat up applies the change when the platform is deployed', async () => {
    mkdirSync(join(dir, 'deploy'));
    writeFileSync(join(dir, 'deploy', 'compose.yaml'), 'name: ai-platform\n');
    expect((await addOpenai()).out).toContain(`next: \`moat up\` applies it (the platform in ${join(dir, 'deploy')} runs the old settings until then)`);
  });
});

describe('moat providers list and rm', () => {
  it('lists what is stored, never the key; rm restores moat.yaml byte for byte and drops the key', async () => {
    await addOpenai();
    const list = sink();
    expect(await runProvidersList({ ...paths(), stdout: list })).toBe(0);
    expect(list.text()).toMatch(/openai\s+OPENAI_API_KEY\s+stored\s+openai\/gpt-4o-mini/);
    expect(list.text()).toContain('available: anthropic, gemini, groq, openrouter, mistral');
    expect(list.text()).not.toContain(KEY);
    expect(await runProvidersRm({ ...paths(), name: 'openai', stdout: sink() })).toBe(0);
    expect(readFileSync(join(dir, 'moat.yaml'), 'utf8')).toBe(COMMENTED);
    expect((await readSecrets(paths().secretsFile))?.has('OPENAI_API_KEY')).toBe(false);
  });
});

describe('moat routing', () => {
  it('writes llm.routing; the rendered config gets router_settings with the fallbacks', async () => {
    await addOpenai();
    const out = sink();
    expect(await runRouting({ ...paths(), mode: 'local-first', fallbacks: ['llama3.2:3b=openai/gpt-4o-mini'], stdout: out })).toBe(0);
    expect(out.text()).toContain('llama3.2:3b -> openai/gpt-4o-mini');
    const yaml = readFileSync(join(dir, 'moat.yaml'), 'utf8');
    insertedBlock(COMMENTED, yaml);
    expect(parse(yaml).llm.routing).toEqual({ mode: 'local-first', fallbacks: [{ model: 'llama3.2:3b', to: ['openai/gpt-4o-mini'] }] });
    const { platform } = await loadPlatform({ cwd: dir, configPath: 'moat.yaml' });
    const config = parse(renderBundle(platform).files.find((f) => f.path === 'litellm/config.yaml')?.content ?? '');
    expect(config.router_settings).toEqual({ routing_strategy: 'simple-shuffle', fallbacks: [{ 'llama3.2:3b': ['openai/gpt-4o-mini'] }] });
    // cloud-first keeps the explicit fallbacks and flips the mode's.
    expect(await runRouting({ ...paths(), mode: 'cloud-first', stdout: sink() })).toBe(0);
    expect(parse(readFileSync(join(dir, 'moat.yaml'), 'utf8')).llm.routing.mode).toBe('cloud-first');
    expect(await runRouting({ ...paths(), clear: true, stdout: sink() })).toBe(0);
    expect(parse(readFileSync(join(dir, 'moat.yaml'), 'utf8')).llm.routing).toBeUndefined();
  });

  it('refuses a fallback to a model LiteLLM does not serve, and writes nothing', async () => {
    const error = await runRouting({ ...paths(), mode: 'local-first', fallbacks: ['llama3.2:3b=openai/gpt-9'], stdout: sink() }).catch((e: unknown) => e);
    expect((error as UserInputError).findings.map((f) => [f.code, f.path])).toEqual([['config.unknown-fallback-model', 'llm.routing.fallbacks[0].to[0]']]);
    expect(readFileSync(join(dir, 'moat.yaml'), 'utf8')).toBe(COMMENTED);
    const bad = await runRouting({ ...paths(), mode: 'fastest', stdout: sink() }).catch((e: unknown) => e);
    expect((bad as UserInputError).findings[0]?.code).toBe('cli.invalid-option');
  });
});
