// `moat explain [CODE]`: what a finding code means, from the one registry
// (src/codes/index.ts). With no code it lists every code, one a line;
// with an area prefix (ingest.nginx) the codes under it; with --exit-codes
// the table of exit codes. An unknown code is unusable input (exit 2) with a
// did-you-mean, like every other name the user can mistype.

import type { Command } from 'commander';
import { Option } from 'commander';
import { FINDING_REGISTRY, lookupFindingCode, type RegistryEntry } from '../../codes/index.js';
import { closestName } from '../../model/did-you-mean.js';
import { EXIT_CODE_DOCS, ExitCode, UserInputError } from '../../model/findings.js';

export const EXPLAIN_FORMATS = ['text', 'json'] as const;
type ExplainFormat = (typeof EXPLAIN_FORMATS)[number];

interface ExplainOptions {
  readonly format: ExplainFormat;
  readonly exitCodes?: boolean;
}

const WIDTH = 78;

/** Greedy word wrap: help paragraphs are one long line in the source. */
function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines.join('\n');
}

const plain = (e: RegistryEntry) => ({
  code: e.code,
  title: e.title,
  severity: e.severity,
  area: e.area,
  help: e.help,
  ...(e.reserved !== undefined ? { reserved: e.reserved } : {}),
});

export function formatEntry(entry: RegistryEntry): string {
  const lines = [entry.code, `  ${entry.title}`, `  severity: ${entry.severity} (default)   area: ${entry.area}`, '', wrap(entry.help, '  ')];
  if (entry.reserved !== undefined) lines.push('', wrap(`Reserved: ${entry.reserved}`, '  '));
  return `${lines.join('\n')}\n`;
}

export function formatList(entries: readonly RegistryEntry[]): string {
  const w = Math.max(4, ...entries.map((e) => e.code.length));
  const rows = entries.map((e) => `${e.code.padEnd(w)}  ${e.severity.padEnd(8)}  ${e.area.padEnd(7)}  ${e.title}`);
  return `${[`${'CODE'.padEnd(w)}  SEVERITY  AREA     TITLE`, ...rows].join('\n')}\n`;
}

export function formatExitCodes(): string {
  const w = Math.max(...EXIT_CODE_DOCS.map((d) => d.outcome.length));
  return `${[`CODE  ${'OUTCOME'.padEnd(w)}  MEANING`, ...EXIT_CODE_DOCS.map((d) => `${String(d.code).padEnd(4)}  ${d.outcome.padEnd(w)}  ${d.meaning}`)].join('\n')}\n`;
}

/** The entries a prefix names at a dot boundary (ingest.nginx: every ingest.nginx.* code). */
function underPrefix(prefix: string): RegistryEntry[] {
  const p = prefix.trim().toLowerCase().replace(/\.+$/, '');
  return FINDING_REGISTRY.filter((e) => e.code.startsWith(`${p}.`));
}

/** Longer than any code: not worth a did-you-mean, and echoed cut short. */
const MAX_CODE_LENGTH = 100;

function unknownCode(code: string): UserInputError {
  const best =
    code.length <= MAX_CODE_LENGTH
      ? closestName(
          code,
          FINDING_REGISTRY.map((e) => e.code),
        )
      : undefined;
  const list = '`moat explain` lists every code';
  // JSON.stringify escapes control characters, so a hostile argument cannot drive the terminal.
  const shown = code.length <= MAX_CODE_LENGTH ? JSON.stringify(code) : `${JSON.stringify(code.slice(0, MAX_CODE_LENGTH))}... (${code.length} characters)`;
  return new UserInputError([
    {
      code: 'cli.unknown-code',
      severity: 'high',
      path: 'args[0]',
      message: `no finding code ${shown}`,
      hint: best !== undefined ? `did you mean ${best}? ${list}` : list,
    },
  ]);
}

export function runExplain(code: string | undefined, options: ExplainOptions, out: NodeJS.WritableStream = process.stdout): number {
  const json = options.format === 'json';
  const emit = (value: unknown, text: string) => out.write(json ? `${JSON.stringify(value, null, 2)}\n` : text);
  if (options.exitCodes === true) {
    emit(EXIT_CODE_DOCS, formatExitCodes());
    return ExitCode.ok;
  }
  if (code === undefined) {
    emit(FINDING_REGISTRY.map(plain), formatList(FINDING_REGISTRY));
    return ExitCode.ok;
  }
  const entry = lookupFindingCode(code);
  if (entry !== undefined) {
    emit(plain(entry), formatEntry(entry));
    return ExitCode.ok;
  }
  const under = underPrefix(code);
  if (under.length > 0) {
    emit(under.map(plain), formatList(under));
    return ExitCode.ok;
  }
  throw unknownCode(code);
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('say what a finding code means (no code: list every code)')
    .argument('[code]', 'a finding code, e.g. exposure.unexpected-open, or a prefix such as ingest.nginx')
    .addOption(new Option('--format <format>', 'output format').choices(EXPLAIN_FORMATS).default('text'))
    .option('--exit-codes', "print moat's exit codes and what each means")
    .action((code: string | undefined, _options: unknown, command: Command) => {
      process.exitCode = runExplain(code, command.optsWithGlobals<ExplainOptions>());
    });
}
