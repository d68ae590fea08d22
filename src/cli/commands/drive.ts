// `moat drive connect | sync | status`: Google Drive through the gdrive
// service's rclone (src/deploy/drive). A credential is read from a file or
// standard input, never from an argument (argv is visible to every user
// through /proc and stays in shell history). Exit codes: 0 done; 1 rclone or
// the sync failed (status says why); 2 bad input; 3 rclone cannot be reached.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { DriveCredential, DriveScope } from '../../deploy/drive/connect.js';
import { AUTHORIZE_COMMAND, DRIVE_REMOTE, DRIVE_SCOPES, listRemotes, parseServiceAccount, parseToken } from '../../deploy/drive/connect.js';
import { connectDrive, DriveSetupError, driveDataPath, driveRc, readDriveState, syncDrive } from '../../deploy/drive/drive.js';
import type { RcClient } from '../../deploy/drive/rc.js';
import { RcError, RcUnreachableError } from '../../deploy/drive/rc.js';
import { credentialRefusedHint } from '../../deploy/drive/refused.js';
import { readStats } from '../../deploy/drive/sync.js';
import { printable, syncLine, syncProgress } from '../../deploy/knowledge/progress.js';
import { formatBytes } from '../../deploy/pull-progress.js';
import { ExitCode, UserInputError } from '../../model/findings.js';
import { serviceByName } from '../../model/lookup.js';
import type { Platform } from '../../model/types.js';
import { loadPlatform } from '../load-platform.js';
import type { KnowledgeIo, ServiceOpts as Opts } from './knowledge.js';
import { apiGuard, ioFrom, runKnowledgeSync, withServiceOptions } from './knowledge.js';
import type { DeployPaths } from './up.js';
import { deployPaths } from './up.js';

type Out = NodeJS.WritableStream & { isTTY?: boolean };

const MAX_CREDENTIAL_BYTES = 64 * 1024;

export interface DriveIo extends KnowledgeIo {
  readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly pollMs?: number;
  /** rclone options for the sync call (tests: fewer retries). */
  readonly syncConfig?: Readonly<Record<string, unknown>>;
}

function sourceError(message: string): UserInputError {
  return new UserInputError([
    {
      code: 'deploy.drive.credential-source',
      severity: 'high',
      path: 'moat drive connect',
      message,
      hint: `pass --service-account FILE, or --token-file FILE, or paste the output of \`${AUTHORIZE_COMMAND}\` on standard input`,
    },
  ]);
}

async function readCredentialFile(file: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  if (text.length > MAX_CREDENTIAL_BYTES) throw sourceError(`${file} is larger than ${MAX_CREDENTIAL_BYTES / 1024} KB: not a key or a token`);
  return text;
}

/** Standard input up to EOF, or on a terminal up to the first complete JSON object (the paste ends there). */
async function readStdin(stdin: NodeJS.ReadableStream & { isTTY?: boolean }, stderr: Out): Promise<string> {
  if (stdin.isTTY === true)
    stderr.write(`Paste the token that \`${AUTHORIZE_COMMAND}\` printed on a machine with a browser, then press Enter (Ctrl-D to end):\n`);
  let text = '';
  for await (const chunk of stdin as AsyncIterable<Buffer | string>) {
    text += chunk.toString();
    if (text.length > MAX_CREDENTIAL_BYTES) throw sourceError(`standard input is larger than ${MAX_CREDENTIAL_BYTES / 1024} KB: not a token`);
    if (stdin.isTTY === true) {
      const start = text.indexOf('{');
      const end = text.lastIndexOf('}');
      if (start >= 0 && end > start) {
        try {
          JSON.parse(text.slice(start, end + 1));
          break;
        } catch {
          // not complete yet
        }
      }
    }
  }
  return text;
}

export interface ConnectOptions {
  readonly serviceAccount?: string;
  readonly tokenFile?: string;
  readonly scope?: string;
  readonly rootFolderId?: string;
}

export async function readCredential(options: ConnectOptions, io: DriveIo, stderr: Out): Promise<DriveCredential> {
  if (options.serviceAccount !== undefined && options.tokenFile !== undefined)
    throw sourceError('both --service-account and --token-file were given; a remote has one credential');
  if (options.serviceAccount !== undefined) return parseServiceAccount(await readCredentialFile(options.serviceAccount), options.serviceAccount);
  if (options.tokenFile !== undefined) return parseToken(await readCredentialFile(options.tokenFile), options.tokenFile);
  const stdin = io.stdin ?? process.stdin;
  const text = await readStdin(stdin, stderr);
  if (text.trim() === '') throw sourceError('no credential: standard input was empty');
  return parseToken(text, 'standard input');
}

function scopeOf(scope: string | undefined): DriveScope {
  const value = scope ?? 'drive.readonly';
  if (!(DRIVE_SCOPES as readonly string[]).includes(value)) {
    throw new UserInputError([
      {
        code: 'deploy.drive.bad-option',
        severity: 'high',
        path: '--scope',
        message: `--scope ${JSON.stringify(value)} is not a Drive scope moat uses`,
        hint: `use one of ${DRIVE_SCOPES.join(', ')} (drive.readonly is enough to sync from Drive)`,
      },
    ]);
  }
  return value as DriveScope;
}

async function rcFor(platform: Platform, paths: DeployPaths, io: DriveIo): Promise<RcClient> {
  return io.rc ?? driveRc(platform, paths.secretsFile, io.rcUrl);
}

export async function runDriveConnect(platform: Platform, paths: DeployPaths, options: ConnectOptions, io: DriveIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const scope = scopeOf(options.scope);
  const credential = await readCredential(options, io, stderr);
  return apiGuard(stderr, async () => {
    const rc = await rcFor(platform, paths, io);
    await connectDrive(rc, paths.secretsFile, credential, { scope, ...(options.rootFolderId === undefined ? {} : { rootFolderId: options.rootFolderId }) });
    const who =
      credential.kind === 'service-account' ? `service account ${printable(credential.clientEmail)} (share the Drive folder with it)` : 'an OAuth token';
    stdout.write(`drive: remote ${DRIVE_REMOTE} connected with ${who}, scope ${scope}; the credential is in the secrets store\n  next: \`moat drive sync\`\n`);
    return ExitCode.ok;
  });
}

export async function runDriveSync(
  platform: Platform,
  paths: DeployPaths,
  options: { knowledge?: boolean; workspace?: string; srcFs?: string },
  io: DriveIo = {},
): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const synced = await apiGuard(stderr, async () => {
    const rc = await rcFor(platform, paths, io);
    if (options.srcFs === undefined && !(await listRemotes(rc)).includes(DRIVE_REMOTE)) {
      stderr.write(
        `moat: rclone has no ${DRIVE_REMOTE} remote yet\n  next: \`moat drive connect --service-account FILE\`, or \`moat drive connect\` with the token of \`${AUTHORIZE_COMMAND}\` on standard input\n`,
      );
      return ExitCode.findings;
    }
    const progress = syncProgress(stderr);
    const result = await syncDrive(rc, paths.secretsFile, {
      dstFs: io.dataFs ?? driveDataPath(platform),
      ...(options.srcFs === undefined ? {} : { srcFs: options.srcFs }),
      ...(io.pollMs === undefined ? {} : { pollMs: io.pollMs }),
      ...(io.syncConfig === undefined ? {} : { config: io.syncConfig }),
      onStats: (s) => progress.update(s),
    });
    progress.done();
    const s = result.stats;
    stdout.write(
      `drive: ${result.success ? 'synced' : 'sync FAILED'}: ${s.transfers} files copied (${formatBytes(s.bytes)}), ${s.deletes} deleted, ${s.checks} unchanged, ${s.errors} errors in ${result.duration.toFixed(1)} s\n`,
    );
    if (!result.success) {
      const refused = credentialRefusedHint(result.error) ?? credentialRefusedHint(s.lastError);
      stderr.write(
        `moat: rclone: ${printable(result.error ?? s.lastError ?? 'the sync failed')}${s.lastError !== undefined && s.lastError !== result.error ? `\n  last error: ${printable(s.lastError)}` : ''}\n  next: ${refused ?? "`moat drive status`; `moat logs gdrive` has rclone's own log"}\n`,
      );
      return ExitCode.findings;
    }
    return ExitCode.ok;
  });
  if (synced !== ExitCode.ok) {
    if (options.knowledge !== false) stderr.write('moat: the knowledge step did not run (the sync did not finish)\n');
    return synced;
  }
  if (options.knowledge === false) return ExitCode.ok;
  if (io.anythingllmUrl === undefined && serviceByName(platform, 'anythingllm') === undefined) {
    stderr.write('moat: the platform has no anythingllm service: the knowledge step is skipped\n');
    return ExitCode.ok;
  }
  return runKnowledgeSync(platform, paths, options.workspace, io);
}

export async function runDriveStatus(platform: Platform, paths: DeployPaths, format: string, io: DriveIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  if (format !== 'text' && format !== 'json')
    throw new UserInputError([
      {
        code: 'cli.invalid-option',
        severity: 'high',
        path: '--format',
        message: `unknown format ${JSON.stringify(format)}`,
        hint: 'use --format text or --format json',
      },
    ]);
  const state = await readDriveState(paths.secretsFile);
  const live: {
    reachable: boolean;
    why?: string;
    remotes?: string[];
    volume?: { files: number; bytes: number };
    running?: { jobid: number; stats: ReturnType<typeof readStats> }[];
  } = { reachable: false };
  try {
    const rc = await rcFor(platform, paths, io);
    const dataFs = io.dataFs ?? driveDataPath(platform);
    const size = await rc.call<{ count?: number; bytes?: number }>('operations/size', { fs: dataFs });
    const jobs = await rc.call<{ runningIds?: number[] }>('job/list');
    const running = [];
    for (const jobid of jobs.runningIds ?? []) running.push({ jobid, stats: readStats(await rc.call('core/stats', { group: `job/${jobid}` })) });
    Object.assign(live, { reachable: true, remotes: await listRemotes(rc), volume: { files: size.count ?? 0, bytes: size.bytes ?? 0 }, running });
  } catch (error) {
    if (!(error instanceof RcUnreachableError || error instanceof RcError || error instanceof DriveSetupError)) throw error;
    live.why = (error as Error).message;
  }
  if (format === 'json') {
    stdout.write(`${JSON.stringify({ state, live }, null, 2)}\n`);
    return ExitCode.ok;
  }
  const lines: string[] = [];
  lines.push(
    state.remote
      ? `remote: ${state.remote.name} (${state.remote.type}, ${state.remote.credential}, scope ${state.remote.scope}), connected ${state.remote.connectedAt}`
      : 'remote: not connected (`moat drive connect`)',
  );
  if (live.reachable && live.remotes && !live.remotes.includes(DRIVE_REMOTE))
    lines.push(`  rclone has no ${DRIVE_REMOTE} remote now (the gdrive-config volume was reset?): \`moat drive connect\` again`);
  const last = state.lastSync;
  if (last) {
    lines.push(
      `last sync: ${last.success ? 'ok' : 'FAILED'} at ${last.finishedAt}: ${last.files} files copied (${formatBytes(last.bytes)}), ${last.deletes} deleted, ${last.checks} unchanged, ${last.errors} errors`,
    );
    if (!last.success || last.lastError) lines.push(`  error: ${printable(last.error ?? last.lastError ?? '?')}`);
    const refused = last.success ? undefined : (credentialRefusedHint(last.error) ?? credentialRefusedHint(last.lastError));
    if (refused !== undefined) lines.push(`  next: ${refused}`);
  } else lines.push('last sync: never (`moat drive sync`)');
  lines.push(`last successful sync: ${state.lastSuccess ?? 'never'}`);
  if (live.reachable) {
    lines.push(`synced files: ${live.volume?.files ?? 0} (${formatBytes(live.volume?.bytes ?? 0)})`);
    for (const r of live.running ?? []) lines.push(`running: job ${r.jobid}: ${syncLine(r.stats)}`);
  } else lines.push(`rclone: not reachable (${printable(live.why ?? '?')})`);
  stdout.write(`${lines.join('\n')}\n`);
  return last && !last.success ? ExitCode.findings : ExitCode.ok;
}

export function registerDrive(program: Command): void {
  const load = async () => (await loadPlatform({ configPath: program.opts<{ config?: string }>().config, cwd: process.cwd() })).platform;
  const drive = program.command('drive').description('Google Drive through rclone: connect, sync, status');
  withServiceOptions(
    drive
      .command('connect')
      .description('create the Drive remote from a service-account key or an `rclone authorize "drive"` token (file or standard input, never an argument)'),
  )
    .option('--service-account <file>', 'a Google service-account key (JSON); share the Drive folder with its client_email')
    .option('--token-file <file>', 'the output of `rclone authorize "drive"` (default: read from standard input)')
    .option('--scope <scope>', `Drive scope: ${DRIVE_SCOPES.join(', ')}`, 'drive.readonly')
    .option('--root-folder-id <id>', 'sync only this folder (the last part of its URL)')
    .action(async (opts: Opts & ConnectOptions) => {
      process.exitCode = await runDriveConnect(await load(), deployPaths(opts), opts, ioFrom(opts));
    });
  withServiceOptions(
    drive.command('sync').description('sync Drive into the gdrive-data volume now, then the knowledge step (the host timer runs this on schedule)'),
  )
    .option('--no-knowledge', 'only sync the files; skip `moat knowledge sync`')
    .action(async (opts: Opts & { knowledge?: boolean }) => {
      process.exitCode = await runDriveSync(
        await load(),
        deployPaths(opts),
        { ...(opts.knowledge === false ? { knowledge: false } : {}), ...(opts.workspace === undefined ? {} : { workspace: opts.workspace }) },
        ioFrom(opts),
      );
    });
  withServiceOptions(drive.command('status').description('the remote, the last sync (files, bytes, errors), the synced files, a running sync'))
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: Opts & { format: string }) => {
      process.exitCode = await runDriveStatus(await load(), deployPaths(opts), opts.format, ioFrom(opts));
    });
}
