// `moat status | logs | down | reset | secrets`: operating a deployment made by
// `moat up`. Secret values are printed only with `moat secrets --show`.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { closest } from 'fastest-levenshtein';
import { composeEngine } from '../../deploy/compose-engine.js';
import { detectCompose } from '../../deploy/detect-engine.js';
import type { Engine } from '../../deploy/engine.js';
import { EngineCommandError } from '../../deploy/engine.js';
import { enginePing } from '../../deploy/engine-api.js';
import { deployDown, deployReset, ensureServiceEnvFiles, listSecrets, statusReport } from '../../deploy/operate.js';
import { readSecrets, rotateSecret } from '../../deploy/secrets-store.js';
import { writeServiceEnvFiles } from '../../deploy/service-env.js';
import { formatRows } from '../../deploy/summary.js';
import { didYouMean } from '../../model/did-you-mean.js';
import { ExitCode, UserInputError } from '../../model/findings.js';
import type { Platform } from '../../model/types.js';
import { COMPOSE_FILE } from '../../render/compose.js';
import { renderBundle } from '../../render/registry.js';
import { recordConsoleState } from '../console-status.js';
import { loadPlatform } from '../load-platform.js';
import { writeBundle } from '../write-bundle.js';
import { registerKubernetesSecrets } from './secrets-kubernetes.js';
import type { DeployPaths } from './up.js';
import { deployPaths } from './up.js';

interface PathOptions {
  out?: string;
  secrets?: string;
}

async function openEngine(platform: Platform, paths: DeployPaths): Promise<Engine> {
  const detected = await detectCompose();
  // No engine → exit 3 before the bundle or the env files are touched.
  await enginePing(detected.endpoint);
  // Compose needs the file even to stop or read logs: render it if the bundle lacks it.
  if (!existsSync(resolve(paths.bundleDir, COMPOSE_FILE))) await writeBundle(paths.bundleDir, renderBundle(platform, {}, ['compose']).files);
  await ensureServiceEnvFiles(platform, paths.bundleDir, paths.secretsFile);
  return composeEngine(
    detected.flavour,
    { project: platform.project, bundleDir: paths.bundleDir, composeFile: resolve(paths.bundleDir, COMPOSE_FILE) },
    detected.endpoint,
  );
}

function badOption(path: string, message: string, hint: string): UserInputError {
  return new UserInputError([{ code: 'cli.invalid-option', severity: 'high', path, message, hint }]);
}

export async function runStatus(platform: Platform, paths: DeployPaths, format: string, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  if (format !== 'text' && format !== 'json') throw badOption('--format', `unknown format ${JSON.stringify(format)}`, 'use --format text or --format json');
  const report = await statusReport(platform, await openEngine(platform, paths));
  await recordConsoleState(platform, paths.bundleDir, { status: report });
  if (format === 'json') out.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    out.write(formatRows(report.services.map((s) => ({ service: s.service, state: s.state, url: s.url, address: s.address }))));
    out.write(`\nnetworks: ${report.networks.join(', ') || '(none)'}\nvolumes: ${report.volumes.join(', ') || '(none)'}\n`);
  }
  return ExitCode.ok;
}

/** Reads one line (the typed project name); undefined when input ends first. */
async function readLine(input: NodeJS.ReadableStream): Promise<string | undefined> {
  const rl = createInterface({ input, terminal: false });
  try {
    for await (const line of rl) return line;
    return undefined;
  } finally {
    rl.close();
  }
}

export interface ResetIo {
  readonly input?: NodeJS.ReadableStream;
  readonly out?: NodeJS.WritableStream;
}

export async function runReset(platform: Platform, paths: DeployPaths, yes: boolean, io: ResetIo = {}): Promise<number> {
  const out = io.out ?? process.stderr;
  if (!yes) {
    out.write(
      `moat reset removes ${platform.project}'s containers, its network, its volumes (all data) and its secrets (${paths.secretsFile}).\n` +
        `Type the project name (${platform.project}) to confirm: `,
    );
    const typed = await readLine(io.input ?? process.stdin);
    if (typed?.trim() !== platform.project) {
      throw new UserInputError([
        {
          code: 'reset.not-confirmed',
          severity: 'high',
          path: 'project',
          message: `reset not confirmed: expected the project name ${platform.project}${typed === undefined ? ' but the input ended' : ''}`,
          hint: 'type the project name exactly, or pass --yes in scripts',
        },
      ]);
    }
  }
  await deployReset(platform, await openEngine(platform, paths), paths.bundleDir, paths.secretsFile);
  out.write(`moat: removed ${platform.project}'s containers, network, volumes and secrets\n`);
  return ExitCode.ok;
}

export async function runSecrets(
  platform: Platform,
  paths: DeployPaths,
  show: boolean,
  out: NodeJS.WritableStream = process.stdout,
  only?: string,
): Promise<number> {
  const all = await listSecrets(platform, paths.secretsFile, show);
  const rows = only === undefined ? all : all.filter((r) => r.name === only);
  if (only !== undefined && rows.length === 0) {
    throw new UserInputError([
      {
        code: 'secrets.unknown',
        severity: 'high',
        path: only,
        message: `no secret named ${only}`,
        hint: didYouMean(
          only,
          all.map((r) => r.name),
          'run `moat secrets` for the names',
        ),
      },
    ]);
  }
  const w = Math.max(4, ...rows.map((r) => r.name.length));
  out.write(`${'NAME'.padEnd(w)}  ${'POLICY'.padEnd(12)}  ${'SET'.padEnd(3)}  READ BY${show ? '  VALUE' : ''}\n`);
  for (const r of rows) {
    out.write(`${r.name.padEnd(w)}  ${r.policy.padEnd(12)}  ${(r.set ? 'yes' : 'no').padEnd(3)}  ${r.readers.join(' ')}${show ? `  ${r.value ?? ''}` : ''}\n`);
  }
  if (!show) out.write(`\nvalues are in ${paths.secretsFile} (mode 0600); \`moat secrets --show\` prints them\n`);
  return ExitCode.ok;
}

export async function runRotate(platform: Platform, paths: DeployPaths, name: string, out: NodeJS.WritableStream = process.stderr): Promise<number> {
  await rotateSecret(platform, paths.secretsFile, name);
  const values = await readSecrets(paths.secretsFile);
  if (values) await writeServiceEnvFiles(platform, paths.bundleDir, values);
  out.write(`moat: rotated ${name}; run \`moat up\` to restart the services that read it\n`);
  return ExitCode.ok;
}

/** Compose failing is the environment's problem, not moat's: print what it said and exit 1. */
export async function engineErrorsToExit(action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof EngineCommandError)) throw error;
    process.stderr.write(`moat: ${error.message}\n`);
    return ExitCode.findings;
  }
}

export async function runLogs(
  platform: Platform,
  paths: DeployPaths,
  service: string,
  tail: number,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  if (!Number.isInteger(tail) || tail <= 0) throw badOption('--tail', '--tail must be a positive whole number of lines', 'e.g. --tail 200');
  if (!platform.services.some((s) => s.name === service)) {
    const names = platform.services.map((s) => s.name);
    throw new UserInputError([
      {
        code: 'deploy.unknown-service',
        severity: 'high',
        path: 'args[0]',
        message: `no service named ${service}`,
        hint: names.length > 0 ? `did you mean ${closest(service, names)}?` : 'the platform has no services',
      },
    ]);
  }
  const engine = await openEngine(platform, paths);
  out.write(`${(await engine.logs(service, tail)).trimEnd()}\n`);
  return ExitCode.ok;
}

export function registerOperate(program: Command): void {
  const load = async (): Promise<Platform> => (await loadPlatform({ configPath: program.opts<{ config?: string }>().config, cwd: process.cwd() })).platform;
  const withPaths = (cmd: Command): Command =>
    cmd.option('-o, --out <dir>', 'bundle directory', 'deploy').option('--secrets <file>', 'secrets store (default: .moat/secrets.env beside the bundle)');

  withPaths(program.command('status').description('each service: state, health, address, URL'))
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: PathOptions & { format: string }) => {
      process.exitCode = await engineErrorsToExit(async () => runStatus(await load(), deployPaths(opts), opts.format));
    });

  withPaths(program.command('logs').description("a service's logs").argument('<service>'))
    .option('-n, --tail <lines>', 'lines from the end', '200')
    .action(async (service: string, opts: PathOptions & { tail: string }) => {
      process.exitCode = await engineErrorsToExit(async () => runLogs(await load(), deployPaths(opts), service, Number(opts.tail)));
    });

  withPaths(program.command('down').description('stop and remove the containers and the network; keeps every volume')).action(async (opts: PathOptions) => {
    process.exitCode = await engineErrorsToExit(async () => {
      const platform = await load();
      await deployDown(await openEngine(platform, deployPaths(opts)));
      process.stderr.write(`moat: ${platform.project} is down; its volumes are kept\n`);
      return ExitCode.ok;
    });
  });

  withPaths(program.command('reset').description('remove everything moat created for this project, volumes and secrets included'))
    .option('--yes', 'do not ask for the project name (scripts)')
    .action(async (opts: PathOptions & { yes?: boolean }) => {
      process.exitCode = await engineErrorsToExit(async () => runReset(await load(), deployPaths(opts), opts.yes === true));
    });

  const secrets = withPaths(program.command('secrets').description('list the secrets (names only unless --show)'))
    .option('--show [name]', 'print the values too (of one secret, if named)')
    .action(async (opts: PathOptions & { show?: boolean | string }) => {
      const only = typeof opts.show === 'string' ? opts.show : undefined;
      process.exitCode = await runSecrets(await load(), deployPaths(opts), opts.show !== undefined, process.stdout, only);
    });
  // --out/--secrets after `rotate NAME` are parsed by `secrets` itself (commander's default), so read both levels.
  secrets
    .command('rotate')
    .description('replace a rotatable secret with a new generated value')
    .argument('<name>')
    .action(async (name: string, _opts: unknown, command: Command) => {
      process.exitCode = await runRotate(await load(), deployPaths(command.optsWithGlobals<PathOptions>()), name);
    });
  registerKubernetesSecrets(secrets, load);
}
