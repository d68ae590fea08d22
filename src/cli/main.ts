// The moat command line. Each command lives in cli/commands/<name>.ts and
// registers itself here; errors become exit codes in one place.
import { Command, CommanderError } from 'commander';
import { ExitCode, MissingEnvironmentError, UserInputError } from '../model/findings.js';
import { registerCheck } from './commands/check.js';
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
  registerProbe(program);
  registerUp(program);
  registerOperate(program);
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
    const debug = program.opts<{ debug?: boolean }>().debug === true;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`moat: internal error: ${message}\nThis is a bug in moat.${debug ? '' : ' Run with --debug for the stack trace.'}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return 70;
  }
}
