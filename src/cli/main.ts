// The moat command line. Each command lives in cli/commands/<name>.ts and
// registers itself here; errors become exit codes in one place.
import { Command, CommanderError } from 'commander';
import { ExitCode, MissingEnvironmentError, UserInputError } from '../model/findings.js';
import { registerAudit } from './commands/audit.js';
import { registerCheck } from './commands/check.js';
import { registerExplain } from './commands/explain.js';
import { registerModels } from './commands/models.js';
import { registerOperate } from './commands/operate.js';
import { registerPlan } from './commands/plan.js';
import { registerProbe } from './commands/probe.js';
import { registerUp } from './commands/up.js';
import { printFindingsForHumans } from './report-errors.js';

export function buildProgram(): Command {
  const program = new Command('moat')
    .description('Deploy a private, self-hosted AI platform and prove that it is sealed.')
    .option('-c, --config <file>', 'platform config (default: ./moat.yaml if present, else the built-in reference platform)')
    .option('--debug', 'print stack traces of internal errors')
    .exitOverride()
    .showHelpAfterError();
  registerPlan(program);
  registerCheck(program);
  registerAudit(program);
  registerProbe(program);
  registerUp(program);
  registerOperate(program);
  registerModels(program);
  registerExplain(program);
  return program;
}

/** Runs the CLI and returns the exit code (never calls process.exit). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
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
