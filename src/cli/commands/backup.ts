// `moat backup` and `moat restore`. The passphrase that encrypts the secrets
// part comes from a file, an environment variable named on the command line,
// or stdin: never from argv itself, where `ps` and shell history keep it.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createBackup, engineBackupTarget, restoreBackup } from '../../deploy/backup/index.js';
import { backupPlan } from '../../deploy/backup/plan.js';
import { composeEngine } from '../../deploy/compose-engine.js';
import { detectCompose } from '../../deploy/detect-engine.js';
import { enginePing } from '../../deploy/engine-api.js';
import { ensureServiceEnvFiles } from '../../deploy/operate.js';
import { createProgress } from '../../deploy/progress.js';
import { ExitCode, UserInputError } from '../../model/findings.js';
import type { Platform } from '../../model/types.js';
import { COMPOSE_FILE } from '../../render/compose.js';
import { renderBundle } from '../../render/registry.js';
import { outcome, recordConsoleState } from '../console-status.js';
import { loadPlatform } from '../load-platform.js';
import { moatVersion } from '../main.js';
import { writeBundle } from '../write-bundle.js';
import { engineErrorsToExit } from './operate.js';
import type { DeployPaths } from './up.js';
import { deployPaths } from './up.js';

export interface PassphraseOptions {
  readonly passphraseFile?: string;
  readonly passphraseEnv?: string;
}

const refuse = (code: 'backup.no-passphrase' | 'backup.invalid-option', path: string, message: string, hint: string): UserInputError =>
  new UserInputError([{ code, severity: 'high', path, message, hint }]);

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** File (`-` = stdin), env var, or piped stdin; one trailing newline is not part of it. */
export async function readPassphrase(
  options: PassphraseOptions,
  stdin: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  let text: string | undefined;
  let from = 'stdin';
  if (options.passphraseFile !== undefined && options.passphraseFile !== '-') {
    from = options.passphraseFile;
    text = await readFile(options.passphraseFile, 'utf8');
  } else if (options.passphraseEnv !== undefined) {
    from = `$${options.passphraseEnv}`;
    text = env[options.passphraseEnv];
    if (text === undefined)
      throw refuse(
        'backup.no-passphrase',
        '--passphrase-env',
        `the environment has no variable ${options.passphraseEnv}`,
        `export ${options.passphraseEnv} first, or use --passphrase-file FILE`,
      );
  } else if (options.passphraseFile === '-' || stdin.isTTY !== true) {
    text = await readAll(stdin);
  } else {
    throw refuse(
      'backup.no-passphrase',
      '--passphrase-file',
      'no passphrase given for the secrets part',
      'pass --passphrase-file FILE (mode 0600), --passphrase-env NAME, or pipe it on stdin; never on the command line',
    );
  }
  const passphrase = text.replace(/\r?\n$/, '');
  if (passphrase.trim() === '')
    throw refuse('backup.no-passphrase', from, `the passphrase from ${from} is empty`, "use a long passphrase; it is the only key to the backup's secrets");
  return passphrase;
}

async function openTarget(platform: Platform, paths: DeployPaths) {
  const detected = await detectCompose();
  await enginePing(detected.endpoint);
  if (!existsSync(resolve(paths.bundleDir, COMPOSE_FILE))) await writeBundle(paths.bundleDir, renderBundle(platform, {}, ['compose']).files);
  await ensureServiceEnvFiles(platform, paths.bundleDir, paths.secretsFile);
  const engine = composeEngine(
    detected.flavour,
    { project: platform.project, bundleDir: paths.bundleDir, composeFile: resolve(paths.bundleDir, COMPOSE_FILE) },
    detected.endpoint,
  );
  return engineBackupTarget(engine, detected.endpoint, platform);
}

/** Default: `.moat/backups` beside the bundle (git-ignored with the store); copy backups off the host too. */
export function defaultBackupDir(bundleDir: string): string {
  return join(dirname(bundleDir), '.moat', 'backups');
}

interface BackupCommandOptions extends PassphraseOptions {
  out?: string;
  secrets?: string;
  to?: string;
  keep?: string;
}

export async function runBackup(
  platform: Platform,
  opts: BackupCommandOptions,
  err: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): Promise<number> {
  const keep = opts.keep === undefined ? undefined : Number(opts.keep);
  if (keep !== undefined && (!Number.isInteger(keep) || keep < 1))
    throw refuse('backup.invalid-option', '--keep', `--keep must be a whole number of at least 1, not ${JSON.stringify(opts.keep)}`, 'e.g. --keep 7');
  const paths = deployPaths(opts);
  const passphrase = await readPassphrase(opts);
  const target = await openTarget(platform, paths);
  const progress = createProgress(
    backupPlan(platform).parts.map((p) => p.name),
    err,
  );
  const result = await createBackup(target, {
    platform,
    to: resolve(opts.to ?? defaultBackupDir(paths.bundleDir)),
    bundleDir: paths.bundleDir,
    secretsFile: paths.secretsFile,
    passphrase,
    moatVersion: moatVersion(),
    ...(keep === undefined ? {} : { keep }),
    progress,
  });
  const bytes = result.manifest.parts.reduce((sum, p) => sum + p.size, 0);
  err.write(`moat: backup ${result.complete ? 'written' : 'INCOMPLETE'}: ${result.dir} (${result.manifest.parts.length} parts, ${bytes} bytes)\n`);
  for (const f of result.failures) err.write(`  missing ${f.part}: ${f.message}\n`);
  for (const f of result.restartFailures) err.write(`  ${f.service} did not come back after its snapshot: ${f.reason}; \`moat logs ${f.service}\`\n`);
  for (const d of result.deleted) err.write(`  removed older backup ${d} (--keep ${keep})\n`);
  const ok = result.complete && result.restartFailures.length === 0;
  const missing = result.failures.map((f) => f.part).join(', ');
  await recordConsoleState(
    platform,
    paths.bundleDir,
    {
      run: {
        kind: 'backup',
        outcome: outcome(ok ? 'ok' : 'failed', `${result.manifest.parts.length} parts, ${bytes} bytes${missing ? `; missing ${missing}` : ''}`),
      },
    },
    err,
  );
  return ok ? ExitCode.ok : ExitCode.findings;
}

interface RestoreCommandOptions extends PassphraseOptions {
  out?: string;
  secrets?: string;
  only?: string[];
  replaceKeys?: boolean;
}

export async function runRestore(
  platform: Platform,
  backupDir: string,
  opts: RestoreCommandOptions,
  err: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): Promise<number> {
  const paths = deployPaths(opts);
  const passphrase = await readPassphrase(opts);
  const target = await openTarget(platform, paths);
  const result = await restoreBackup(target, {
    platform,
    backupDir: resolve(backupDir),
    secretsFile: paths.secretsFile,
    bundleDir: paths.bundleDir,
    passphrase,
    ...(opts.only ? { only: opts.only } : {}),
    replaceKeys: opts.replaceKeys === true,
    progress: createProgress([], err),
  });
  err.write(
    `moat: restored ${result.restored.length} part(s) from ${backupDir}${result.keysReplaced.length > 0 ? `; never-rotate keys replaced: ${result.keysReplaced.join(', ')}` : ''}\n`,
  );
  if (result.restored.includes('secrets')) err.write('  next: `moat up`, so services that were not restarted read the restored secrets too\n');
  for (const f of result.failures) err.write(`  failed ${f.part}: ${f.message}\n`);
  for (const f of result.startFailures) err.write(`  ${f.service} is not healthy: ${f.reason}; \`moat logs ${f.service}\`\n`);
  return result.ok ? ExitCode.ok : ExitCode.findings;
}

export function registerBackup(program: Command): void {
  const load = async (): Promise<Platform> => (await loadPlatform({ configPath: program.opts<{ config?: string }>().config, cwd: process.cwd() })).platform;
  const common = (cmd: Command): Command =>
    cmd
      .option('-o, --out <dir>', 'bundle directory', 'deploy')
      .option('--secrets <file>', 'secrets store (default: .moat/secrets.env beside the bundle)')
      .option('--passphrase-file <file>', 'file holding the passphrase of the secrets part (- = stdin)')
      .option('--passphrase-env <name>', 'environment variable holding the passphrase');

  common(program.command('backup').description("back up every service's data, the bundle and the encrypted secrets store into one dated directory"))
    .option('--to <dir>', 'where backups go (default: .moat/backups beside the bundle)')
    .option('--keep <n>', 'keep the N newest complete backups there, delete older ones')
    .action(async (opts: BackupCommandOptions) => {
      process.exitCode = await engineErrorsToExit(async () => runBackup(await load(), opts));
    });

  common(
    program
      .command('restore')
      .description('check a backup, then restore it: only the services it restores are stopped')
      .argument('<backup>', 'a backup directory written by moat backup'),
  )
    .option('--only <part...>', 'restore only these parts (names from the manifest, a prefix like postgres/dify-db, or a service)')
    .option('--replace-keys', "accept never-rotate keys that differ from the live store (the backup's are written into it)")
    .action(async (backup: string, opts: RestoreCommandOptions) => {
      process.exitCode = await engineErrorsToExit(async () => runRestore(await load(), backup, opts));
    });
}
