// `moat up [SERVICE...]`: render the bundle and prove it (refusing high or
// critical findings unless --force), write it, make sure every secret exists,
// start the services in dependency order and wait for them, then print each
// service with its state and its URL through the gateway.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { composeEngine } from '../../deploy/compose-engine.js';
import { detectCompose } from '../../deploy/detect-engine.js';
import { EngineCommandError } from '../../deploy/engine.js';
import { enginePing } from '../../deploy/engine-api.js';
import { firstRunSteps } from '../../deploy/first-run.js';
import type { FirstUpOptions } from '../../deploy/first-up.js';
import { dependencyLevels } from '../../deploy/levels.js';
import { statusReport } from '../../deploy/operate.js';
import { createProgress } from '../../deploy/progress.js';
import { createPullProgress } from '../../deploy/pull-progress.js';
import { defaultSecretsPath } from '../../deploy/secrets-store.js';
import { formatRows } from '../../deploy/summary.js';
import { deployUp, formatFailures } from '../../deploy/up.js';
import type { Finding } from '../../model/findings.js';
import { atLeast, ExitCode, UserInputError } from '../../model/findings.js';
import type { Platform } from '../../model/types.js';
import { proveBundle } from '../../proof/bundle.js';
import { COMPOSE_FILE } from '../../render/compose.js';
import { renderBundle } from '../../render/registry.js';
import { withConsoleProgram } from '../console-program.js';
import { recordConsoleState } from '../console-status.js';
import type { Locate } from '../format/located.js';
import { locateFindings } from '../format/located.js';
import { formatFindingText } from '../format/text.js';
import { loadPlatform } from '../load-platform.js';
import { writeBundle } from '../write-bundle.js';

export interface DeployPaths {
  readonly bundleDir: string;
  readonly secretsFile: string;
}

/** The bundle directory (`--out`, default ./deploy) and the secrets store beside it (`--secrets`). */
export function deployPaths(options: { out?: string; secrets?: string }): DeployPaths {
  const bundleDir = resolve(options.out ?? 'deploy');
  return { bundleDir, secretsFile: resolve(options.secrets ?? defaultSecretsPath(bundleDir)) };
}

export interface UpCommandOptions extends DeployPaths {
  readonly services: readonly string[];
  /** Maps a finding's key path to its place in the user's config (loadPlatform's locate). */
  readonly locate?: Locate;
  /** Deploy even when the proof has high or critical findings. */
  readonly force?: boolean;
  readonly stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Seconds between health polls (tests poll faster). */
  readonly pollMs?: number;
  /**
   * The steps after the services are up. Key registration and model pulls
   * reach LiteLLM and Ollama over the platform bridge and run only when asked
   * (`registerKeys`, `pullModels`): the CLI sets both (`--no-models` clears the
   * pulls); callers whose host cannot reach the bridge leave them off.
   */
  readonly firstUp?: Omit<FirstUpOptions, 'pullProgress'>;
}

/** Everything after loading the platform; returns the exit code. */
export async function runUp(platform: Platform, options: UpCommandOptions): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  try {
    return await upAfterLoad(platform, options);
  } catch (error) {
    // A Compose command or the Engine API said no: the engine's state, not a bug in moat.
    if (error instanceof EngineCommandError) {
      stderr.write(`moat: ${error.message}\n  next: fix what the engine reported and run \`moat up\` again; services already healthy are left running.\n`);
      return ExitCode.findings;
    }
    throw error;
  }
}

async function upAfterLoad(platform: Platform, options: UpCommandOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  // No Compose, or no engine behind the socket → exit 3 before anything is written.
  const detected = await detectCompose();
  // Bad service names or a dependency cycle (exit 2) before anything is written.
  const { findings } = dependencyLevels(platform, options.services);
  if (findings.length > 0) throw new UserInputError(findings);
  // The proof (render warnings included), as `moat check` prints it, before anything is written.
  const locate = options.locate ?? (() => undefined);
  const bundle = renderBundle(platform, await withConsoleProgram(platform));
  const proved = proveBundle(platform, bundle);
  const proof = locateFindings(proved.findings, locate);
  stderr.write(formatLocated('findings of the proof (`moat check`)', proof));
  const blocking = proof.filter((f) => atLeast(f.severity, 'high'));
  if (blocking.length > 0 && options.force !== true) {
    stderr.write(
      `moat: refusing to deploy: ${blocking.length} high or critical finding(s) above.\n  next: fix the config (\`moat check\` explains each), or \`moat up --force\` to deploy anyway.\n`,
    );
    return ExitCode.findings;
  }
  if (blocking.length > 0) stderr.write(`moat: deploying despite ${blocking.length} high or critical finding(s) (--force)\n`);
  await enginePing(detected.endpoint);
  // The same writer as `moat plan`: it never overwrites a file the user put in the bundle.
  await writeBundle(options.bundleDir, bundle.files);
  const engine = composeEngine(
    detected.flavour,
    {
      project: platform.project,
      bundleDir: options.bundleDir,
      composeFile: resolve(options.bundleDir, COMPOSE_FILE),
    },
    detected.endpoint,
  );
  stderr.write(`moat: bundle written to ${options.bundleDir}; starting ${platform.project} with ${engine.name} ${detected.version}\n`);
  const names = options.services.length > 0 ? options.services : platform.services.map((s) => s.name);
  const result = await deployUp(platform, {
    engine,
    bundleDir: options.bundleDir,
    secretsFile: options.secretsFile,
    services: options.services,
    progress: createProgress(names, stderr),
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    firstUp: { ...(options.firstUp ?? {}), pullProgress: createPullProgress(stderr) },
  });
  // What the console shows (console/state/): each service's state as `moat status` sees it now.
  const seen = await statusReport(platform, engine).catch(() => undefined);
  await recordConsoleState(platform, options.bundleDir, { matrix: proved.matrix, ...(seen ? { status: seen } : {}) }, stderr);
  if (result.generatedSecrets.length > 0) {
    stderr.write(
      `moat: generated ${result.generatedSecrets.length} secret(s) into ${options.secretsFile} (mode 0600): ${result.generatedSecrets.join(', ')}\n`,
    );
  }
  stdout.write(formatRows(result.rows));
  if (result.models) {
    const { present, pulled } = result.models;
    stdout.write(
      `\nModels in Ollama: ${[...present, ...pulled].join(', ') || '(none configured)'}${pulled.length > 0 ? ` (pulled now: ${pulled.join(', ')})` : ''}\n`,
    );
  }
  if (!result.ok) {
    stderr.write(formatFailures(result.failures));
    return ExitCode.findings;
  }
  stdout.write(firstRunSteps(platform, { execCommand: (service, argv) => engine.execCommand(service, argv) }));
  return ExitCode.ok;
}

/** One block per finding (the `moat check` text form) under a counted heading; nothing when there are none. */
function formatLocated(title: string, findings: readonly Finding[]): string {
  if (findings.length === 0) return '';
  return `moat: ${findings.length} ${title}:\n${findings.map((f) => `${formatFindingText(f)}\n`).join('')}\n`;
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('render the bundle, start the services in dependency order, wait until they are healthy')
    .argument('[service...]', 'start only these services (and what they depend on)')
    .option('-o, --out <dir>', 'bundle directory', 'deploy')
    .option('--secrets <file>', 'secrets store (default: .moat/secrets.env beside the bundle)')
    .option('--force', 'deploy even when the proof (`moat check`) has high or critical findings')
    .option('--no-models', 'do not pull the models of moat.yaml into Ollama at the end (`moat models pull` does it later)')
    .option('--ollama-url <url>', "Ollama's API as this host reaches it (default: its static address on the platform network)")
    .option('--litellm-url <url>', "LiteLLM's API as this host reaches it (default: its static address on the platform network)")
    .action(
      async (services: string[], opts: { out?: string; secrets?: string; force?: boolean; models?: boolean; ollamaUrl?: string; litellmUrl?: string }) => {
        const { platform, locate } = await loadPlatform({ configPath: program.opts<{ config?: string }>().config, cwd: process.cwd() });
        const firstUp: Omit<FirstUpOptions, 'pullProgress'> = {
          registerKeys: true,
          knowledgeKey: true,
          pullModels: opts.models !== false,
          ...(opts.ollamaUrl === undefined ? {} : { ollamaUrl: opts.ollamaUrl }),
          ...(opts.litellmUrl === undefined ? {} : { litellmUrl: opts.litellmUrl }),
        };
        process.exitCode = await runUp(platform, { ...deployPaths(opts), services, locate, force: opts.force === true, firstUp });
      },
    );
}
