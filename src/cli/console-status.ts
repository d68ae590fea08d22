// What the console shows that only moat knows, refreshed by the commands that
// learn it: `moat up` and `moat status` (each service's state), `moat backup`,
// `moat probe` and `moat audit` (their outcome). Gathers the facts (the proof's
// matrix and picture of this platform, the gateway certificate's expiry, the
// previous snapshot's records) and writes them through deploy/console-state.ts.
// A failure here never fails the command that ran: it is said on stderr.
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import type { MatrixRow } from '../analyze/index.js';
import { CONSOLE_SERVICE } from '../catalog/console.js';
import type { ConsoleSnapshot } from '../console/snapshot.js';
import { consoleSnapshot } from '../deploy/console-snapshot.js';
import { consoleStateDir, matrixKey, type Outcome, type PreviousState, readPreviousState, TOPOLOGY_FILE, writeConsoleState } from '../deploy/console-state.js';
import type { StatusReport } from '../deploy/operate.js';
import { serviceByName } from '../model/lookup.js';
import type { Platform } from '../model/types.js';

type Health = ConsoleSnapshot['apps'][number]['health'];

export interface ConsoleRecord {
  /** What `moat status` (or `moat up` at its end) saw. */
  readonly status?: StatusReport;
  readonly run?: { readonly kind: RunKind; readonly outcome: Outcome };
  /** The proof's matrix when the caller has it (`moat up` just proved the bundle); otherwise it is proved here. */
  readonly matrix?: readonly MatrixRow[];
  readonly now?: Date;
}

type RunKind = 'backup' | 'probe' | 'audit';
const RECORD_OF = { backup: 'lastBackup', probe: 'lastProbe', audit: 'lastAudit' } as const satisfies Record<RunKind, keyof PreviousState>;

function healthOf(entry: StatusReport['services'][number]): Health {
  if (entry.state === 'not created' || !['healthy', 'unhealthy', 'starting', 'running'].includes(entry.state)) return 'stopped';
  if (entry.health === 'healthy' || entry.health === 'unhealthy' || entry.health === 'starting') return entry.health;
  return 'unknown';
}

/** The gateway's certificate on the host: certFile inside the container, under a host folder the gateway mounts. */
async function certificateOf(platform: Platform): Promise<{ name: string; notAfter: Date } | undefined> {
  const { certFile } = platform.gateway.tls;
  const mount = serviceByName(platform, platform.gateway.service)?.volumes.find(
    (v) => v.bundleFile?.startsWith('/') === true && certFile.startsWith(`${v.target.replace(/\/+$/, '')}/`),
  );
  if (!mount?.bundleFile) return undefined;
  const hostPath = posix.join(mount.bundleFile, posix.relative(mount.target, certFile));
  try {
    const cert = new X509Certificate(await readFile(hostPath));
    const name = /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? cert.subject;
    return { name, notAfter: new Date(cert.validTo) };
  } catch {
    // Not readable here (another user, not issued yet): the console shows no expiry rather than a wrong one.
    return undefined;
  }
}

/**
 * The picture: the one `moat plan` drew into the bundle, else the one drawn
 * for the previous snapshot when the matrix has not changed since (so `moat
 * status` does not lay it out again each time), else drawn here (elkjs,
 * loaded only then).
 */
async function topologyOf(
  platform: Platform,
  bundleDir: string,
  matrix: readonly MatrixRow[],
  shown: ConsoleSnapshot['matrix'],
  previous: PreviousState,
): Promise<string> {
  const drawn = join(bundleDir, TOPOLOGY_FILE);
  if (existsSync(drawn)) return readFile(drawn, 'utf8');
  const kept = join(consoleStateDir(bundleDir), TOPOLOGY_FILE);
  if (previous.matrixKey === matrixKey(shown) && existsSync(kept)) return readFile(kept, 'utf8');
  const { platformTopologyInput, topologySvg } = await import('../render/topology/index.js');
  return topologySvg(platformTopologyInput(platform, matrix));
}

async function write(platform: Platform, bundleDir: string, record: ConsoleRecord): Promise<void> {
  const previous = await readPreviousState(bundleDir);
  const matrix = record.matrix ?? (await import('../proof/bundle.js')).proveBundle(platform).matrix;
  const health = record.status ? Object.fromEntries(record.status.services.map((s) => [s.service, healthOf(s)])) : previous.health;
  const certificate = await certificateOf(platform);
  const runs = { lastBackup: previous.lastBackup, lastProbe: previous.lastProbe, lastAudit: previous.lastAudit };
  if (record.run) runs[RECORD_OF[record.run.kind]] = record.run.outcome;
  const snapshot = consoleSnapshot(platform, matrix, {
    generatedAt: record.now ?? new Date(),
    ...(health ? { health } : {}),
    ...(certificate ? { certificate } : {}),
    ...(runs.lastBackup ? { lastBackup: runs.lastBackup } : {}),
    ...(runs.lastProbe ? { lastProbe: runs.lastProbe } : {}),
    ...(runs.lastAudit ? { lastAudit: runs.lastAudit } : {}),
  });
  await writeConsoleState(bundleDir, snapshot, await topologyOf(platform, bundleDir, matrix, snapshot.matrix, previous));
}

/** Refreshes the console's status when the platform has a console; says why on `err` if it could not. */
export async function recordConsoleState(
  platform: Platform,
  bundleDir: string,
  record: ConsoleRecord,
  err: NodeJS.WritableStream = process.stderr,
): Promise<void> {
  if (!serviceByName(platform, CONSOLE_SERVICE)) return;
  try {
    await write(platform, bundleDir, record);
  } catch (error) {
    err.write(`moat: the console's status was not updated (${error instanceof Error ? error.message : String(error)}); the next \`moat status\` tries again\n`);
  }
}

/** An outcome as the console shows it: when, how it ended, a one-line summary. */
export function outcome(result: Outcome['result'], summary: string, at = new Date()): Outcome {
  return { at: at.toISOString(), result, summary: summary.slice(0, 2000) };
}

/**
 * `moat probe` and `moat audit`: the outcome goes to the console of the bundle
 * in `bundleDir` when it has one (its console/state/ exists: `moat plan` or
 * `moat up` made it); otherwise nothing is written.
 */
export async function recordRun(
  platform: Platform,
  bundleDir: string,
  kind: 'probe' | 'audit',
  result: Outcome['result'],
  summary: string,
  err: NodeJS.WritableStream = process.stderr,
): Promise<void> {
  const dir = resolve(bundleDir);
  if (!existsSync(consoleStateDir(dir))) return;
  await recordConsoleState(platform, dir, { run: { kind, outcome: outcome(result, summary) } }, err);
}
