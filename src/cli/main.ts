// The moat command line. Each command lives in cli/commands/<name>.ts and
// registers itself here; errors become exit codes in one place.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ExitCode, MissingEnvironmentError, UserInputError } from '../model/findings.js';
import { printFindingsForHumans } from './report-errors.js';

type Register = (program: Command) => void;

interface CommandEntry {
  /** The command words the module registers. */
  readonly names: readonly string[];
  /** One line per name, for `moat --help` (which loads no command module). */
  readonly summaries: readonly string[];
  readonly load: () => Promise<Register>;
}

// Commands load lazily: `moat check` imports the proof, never the deploy
// engine or the probe, and `moat --help` imports no command at all.
const COMMANDS: readonly CommandEntry[] = [
  { names: ['plan'], summaries: ['render the deployment bundle and print the port map'], load: async () => (await import('./commands/plan.js')).registerPlan },
  {
    names: ['check'],
    summaries: ['prove statically what each zone can reach, from the rendered bundle'],
    load: async () => (await import('./commands/check.js')).registerCheck,
  },
  {
    names: ['audit'],
    summaries: ['prove what a deployment moat did not make exposes, from its artifacts (or --live)'],
    load: async () => (await import('./commands/audit.js')).registerAudit,
  },
  {
    names: ['probe'],
    summaries: ['verify a running host from one vantage point against the proof'],
    load: async () => (await import('./commands/probe.js')).registerProbe,
  },
  {
    names: ['up'],
    summaries: ['prove, render and deploy the platform on a container engine'],
    load: async () => (await import('./commands/up.js')).registerUp,
  },
  {
    names: ['status', 'logs', 'down', 'reset', 'secrets'],
    summaries: [
      'show each service and its health',
      "print a service's logs",
      'stop the platform (volumes kept)',
      'remove what moat created',
      'list the secrets (values with --show)',
    ],
    load: async () => (await import('./commands/operate.js')).registerOperate,
  },
  {
    names: ['backup', 'restore'],
    summaries: ['back up data, bundle and encrypted secrets into one dated directory', 'check a backup, then restore it and wait until healthy'],
    load: async () => (await import('./commands/backup.js')).registerBackup,
  },
  {
    names: ['signal'],
    summaries: ["link, register and check the bot's Signal account"],
    load: async () => (await import('./commands/signal.js')).registerSignal,
  },
  {
    names: ['upgrade', 'outdated'],
    summaries: ['back up, upgrade a service to a newer image, roll back if unhealthy', 'list pinned images with newer known releases'],
    load: async () => (await import('./commands/upgrade.js')).registerUpgrade,
  },
  { names: ['models'], summaries: ['pull, list and remove Ollama models'], load: async () => (await import('./commands/models.js')).registerModels },
  {
    names: ['drive'],
    summaries: ['connect Google Drive, sync it now, show the last sync'],
    load: async () => (await import('./commands/drive.js')).registerDrive,
  },
  {
    names: ['knowledge'],
    summaries: ['keep an AnythingLLM workspace in step with the synced Drive files; search it'],
    load: async () => (await import('./commands/knowledge.js')).registerKnowledge,
  },
  {
    names: ['providers'],
    summaries: ['add, list and remove the cloud providers LiteLLM may call (key from stdin or a file)'],
    load: async () => (await import('./commands/providers.js')).registerProviders,
  },
  {
    names: ['routing'],
    summaries: ["set LiteLLM's routing: local-first or cloud-first, with fallbacks"],
    load: async () => (await import('./commands/routing.js')).registerRouting,
  },
  {
    names: ['add', 'remove'],
    summaries: ['add a service to moat.yaml (proven before it is written)', 'remove a service from moat.yaml'],
    load: async () => (await import('./commands/service.js')).registerService,
  },
  {
    names: ['host'],
    summaries: ['set up this host: bootstrap, real Tailscale address and interface into moat.yaml, reboot unit'],
    load: async () => (await import('./commands/host.js')).registerHost,
  },
  {
    names: ['explain'],
    summaries: ['explain a finding code (or list them, or the exit codes)'],
    load: async () => (await import('./commands/explain.js')).registerExplain,
  },
];

/** moat's version: set by the bundle (scripts/bundle.mjs), else read from package.json. */
export function moatVersion(): string {
  const bundled = process.env['MOAT_VERSION'];
  if (bundled !== undefined) return bundled;
  const url = new URL('../../package.json', import.meta.url);
  try {
    return (JSON.parse(readFileSync(url, 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The command word of argv (after the global options), if any. */
function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? '';
    if (a === '-c' || a === '--config') {
      i += 1;
      continue;
    }
    if (a.startsWith('-')) continue;
    return a;
  }
  return undefined;
}

export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('moat')
    .description('Deploy a private, self-hosted AI platform and prove that it is sealed.')
    .version(moatVersion(), '-V, --version', 'print the version')
    .option('-c, --config <file>', 'platform config (default: ./moat.yaml if present, else the built-in reference platform)')
    .option('--debug', 'print stack traces of internal errors')
    .exitOverride()
    .showHelpAfterError();
  const args = argv.slice(2);
  let word = commandWord(args);
  if (word === 'help') word = commandWord(args.slice(args.indexOf('help') + 1));
  const entry = COMMANDS.find((c) => word !== undefined && c.names.includes(word));
  if (entry) {
    (await entry.load())(program);
    return program;
  }
  // No command, or one moat does not have: the list (commander suggests the closest name).
  for (const c of COMMANDS) c.names.forEach((name, i) => program.command(name).description(c.summaries[i] ?? ''));
  return program;
}

/** Runs the CLI and returns the exit code (never calls process.exit). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    if (error instanceof UserInputError) {
      printFindingsForHumans(error.findings);
      return ExitCode.badInput;
    }
    if (error instanceof MissingEnvironmentError) {
      process.stderr.write(`moat: ${error.message}\n  install: ${error.install}\n`);
      return ExitCode.missingEnvironment;
    }
    const fsProblem = fileSystemProblem(error);
    if (fsProblem) {
      process.stderr.write(`moat: ${fsProblem}\n`);
      return ExitCode.badInput;
    }
    const debug = program.opts<{ debug?: boolean }>().debug === true;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`moat: internal error: ${message}\nThis is a bug in moat.${debug ? '' : ' Run with --debug for the stack trace.'}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return ExitCode.internalError;
  }
}

// A path the user named that cannot be read or written is unusable input, not a
// bug in moat: say which path, what the system said, and what to do.
const FS_HINTS: Readonly<Record<string, string>> = {
  EACCES: 'check its permissions, or choose another path',
  EPERM: 'check its permissions, or choose another path',
  EROFS: 'the file system is read-only: choose another path (e.g. --out)',
  ENOTDIR: 'a part of the path is a file, not a directory: choose another path',
  EISDIR: 'the path is a directory where moat expected a file',
  ENOSPC: 'the disk is full: free space or choose another path',
  ENOENT: 'the path does not exist',
  ELOOP: 'the path has a symbolic-link loop',
};

function fileSystemProblem(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, path } = error as NodeJS.ErrnoException;
  if (code === undefined || path === undefined) return undefined;
  const hint = FS_HINTS[code];
  if (hint === undefined) return undefined;
  return `cannot use ${path}: ${error.message}\n  hint: ${hint}`;
}
