// `moat providers add|list|rm NAME`: the cloud providers LiteLLM may call.
// `add` writes the provider's entry into moat.yaml (llm.providers, comments
// and order kept) and its key into the secrets store under the variable
// LiteLLM reads (OPENAI_API_KEY...). The key is read from standard input (a
// prompt that does not echo on a terminal) or from --key-file, never from an
// argument: a command line is readable by every user of the host and lands
// in shell history. It is never printed. `moat up` applies the change: it
// rewrites LiteLLM's env file (secrets/litellm.env) and config, and Compose
// recreates LiteLLM because its env file changed.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Option } from 'commander';
import { PROVIDERS } from '../../catalog/providers.js';
import { readSecrets, writeSecrets } from '../../deploy/secrets-store.js';
import { didYouMean } from '../../model/did-you-mean.js';
import { ExitCode, UserInputError } from '../../model/findings.js';
import type { ProviderName } from '../../model/llm.js';
import { PROVIDER_NAMES } from '../../model/llm.js';
import { commitChange, configFileOf, isDeployed, prepareChange } from '../config-change.js';
import type { ConfigEdit } from '../config-edit.js';
import { readSecretInput } from '../secret-input.js';
import { deployPaths } from './up.js';

type Out = NodeJS.WritableStream;

export interface ProvidersOptions {
  readonly configFile: string;
  readonly bundleDir: string;
  readonly secretsFile: string;
  readonly stdout?: Out;
  readonly stderr?: Out;
}

/** `google` is what people call Gemini's provider; LiteLLM calls it `gemini`. */
const ALIASES: Readonly<Record<string, ProviderName>> = { google: 'gemini' };

function providerName(name: string): ProviderName {
  const lower = name.trim().toLowerCase();
  const known = (PROVIDER_NAMES as readonly string[]).includes(lower) ? (lower as ProviderName) : ALIASES[lower];
  if (known) return known;
  throw new UserInputError([
    {
      code: 'cli.unknown-provider',
      severity: 'high',
      path: 'NAME',
      message: `moat does not know the provider ${JSON.stringify(name.slice(0, 40))}`,
      hint: didYouMean(lower, PROVIDER_NAMES, `the providers are ${PROVIDER_NAMES.join(', ')}`),
    },
  ]);
}

/** The refusal of a key given on the command line: says how, never repeats the value. */
function keyAsArgument(where: string): UserInputError {
  return new UserInputError([
    {
      code: 'cli.key-as-argument',
      severity: 'high',
      path: where,
      message:
        'moat does not take an API key on the command line: every user of this host can read it there (ps) and it stays in your shell history; nothing was stored',
      hint: 'pass it on standard input (`moat providers add NAME < key.txt`, or type it at the prompt) or as a file (`--key-file key.txt`); revoke the key if the command was logged',
    },
  ]);
}

/** One printable line without spaces, quotes or backslashes: what the store and the env file carry unquoted. */
function checkKey(key: string, source: string): string {
  const value = key.replace(/\r?\n$/, '');
  if (value.length < 8 || value.length > 4096 || !/^[\x21-\x7e]+$/.test(value) || /["'\\]/.test(value)) {
    throw new UserInputError([
      {
        code: 'cli.bad-key',
        severity: 'high',
        path: source,
        message: `the key read from ${source} is ${value.length === 0 ? 'empty' : 'not one line of 8 to 4096 printable characters without spaces, quotes or backslashes'}`,
        hint: 'the input must hold only the key (a trailing newline is fine)',
      },
    ]);
  }
  return value;
}

export interface AddOptions extends ProvidersOptions {
  readonly name: string;
  readonly models?: readonly string[];
  /** The key: from --key-file, or this stream (standard input). */
  readonly keyFile?: string;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export async function runProvidersAdd(options: AddOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const name = providerName(options.name);
  const facts = PROVIDERS[name];
  // moat.yaml first, in memory: a change it would not load with is refused before the key is read.
  const change = await prepareChange(options.configFile, (current) => {
    const index = current.platform.llm.providers.findIndex((p) => p.name === name);
    const existing = current.platform.llm.providers[index];
    const models = options.models && options.models.length > 0 ? [...options.models] : existing ? [...existing.models] : [...facts.defaultModels];
    const edits: ConfigEdit[] = existing
      ? [{ op: 'set', path: ['llm', 'providers', index, 'models'], value: models }]
      : [{ op: 'append', path: ['llm', 'providers'], value: { name, models } }];
    return existing && sameList(existing.models, models) ? [] : edits;
  });
  const source = options.keyFile ?? 'standard input';
  const raw =
    options.keyFile !== undefined
      ? await readFile(options.keyFile, 'utf8')
      : await readSecretInput(options.stdin, stderr, `${facts.title} API key (not shown): `);
  const key = checkKey(raw, source);
  const wrote = await commitChange(change);
  const values = (await readSecrets(options.secretsFile)) ?? new Map<string, string>();
  const keyChanged = values.get(facts.keyEnv) !== key;
  if (keyChanged) await writeSecrets(options.secretsFile, new Map(values).set(facts.keyEnv, key));
  const entry = change.after.platform.llm.providers.find((p) => p.name === name);
  stdout.write(
    `${name}: ${wrote === 'written' ? `written to ${options.configFile}` : `already in ${options.configFile}`} (llm.providers: ${entry?.models.join(', ') ?? ''})\n`,
  );
  stdout.write(
    `${name}: key ${keyChanged ? 'stored' : 'unchanged'} as ${facts.keyEnv} in ${options.secretsFile} (mode 0600); LiteLLM reads it from its env file, config.yaml names it os.environ/${facts.keyEnv}\n`,
  );
  stdout.write(
    nextStep(options.bundleDir, `LiteLLM serves ${(entry?.models ?? []).map((m) => `${name}/${m}`).join(', ')} and reaches ${facts.apiHost} over HTTPS`),
  );
  return ExitCode.ok;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** What applies the change: `moat up`, which rewrites LiteLLM's config and env file (Compose recreates it for the new env). */
export function nextStep(bundleDir: string, what: string, whenDeployed = ''): string {
  return isDeployed(bundleDir)
    ? `next: \`moat up\` applies it (the platform in ${bundleDir} runs the old settings until then): ${what}${whenDeployed}\n`
    : `next: \`moat up\` deploys it: ${what}\n`;
}

export async function runProvidersList(options: ProvidersOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const change = await prepareChange(options.configFile, []);
  const values = (await readSecrets(options.secretsFile)) ?? new Map<string, string>();
  const rows = change.before.platform.llm.providers.map((p) => ({
    name: p.name,
    key: PROVIDERS[p.name].keyEnv,
    stored: values.has(PROVIDERS[p.name].keyEnv) ? 'stored' : 'MISSING: `moat providers add`',
    models: p.models.map((m) => `${p.name}/${m}`).join(', '),
  }));
  const w = Math.max(4, ...rows.map((r) => r.name.length));
  const k = Math.max(3, ...rows.map((r) => r.key.length));
  stdout.write(`${'NAME'.padEnd(w)}  ${'KEY'.padEnd(k)}  ${'STORE'.padEnd(7)}  MODELS\n`);
  for (const r of rows) stdout.write(`${r.name.padEnd(w)}  ${r.key.padEnd(k)}  ${r.stored.padEnd(7)}  ${r.models}\n`);
  const configured = new Set(rows.map((r) => r.name));
  const others = PROVIDER_NAMES.filter((n) => !configured.has(n));
  if (others.length > 0) stdout.write(`\navailable: ${others.join(', ')} (\`moat providers add NAME < key-file\`)\n`);
  return ExitCode.ok;
}

export async function runProvidersRm(options: ProvidersOptions & { readonly name: string; readonly keepKey?: boolean }): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const name = providerName(options.name);
  const facts = PROVIDERS[name];
  const change = await prepareChange(options.configFile, (current) => {
    const index = current.platform.llm.providers.findIndex((p) => p.name === name);
    return index < 0 ? [] : [{ op: 'delete', path: ['llm', 'providers', index] }];
  });
  const wrote = await commitChange(change);
  let removedKey = false;
  const values = await readSecrets(options.secretsFile);
  if (options.keepKey !== true && values?.has(facts.keyEnv) === true) {
    const next = new Map(values);
    next.delete(facts.keyEnv);
    await writeSecrets(options.secretsFile, next);
    removedKey = true;
  }
  stdout.write(
    `${name}: ${wrote === 'written' ? `removed from ${options.configFile}` : `not in ${options.configFile}`}; key ${removedKey ? `${facts.keyEnv} removed from` : options.keepKey === true ? 'kept in' : 'not in'} ${options.secretsFile}\n`,
  );
  stdout.write(
    nextStep(options.bundleDir, `LiteLLM stops serving ${name}'s models${removedKey ? ' (revoke the key at the provider too if it may have leaked)' : ''}`),
  );
  return ExitCode.ok;
}

interface PathOpts {
  out?: string;
  secrets?: string;
}

/** `moat providers ...`; main.ts calls it beside the other commands. */
export function registerProviders(program: Command): void {
  const opts = (o: PathOpts): ProvidersOptions => ({ configFile: configFileOf(program.opts<{ config?: string }>().config), ...deployPaths(o) });
  const withPaths = (cmd: Command): Command =>
    cmd.option('-o, --out <dir>', 'bundle directory', 'deploy').option('--secrets <file>', 'secrets store (default: .moat/secrets.env beside the bundle)');
  const providers = program.command('providers').description(`the cloud providers LiteLLM may call (${PROVIDER_NAMES.join(', ')})`);
  withPaths(providers.command('add').description('add a provider to moat.yaml and store its key (read from standard input or --key-file, never an argument)'))
    .argument('<name>', PROVIDER_NAMES.join(' | '))
    .argument('[refused...]', 'a key given here is refused: pass it on standard input or with --key-file')
    .option('--models <list>', "comma-separated models (default: the provider's current small model)")
    .option('--key-file <file>', 'read the key from this file')
    .addOption(new Option('--key <key>').hideHelp())
    .addOption(new Option('--api-key <key>').hideHelp())
    // commander repeats an unknown option as given: `--token=sk-...` would print the key.
    .configureOutput({ outputError: (text, write) => write(text.replace(/(--[A-Za-z0-9-]+=)[^'\s]*/g, '$1<not shown>')) })
    .action(async (name: string, refusedArgs: string[], o: PathOpts & { models?: string; keyFile?: string; key?: string; apiKey?: string }) => {
      if (o.key !== undefined || o.apiKey !== undefined) throw keyAsArgument(o.key !== undefined ? '--key' : '--api-key');
      if (refusedArgs.length > 0) throw keyAsArgument('argument 2');
      const models = o.models
        ?.split(',')
        .map((m) => m.trim())
        .filter((m) => m !== '');
      process.exitCode = await runProvidersAdd({
        ...opts(o),
        name,
        stdin: process.stdin,
        ...(models ? { models } : {}),
        ...(o.keyFile !== undefined ? { keyFile: o.keyFile } : {}),
      });
    });
  withPaths(providers.command('list').description('the providers of moat.yaml, their models and whether their key is stored')).action(async (o: PathOpts) => {
    process.exitCode = await runProvidersList(opts(o));
  });
  withPaths(providers.command('rm').description('remove a provider from moat.yaml and its key from the store').argument('<name>'))
    .option('--keep-key', 'keep the key in the secrets store')
    .action(async (name: string, o: PathOpts & { keepKey?: boolean }) => {
      process.exitCode = await runProvidersRm({ ...opts(o), name, keepKey: o.keepKey === true });
    });
}
