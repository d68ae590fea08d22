// `moat drive sync`: one rclone sync from the Drive remote into the
// gdrive-data volume, run as an rc job and followed until it ends.
// `sync/sync` (not `sync/copy`): a file deleted or renamed in Drive leaves the
// volume too, so the knowledge step sees the deletion and removes it from the
// workspace. rc facts (rclone.org/rc/ "Running asynchronous jobs with _async =
// true", job/status, core/stats; fs/rc/jobs/job.go and fs/accounting/stats.go
// at v1.75.0, the same in 1.60.1): `_async: true` answers `{jobid}` at once;
// `job/status {jobid}` answers {finished, success, error, duration, output};
// an async job's transfers are counted in the stats group `job/<jobid>`, read
// with `core/stats {group}` (bytes, totalBytes, transfers, totalTransfers,
// checks, deletes, errors, lastError, eta, transferring).
import type { RcClient } from './rc.js';

export interface SyncRequest {
  /** Source: `gdrive:` (the remote), or `gdrive:Folder`. */
  readonly srcFs: string;
  /** Destination: the gdrive-data volume's path inside the container. */
  readonly dstFs: string;
  readonly mode?: 'sync' | 'copy';
  /**
   * rclone options for this call only (rc's `_config`, e.g. {Retries: 1}):
   * rclone.org/rc/ "Setting config flags with _config", since 1.57.
   */
  readonly config?: Readonly<Record<string, unknown>>;
}

export interface SyncStats {
  readonly bytes: number;
  readonly totalBytes: number;
  readonly transfers: number;
  readonly totalTransfers: number;
  readonly checks: number;
  readonly deletes: number;
  readonly errors: number;
  readonly lastError?: string;
  readonly eta?: number;
}

export interface SyncResult {
  readonly jobid: number;
  readonly success: boolean;
  readonly error?: string;
  readonly duration: number;
  readonly stats: SyncStats;
}

export interface SyncOptions {
  readonly pollMs?: number;
  readonly onStats?: (stats: SyncStats) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

export function readStats(raw: Record<string, unknown>): SyncStats {
  const lastError = typeof raw['lastError'] === 'string' && raw['lastError'] !== '' ? raw['lastError'] : undefined;
  const eta = typeof raw['eta'] === 'number' ? raw['eta'] : undefined;
  return {
    bytes: num(raw['bytes']),
    totalBytes: num(raw['totalBytes']),
    transfers: num(raw['transfers']),
    totalTransfers: num(raw['totalTransfers']),
    checks: num(raw['checks']),
    deletes: num(raw['deletes']),
    errors: num(raw['errors']),
    ...(lastError === undefined ? {} : { lastError }),
    ...(eta === undefined ? {} : { eta }),
  };
}

interface JobStatus {
  readonly finished?: boolean;
  readonly success?: boolean;
  readonly error?: string;
  readonly duration?: number;
}

/** Starts the sync as an rc job and polls it to its end; a failed job resolves with success false and its errors. */
export async function runSync(rc: RcClient, request: SyncRequest, options: SyncOptions = {}): Promise<SyncResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pollMs = options.pollMs ?? 1_000;
  const started = await rc.call<{ jobid?: unknown }>(`sync/${request.mode ?? 'sync'}`, {
    srcFs: request.srcFs,
    dstFs: request.dstFs,
    _async: true,
    ...(request.config === undefined ? {} : { _config: request.config }),
  });
  const jobid = typeof started.jobid === 'number' ? started.jobid : Number.NaN;
  if (!Number.isInteger(jobid)) throw new Error(`rclone answered sync/${request.mode ?? 'sync'} without a job id (this is a bug in moat, or not rclone)`);
  const group = `job/${jobid}`;
  for (;;) {
    const status = await rc.call<JobStatus>('job/status', { jobid });
    const stats = readStats(await rc.call<Record<string, unknown>>('core/stats', { group }));
    options.onStats?.(stats);
    if (status.finished === true) {
      const error = typeof status.error === 'string' && status.error !== '' ? status.error : undefined;
      return { jobid, success: status.success === true, ...(error === undefined ? {} : { error }), duration: num(status.duration), stats };
    }
    await sleep(pollMs);
  }
}
