// `moat upgrade [SERVICE] [--to VERSION]` and `moat outdated`. The upgrade
// backs up first (moat backup's createBackup; the passphrase as `moat backup`
// reads it, never from argv), then runs src/deploy/upgrade.ts, and records a
// healthy new tag in moat.yaml (created if the platform is the built-in one).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { KNOWN_RELEASES } from '../../catalog/upstream/releases.js';
import { createBackup, engineBackupTarget } from '../../deploy/backup/index.js';
import { composeEngine } from '../../deploy/compose-engine.js';
import { detectCompose } from '../../deploy/detect-engine.js';
import { enginePing } from '../../deploy/engine-api.js';
import { ensureServiceEnvFiles } from '../../deploy/operate.js';
import type { BackupBeforeUpgrade, UpgradeOutcome } from '../../deploy/upgrade.js';
import { upgradeServices } from '../../deploy/upgrade.js';
import type { OutdatedEntry } from '../../deploy/upgrade-plan.js';
import { outdatedServices, planUpgrade } from '../../deploy/upgrade-plan.js';
import { recordImage } from '../../deploy/upgrade-record.js';
import { snapshotDir } from '../../deploy/volume-snapshot.js';
import { ExitCode, UserInputError } from '../../model/findings.js';
import { DEFAULT_CONFIG_NAME } from '../../model/load.js';
import type { Platform } from '../../model/types.js';
import { COMPOSE_FILE } from '../../render/compose.js';
import { renderBundle } from '../../render/registry.js';
import { withConsoleProgram } from '../console-program.js';
import { loadPlatform } from '../load-platform.js';
import { moatVersion } from '../main.js';
import { writeBundle } from '../write-bundle.js';
import { defaultBackupDir, type PassphraseOptions, readPassphrase } from './backup.js';
import { engineErrorsToExit } from './operate.js';
import { deployPaths } from './up.js';

export interface UpgradeCommandOptions extends PassphraseOptions {
  readonly out?: string;
  readonly secrets?: string;
  readonly to?: string;
  readonly allowMajor?: boolean;
  /** false with --no-backup. */
  readonly backup?: boolean;
  readonly backupDir?: string;
}

/** `moat outdated` as text: one row per service, current → newest, the step, the release date and where it is recorded. */
export function formatOutdated(entries: readonly OutdatedEntry[]): string {
  if (entries.length === 0) return 'every pinned image is the newest release the catalog knows\n';
  const rows = entries.map((e) => [e.service, e.image, `${e.current} → ${e.newest.tag}`, e.change, e.newest.released, e.newest.source]);
  const head = ['SERVICE', 'IMAGE', 'PINNED → NEWEST', 'STEP', 'RELEASED', 'SOURCE'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}\n`;
  return line(head) + rows.map(line).join('');
}

export function runOutdated(platform: Platform, format: string, out: NodeJS.WritableStream = process.stdout): number {
  if (format !== 'text' && format !== 'json') {
    throw new UserInputError([
      {
        code: 'cli.invalid-option',
        severity: 'high',
        path: '--format',
        message: `unknown format ${JSON.stringify(format)}`,
        hint: 'use --format text or --format json',
      },
    ]);
  }
  const entries = outdatedServices(platform);
  out.write(format === 'json' ? `${JSON.stringify(entries, null, 2)}\n` : formatOutdated(entries));
  return entries.length > 0 ? ExitCode.findings : ExitCode.ok;
}

function describe(outcome: UpgradeOutcome): string {
  const { service, from, to } = outcome.step;
  switch (outcome.kind) {
    case 'upgraded':
      return `moat: ${service} upgraded ${from} → ${to}, healthy; recorded in moat.yaml (volume snapshot kept: ${outcome.snapshots.map((s) => s.file).join(', ') || 'no volumes'})\n`;
    case 'recorded':
      return `moat: ${service} is not deployed; moat.yaml now pins ${to}, and \`moat up ${service}\` starts it\n`;
    case 'not-started':
      return `moat: ${service} not upgraded, nothing changed: ${outcome.reason}\n`;
    case 'rolled-back': {
      const logs =
        outcome.logTail.trim() === ''
          ? '    (the new version logged nothing)'
          : outcome.logTail
              .trimEnd()
              .split('\n')
              .map((l) => `    ${l}`)
              .join('\n');
      const back = outcome.restored
        ? `rolled back to ${from} with its data as it was before the upgrade; it is healthy`
        : `ROLLBACK INCOMPLETE (${outcome.restoreProblem ?? 'unknown'}): the snapshot is in ${outcome.snapshots.map((s) => s.file).join(', ') || '(no volumes)'}; \`moat restore\` the backup taken before the upgrade`;
      return `moat: ${service} ${to} failed: ${outcome.reason}\n  ${back}\n  last log lines of ${to}:\n${logs}\n  moat.yaml still pins ${from}.\n`;
    }
  }
}

export async function runUpgrade(
  platform: Platform,
  configFile: string,
  service: string | undefined,
  opts: UpgradeCommandOptions,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const { steps, findings, held } = planUpgrade(platform, {
    ...(service === undefined ? {} : { service }),
    ...(opts.to === undefined ? {} : { to: opts.to }),
    allowMajor: opts.allowMajor === true,
  });
  if (findings.length > 0) throw new UserInputError(findings);
  for (const h of held)
    err.write(`moat: ${h.service}: held back from ${h.newest}: ${h.why}; \`moat upgrade ${h.service} --to TAG --allow-major\` when ready\n`);
  if (steps.length === 0) {
    err.write('moat: nothing to upgrade: every pinned image is the newest release the catalog knows (`moat outdated`)\n');
    return ExitCode.ok;
  }
  for (const s of steps) err.write(`moat: ${s.service}: ${s.from} → ${s.to} (${s.change})\n`);
  const paths = deployPaths(opts);
  const passphrase = opts.backup === false ? undefined : await readPassphrase(opts);
  const detected = await detectCompose();
  await enginePing(detected.endpoint);
  const composeFile = resolve(paths.bundleDir, COMPOSE_FILE);
  await writeBundle(paths.bundleDir, renderBundle(platform, await withConsoleProgram(platform)).files);
  await ensureServiceEnvFiles(platform, paths.bundleDir, paths.secretsFile);
  const engine = composeEngine(detected.flavour, { project: platform.project, bundleDir: paths.bundleDir, composeFile }, detected.endpoint);
  const backup: BackupBeforeUpgrade | undefined =
    passphrase === undefined
      ? undefined
      : async () => {
          err.write('moat: backing up before the upgrade\n');
          const target = engineBackupTarget(engine, detected.endpoint, platform);
          const r = await createBackup(target, {
            platform,
            to: resolve(opts.backupDir ?? defaultBackupDir(paths.bundleDir)),
            bundleDir: paths.bundleDir,
            secretsFile: paths.secretsFile,
            passphrase,
            moatVersion: moatVersion(),
          });
          if (!r.complete || r.restartFailures.length > 0) {
            const what = [
              ...r.failures.map((f) => `${f.part}: ${f.message}`),
              ...r.restartFailures.map((f) => `${f.service} did not restart: ${f.reason}`),
            ].join('; ');
            throw new UserInputError([
              {
                code: 'deploy.upgrade.no-backup',
                severity: 'high',
                path: r.dir,
                message: `the backup before the upgrade is incomplete (${what}); nothing was upgraded`,
                hint: 'fix what the backup reported and run again, or take a backup yourself and pass --no-backup',
              },
            ]);
          }
          err.write(`moat: backup written: ${r.dir}\n`);
          return { location: r.dir };
        };
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const result = await upgradeServices(platform, steps, {
    engine,
    endpoint: detected.endpoint,
    render: async (p) => void (await writeBundle(paths.bundleDir, renderBundle(p, await withConsoleProgram(p)).files)),
    record: (name, image) => recordImage(configFile, name, image),
    ...(backup === undefined ? {} : { backup }),
    snapshotDir: (name) => snapshotDir(paths.secretsFile, name, stamp),
    say: (line) => err.write(`moat: ${line}\n`),
  });
  for (const outcome of result.outcomes) err.write(describe(outcome));
  const skipped = steps.slice(result.outcomes.length);
  if (skipped.length > 0) err.write(`moat: not attempted after that failure: ${skipped.map((s) => s.service).join(', ')}\n`);
  return result.outcomes.every((o) => o.kind === 'upgraded' || o.kind === 'recorded') && skipped.length === 0 ? ExitCode.ok : ExitCode.findings;
}

export function registerUpgrade(program: Command): void {
  const loaded = async () => loadPlatform({ configPath: program.opts<{ config?: string }>().config, cwd: process.cwd() });
  program
    .command('upgrade')
    .description('back up, then move a service (or every outdated one) to a newer image; rolls back image and data if it does not become healthy')
    .argument('[service]', 'the service to upgrade (default: every service with a newer release known to the catalog)')
    .option('--to <version>', 'the image tag to move to (default: the newest release the catalog knows)')
    .option('--allow-major', "allow a data service's format-changing step (PostgreSQL or Redis major, Weaviate minor)")
    .option('--no-backup', 'skip the backup before the upgrade (the volume snapshot for the rollback is still taken)')
    .option('--backup-dir <dir>', 'where the backup goes (default: .moat/backups beside the bundle)')
    .option('--passphrase-file <file>', "file holding the backup's passphrase (`-` = stdin)")
    .option('--passphrase-env <name>', "environment variable holding the backup's passphrase")
    .option('-o, --out <dir>', 'bundle directory', 'deploy')
    .option('--secrets <file>', 'secrets store (default: .moat/secrets.env beside the bundle)')
    .addHelpText(
      'after',
      '\nExit codes: 0 upgraded (or nothing to do), 1 an upgrade failed and was rolled back, 2 refused (see the finding), 3 no engine.\nKnown releases: src/catalog/upstream/releases.ts (`moat outdated` lists them).',
    )
    .action(async (service: string | undefined, opts: UpgradeCommandOptions) => {
      const { platform, configFile } = await loaded();
      const config = configFile ?? resolve(process.cwd(), DEFAULT_CONFIG_NAME);
      process.exitCode = await engineErrorsToExit(async () => runUpgrade(platform, config, service, opts));
    });
  program
    .command('outdated')
    .description('list pinned images with newer releases known to the catalog')
    .option('--format <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `\nExit codes: 0 nothing is outdated, 1 at least one pinned image has a newer known release.\nThe catalog knows releases of: ${Object.keys(KNOWN_RELEASES).sort().join(', ')} (no network access: recorded by hand, each with its date and source).`,
    )
    .action(async (opts: { format: string }) => {
      process.exitCode = runOutdated((await loaded()).platform, opts.format);
    });
}
