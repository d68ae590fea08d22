// What `moat drive connect|sync|status` do, over the gdrive service's rc at its
// static address on the platform bridge (as models.ts reaches Ollama), with
// the rc user and password of the secrets store (the service's RCLONE_RC_USER
// env and its RCLONE_RC_PASS secret). Every URL is injectable for tests.
import { serviceByName } from '../../model/lookup.js';
import type { Platform } from '../../model/types.js';
import { readSecrets, writeSecrets } from '../secrets-store.js';
import { platformServiceUrl } from '../service-url.js';
import type { DriveCredential, DriveOptions } from './connect.js';
import { connectRemote, DRIVE_REMOTE, DRIVE_SERVICE_ACCOUNT_SECRET, DRIVE_TOKEN_SECRET, driveParameters } from './connect.js';
import type { RcClient } from './rc.js';
import { rcClient } from './rc.js';
import type { DriveState } from './state.js';
import { DriveState as DriveStateSchema, readJsonState, stateFileBeside, writeJsonState } from './state.js';
import type { SyncResult, SyncStats } from './sync.js';
import { runSync } from './sync.js';

export const GDRIVE_SERVICE = 'gdrive';
export const RC_PASS_SECRET = 'RCLONE_RC_PASS';
export const DRIVE_STATE_FILE = 'drive-state.json';
const DATA_VOLUME = 'gdrive-data';

export function rcUrl(platform: Platform): string | undefined {
  return platformServiceUrl(platform, GDRIVE_SERVICE);
}

/** The gdrive-data volume's path inside the gdrive container: where Drive syncs to and the knowledge step reads. */
export function driveDataPath(platform: Platform): string {
  return serviceByName(platform, GDRIVE_SERVICE)?.volumes.find((v) => v.name === DATA_VOLUME)?.target ?? '/data';
}

export class DriveSetupError extends Error {}

/** The rc client with the credentials of the store; a store without the password is a platform never brought up. */
export async function driveRc(platform: Platform, secretsFile: string, baseUrl?: string): Promise<RcClient> {
  const url = baseUrl ?? rcUrl(platform);
  if (url === undefined) throw new DriveSetupError('the platform has no gdrive service: enable it in moat.yaml');
  const user = serviceByName(platform, GDRIVE_SERVICE)?.env['RCLONE_RC_USER'] ?? 'moat';
  const pass = (await readSecrets(secretsFile))?.get(RC_PASS_SECRET);
  if (pass === undefined || pass === '')
    throw new DriveSetupError(`${secretsFile} has no ${RC_PASS_SECRET}: run \`moat up\` first (it makes the secrets and starts gdrive)`);
  return rcClient(url, { user, pass });
}

/** Keeps the credential in the store (the other kind is dropped: one credential per remote), then creates the remote. */
export async function connectDrive(
  rc: RcClient,
  secretsFile: string,
  credential: DriveCredential,
  options: DriveOptions,
  remoteType = 'drive',
  now = new Date(),
): Promise<void> {
  const parameters = driveParameters(credential, options);
  const values = (await readSecrets(secretsFile)) ?? new Map<string, string>();
  values.delete(DRIVE_SERVICE_ACCOUNT_SECRET);
  values.delete(DRIVE_TOKEN_SECRET);
  // base64url: a JSON value with spaces or quotes would not survive every dotenv reader unchanged.
  values.set(credential.kind === 'service-account' ? DRIVE_SERVICE_ACCOUNT_SECRET : DRIVE_TOKEN_SECRET, Buffer.from(credential.json).toString('base64url'));
  await writeSecrets(secretsFile, values);
  await connectRemote(rc, { name: DRIVE_REMOTE, type: remoteType, parameters });
  await recordRemote(secretsFile, { name: DRIVE_REMOTE, type: remoteType, credential: credential.kind, scope: options.scope, connectedAt: now.toISOString() });
}

export async function recordRemote(secretsFile: string, remote: NonNullable<DriveState['remote']>): Promise<void> {
  const file = stateFileBeside(secretsFile, DRIVE_STATE_FILE);
  const state = await readJsonState(file, DriveStateSchema, {});
  await writeJsonState(file, { ...state, remote });
}

export interface DriveSyncOptions {
  readonly srcFs?: string;
  readonly dstFs: string;
  readonly pollMs?: number;
  readonly config?: Readonly<Record<string, unknown>>;
  readonly onStats?: (stats: SyncStats) => void;
  readonly now?: () => Date;
}

/** One sync, recorded in the state file whatever its outcome. */
export async function syncDrive(rc: RcClient, secretsFile: string, options: DriveSyncOptions): Promise<SyncResult> {
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const result = await runSync(
    rc,
    { srcFs: options.srcFs ?? `${DRIVE_REMOTE}:`, dstFs: options.dstFs, mode: 'sync', ...(options.config === undefined ? {} : { config: options.config }) },
    { ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }), ...(options.onStats ? { onStats: options.onStats } : {}) },
  );
  const file = stateFileBeside(secretsFile, DRIVE_STATE_FILE);
  const state = await readJsonState(file, DriveStateSchema, {});
  const s = result.stats;
  const finishedAt = now().toISOString();
  const lastError = s.lastError ?? result.error;
  const lastSync: NonNullable<DriveState['lastSync']> = {
    startedAt,
    finishedAt,
    jobid: result.jobid,
    success: result.success,
    ...(result.error === undefined ? {} : { error: result.error }),
    // A sync that ended on a fatal error (the remote went away mid-transfer) can leave its stats group at 0 errors
    // (seen with 1.60.1: the job says "unexpected EOF", core/stats errors 0): the job's own error counts as one.
    files: s.transfers,
    bytes: s.bytes,
    checks: s.checks,
    deletes: s.deletes,
    errors: Math.max(s.errors, result.success ? 0 : 1),
    ...(lastError === undefined ? {} : { lastError }),
  };
  await writeJsonState(file, { ...state, lastSync, ...(result.success ? { lastSuccess: finishedAt } : {}) });
  return result;
}

export async function readDriveState(secretsFile: string): Promise<DriveState> {
  return readJsonState(stateFileBeside(secretsFile, DRIVE_STATE_FILE), DriveStateSchema, {});
}
