// `moat routing [local-first|cloud-first] [--fallback MODEL=A,B]... [--clear]`:
// LiteLLM's routing between the local models (Ollama) and the providers'.
// Written into moat.yaml (llm.routing, comments and order kept); rendered
// into litellm/config.yaml as router_settings (routing_strategy and
// fallbacks, render/litellm-config.ts). Without a mode it prints the routing
// in effect. `moat up` applies it.
import type { Command } from 'commander';
import { ExitCode, UserInputError } from '../../model/findings.js';
import type { RoutingMode } from '../../model/llm.js';
import { effectiveFallbacks, ROUTING_MODES } from '../../model/llm.js';
import type { Platform } from '../../model/types.js';
import { commitChange, configFileOf, prepareChange } from '../config-change.js';
import type { ConfigEdit } from '../config-edit.js';
import { nextStep } from './providers.js';
import { deployPaths } from './up.js';

export interface RoutingOptions {
  readonly configFile: string;
  readonly bundleDir: string;
  readonly mode?: string;
  /** `MODEL=A,B` each. */
  readonly fallbacks?: readonly string[];
  readonly clear?: boolean;
  readonly stdout?: NodeJS.WritableStream;
}

function badRouting(path: string, message: string, hint: string): UserInputError {
  return new UserInputError([{ code: 'cli.invalid-option', severity: 'high', path, message, hint }]);
}

function parseFallback(text: string): { model: string; to: string[] } {
  const at = text.indexOf('=');
  const model = text.slice(0, at).trim();
  const to = text
    .slice(at + 1)
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  if (at <= 0 || to.length === 0)
    throw badRouting(
      '--fallback',
      `--fallback ${JSON.stringify(text.slice(0, 200))} is not MODEL=FALLBACK[,FALLBACK...]`,
      'e.g. --fallback llama3.2:3b=openai/gpt-4o-mini,groq/llama-3.3-70b-versatile',
    );
  return { model, to };
}

function describe(platform: Platform): string {
  const routing = platform.llm.routing;
  if (!routing) return "routing: LiteLLM's defaults (no llm.routing in moat.yaml): no fallbacks between local and cloud models\n";
  const lines = effectiveFallbacks(platform).map((f) => `  ${f.model} -> ${f.to.join(', ')}`);
  return `routing: ${routing.mode}\nfallbacks:\n${lines.length > 0 ? lines.join('\n') : '  (none: no provider in llm.providers, or no local chat model)'}\n`;
}

export async function runRouting(options: RoutingOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const mode = options.mode;
  if (mode !== undefined && !(ROUTING_MODES as readonly string[]).includes(mode)) {
    throw badRouting('MODE', `unknown routing mode ${JSON.stringify(mode.slice(0, 40))}`, `use ${ROUTING_MODES.join(' or ')}`);
  }
  const fallbacks = (options.fallbacks ?? []).map(parseFallback);
  if (mode === undefined && options.clear !== true && fallbacks.length > 0)
    throw badRouting('--fallback', '--fallback needs a mode', `write \`moat routing ${ROUTING_MODES[0]} --fallback ...\``);
  const change = await prepareChange(options.configFile, (current): ConfigEdit[] => {
    if (options.clear === true) return [{ op: 'delete', path: ['llm', 'routing'] }];
    if (mode === undefined) return [];
    const routing = current.platform.llm.routing;
    if (fallbacks.length === 0 && routing) return routing.mode === mode ? [] : [{ op: 'set', path: ['llm', 'routing', 'mode'], value: mode as RoutingMode }];
    return [{ op: 'set', path: ['llm', 'routing'], value: fallbacks.length > 0 ? { mode, fallbacks } : { mode } }];
  });
  const wrote = await commitChange(change);
  stdout.write(describe(change.after.platform));
  if (mode !== undefined || options.clear === true) {
    stdout.write(`${wrote === 'written' ? `written to ${options.configFile} (llm.routing)` : `${options.configFile} already says so`}\n`);
    // Compose recreates a container when its compose entry or env file changes, not when a file it mounts does:
    // LiteLLM reads config.yaml only at start, so a running LiteLLM needs a restart after `moat up`.
    if (wrote === 'written')
      stdout.write(
        nextStep(
          options.bundleDir,
          'LiteLLM gets router_settings in litellm/config.yaml',
          `; LiteLLM reads that file only when it starts, so restart the running LiteLLM after it (\`docker compose -p ${change.after.platform.project} restart litellm\` in the bundle)`,
        ),
      );
  }
  return ExitCode.ok;
}

export function registerRouting(program: Command): void {
  program
    .command('routing')
    .description("LiteLLM's routing between local and cloud models: local-first or cloud-first, with fallbacks (no mode: print it)")
    .argument('[mode]', ROUTING_MODES.join(' | '))
    .option(
      '--fallback <MODEL=A,B>',
      'explicit fallbacks for one model, tried in order (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--clear', "remove llm.routing (LiteLLM's defaults, no fallbacks)")
    .option('-o, --out <dir>', 'bundle directory', 'deploy')
    .action(async (mode: string | undefined, o: { fallback: string[]; clear?: boolean; out?: string }) => {
      process.exitCode = await runRouting({
        configFile: configFileOf(program.opts<{ config?: string }>().config),
        bundleDir: deployPaths(o).bundleDir,
        ...(mode !== undefined ? { mode } : {}),
        fallbacks: o.fallback,
        clear: o.clear === true,
      });
    });
}
