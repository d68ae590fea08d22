// `moat models pull [MODEL...] | list | rm MODEL | show MODEL`: the models in
// the platform's Ollama, through its API. Exit codes: 0 done; 1 Ollama said no
// (an unknown model, a pull that failed after its retries); 2 bad arguments; 3
// Ollama cannot be reached (not started, or this host cannot route to the
// platform network: --ollama-url).
import type { Command } from 'commander';
import type { RetryOptions } from '../../deploy/models.js';
import { ensureModels, ollamaUrl, platformModels, pullModel } from '../../deploy/models.js';
import type { OllamaClient } from '../../deploy/ollama.js';
import { canonicalModelName, OllamaError, OllamaStreamError, OllamaUnreachableError, ollamaClient } from '../../deploy/ollama.js';
import { createPullProgress, formatBytes } from '../../deploy/pull-progress.js';
import { ExitCode } from '../../model/findings.js';
import type { Platform } from '../../model/types.js';
import { loadPlatform } from '../load-platform.js';

type Out = NodeJS.WritableStream & { isTTY?: boolean };

export interface ModelsIo {
  readonly stdout?: Out;
  readonly stderr?: Out;
  /** Default: the platform's Ollama at its static address. */
  readonly ollamaUrl?: string;
  readonly retry?: RetryOptions;
}

function clientFor(platform: Platform, io: ModelsIo, stderr: Out): OllamaClient | undefined {
  const base = io.ollamaUrl ?? ollamaUrl(platform);
  if (base === undefined) {
    stderr.write('moat: the platform has no ollama service\n  next: enable ollama in moat.yaml, or pass --ollama-url\n');
    return undefined;
  }
  return ollamaClient(base);
}

/** Runs one Ollama action and turns its typed errors into exit codes and one located message. */
async function guarded(stderr: Out, action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof OllamaUnreachableError) {
      stderr.write(`moat: ${error.message}\n  install: ${error.install}\n`);
      return ExitCode.missingEnvironment;
    }
    if (error instanceof OllamaError || error instanceof OllamaStreamError) {
      const notFound = error instanceof OllamaError && error.notFound;
      stderr.write(
        `moat: Ollama: ${error.message}\n  next: ${notFound ? '`moat models list` shows what Ollama has; https://ollama.com/library lists the names it can pull' : 'run the same command again: the pull resumes where it stopped'}\n`,
      );
      return ExitCode.findings;
    }
    throw error;
  }
}

export async function runModelsPull(platform: Platform, models: readonly string[], io: ModelsIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const client = clientFor(platform, io, stderr);
  if (!client) return ExitCode.badInput;
  return guarded(stderr, async () => {
    const progress = createPullProgress(stderr);
    if (models.length === 0) {
      // The platform's models: those already present are left alone.
      const result = await ensureModels(client, platformModels(platform), progress, io.retry);
      stdout.write(`present: ${result.present.join(', ') || '-'}\npulled: ${result.pulled.join(', ') || '-'}\n`);
    } else {
      // Named models are pulled even when present: a pull of a present model fetches a newer tag's layers, if any.
      for (const model of models) {
        await pullModel(client, model, progress, io.retry);
        stdout.write(`pulled: ${model}\n`);
      }
    }
    progress.done();
    return ExitCode.ok;
  });
}

export async function runModelsList(platform: Platform, io: ModelsIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const client = clientFor(platform, io, stderr);
  if (!client) return ExitCode.badInput;
  return guarded(stderr, async () => {
    const have = await client.list();
    const configured = new Set(platformModels(platform).map(canonicalModelName));
    const rows = [...have]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((m) => ({ name: m.name, size: formatBytes(m.size), note: configured.has(canonicalModelName(m.name)) ? 'in moat.yaml' : '' }));
    const present = new Set(have.map((m) => canonicalModelName(m.name)));
    for (const model of platformModels(platform)) {
      if (!present.has(canonicalModelName(model))) rows.push({ name: model, size: '-', note: 'in moat.yaml, missing: `moat models pull`' });
    }
    const width = Math.max(4, ...rows.map((r) => r.name.length));
    const sizeWidth = Math.max(4, ...rows.map((r) => r.size.length));
    stdout.write(`${'NAME'.padEnd(width)}  ${'SIZE'.padEnd(sizeWidth)}  NOTE\n`);
    for (const r of rows) stdout.write(`${`${r.name.padEnd(width)}  ${r.size.padEnd(sizeWidth)}  ${r.note}`.trimEnd()}\n`);
    return ExitCode.ok;
  });
}

export async function runModelsRm(platform: Platform, model: string, io: ModelsIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const client = clientFor(platform, io, stderr);
  if (!client) return ExitCode.badInput;
  return guarded(stderr, async () => {
    await client.remove(model);
    stdout.write(`removed: ${model}\n`);
    if (platformModels(platform).some((m) => canonicalModelName(m) === canonicalModelName(model))) {
      stderr.write(`moat: ${model} is in moat.yaml: the next \`moat up\` pulls it again (remove it from llm.models to keep it out)\n`);
    }
    return ExitCode.ok;
  });
}

export async function runModelsShow(platform: Platform, model: string, io: ModelsIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const client = clientFor(platform, io, stderr);
  if (!client) return ExitCode.badInput;
  return guarded(stderr, async () => {
    const info = await client.show(model);
    const details = (info['details'] ?? {}) as Record<string, unknown>;
    const lines = [
      `model: ${model}`,
      ...['family', 'parameter_size', 'quantization_level', 'format'].filter((k) => typeof details[k] === 'string').map((k) => `${k}: ${String(details[k])}`),
    ];
    stdout.write(`${lines.join('\n')}\n`);
    return ExitCode.ok;
  });
}

function retryFrom(tries: string | undefined): RetryOptions {
  const n = tries === undefined ? undefined : Number(tries);
  return n !== undefined && Number.isInteger(n) && n >= 1 && n <= 100 ? { tries: n } : {};
}

/** `moat models ...`; main.ts calls it beside the other commands. */
export function registerModels(program: Command): void {
  const load = async () => (await loadPlatform({ configPath: program.opts<{ config?: string }>().config, cwd: process.cwd() })).platform;
  const models = program.command('models').description("the models in the platform's Ollama: pull, list, rm, show");
  const withUrl = (cmd: Command): Command =>
    cmd.option('--ollama-url <url>', "Ollama's API as this host reaches it (default: its static address on the platform network)");
  const io = (opts: { ollamaUrl?: string; tries?: string }): ModelsIo => ({
    ...(opts.ollamaUrl === undefined ? {} : { ollamaUrl: opts.ollamaUrl }),
    retry: retryFrom(opts.tries),
  });
  withUrl(
    models.command('pull').description('pull models (default: llm.models and llm.embedder of moat.yaml), resuming after a failure').argument('[model...]'),
  )
    .option('--tries <n>', 'pull requests per model before giving up', '5')
    .action(async (names: string[], opts: { ollamaUrl?: string; tries?: string }) => {
      process.exitCode = await runModelsPull(await load(), names, io(opts));
    });
  withUrl(models.command('list').description('the models Ollama has, and those of moat.yaml it lacks')).action(async (opts: { ollamaUrl?: string }) => {
    process.exitCode = await runModelsList(await load(), io(opts));
  });
  withUrl(models.command('rm').description('remove a model from Ollama').argument('<model>')).action(async (name: string, opts: { ollamaUrl?: string }) => {
    process.exitCode = await runModelsRm(await load(), name, io(opts));
  });
  withUrl(models.command('show').description("a model's family, size and quantization").argument('<model>')).action(
    async (name: string, opts: { ollamaUrl?: string }) => {
      process.exitCode = await runModelsShow(await load(), name, io(opts));
    },
  );
}
