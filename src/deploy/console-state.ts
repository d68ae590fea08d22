// The console's state directory (<bundle>/console/state/, mounted read-only
// into the console container): moat writes status.json (the snapshot,
// src/console/snapshot.ts) and topology.svg there, each atomically (written
// beside under a temporary name, then renamed: the console, which reads
// through a directory mount, sees the old file or the new one, never half).
// Files are 0644: the console runs as uid 1000, and neither holds a secret.
// The last backup, probe and audit are kept in the snapshot itself: each
// write carries the previous snapshot's forward and replaces only what ran.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONSOLE_STATE_BUNDLE_DIR } from '../catalog/console.js';
import { type ConsoleSnapshot, readSnapshot } from '../console/snapshot.js';

export const STATUS_FILE = 'status.json';
export const TOPOLOGY_FILE = 'topology.svg';

export type Outcome = NonNullable<ConsoleSnapshot['lastBackup']>;

/** What the previous snapshot said, to be carried forward (nothing when there is none, or it is not one moat wrote). */
export interface PreviousState {
  readonly lastBackup?: Outcome;
  readonly lastProbe?: Outcome;
  readonly lastAudit?: Outcome;
  readonly health?: Readonly<Record<string, ConsoleSnapshot['apps'][number]['health']>>;
  /** matrixKey of the matrix the previous snapshot (and its topology.svg) showed. */
  readonly matrixKey?: string;
}

/** A matrix's identity, as the snapshot records it: two equal keys draw the same picture. */
export function matrixKey(matrix: ConsoleSnapshot['matrix']): string {
  return JSON.stringify(matrix.map((r) => [r.zone, r.address, r.port, r.portEnd ?? null, r.protocol, r.verdict, r.decidedBy, r.service ?? null]));
}

export function consoleStateDir(bundleDir: string): string {
  return join(bundleDir, ...CONSOLE_STATE_BUNDLE_DIR.split('/'));
}

export async function readPreviousState(bundleDir: string): Promise<PreviousState> {
  const read = await readSnapshot(join(consoleStateDir(bundleDir), STATUS_FILE));
  if (!read.ok) return {};
  const { lastBackup, lastProbe, lastAudit, apps, matrix } = read.snapshot;
  return {
    ...(lastBackup ? { lastBackup } : {}),
    ...(lastProbe ? { lastProbe } : {}),
    ...(lastAudit ? { lastAudit } : {}),
    health: Object.fromEntries(apps.map((a) => [a.name, a.health])),
    matrixKey: matrixKey(matrix),
  };
}

async function writeAtomically(dir: string, name: string, content: string): Promise<void> {
  const temp = join(dir, `.${name}.moat-tmp-${process.pid}`);
  try {
    await writeFile(temp, content, { mode: 0o644 });
    await rename(temp, join(dir, name));
  } finally {
    await rm(temp, { force: true });
  }
}

export async function writeConsoleState(bundleDir: string, snapshot: ConsoleSnapshot, topology: string): Promise<string> {
  const dir = consoleStateDir(bundleDir);
  await mkdir(dir, { recursive: true });
  await writeAtomically(dir, TOPOLOGY_FILE, topology);
  await writeAtomically(dir, STATUS_FILE, `${JSON.stringify(snapshot, null, 2)}\n`);
  return dir;
}
