// `moat backup` without the CLI: one dated directory with a manifest and one
// file per part. A part that fails is named in the manifest's `missing` list
// and the others are still taken, so a half-broken platform still yields what
// can be saved; such a backup is marked incomplete.
import { chmod, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Platform } from '../../model/types.js';
import type { Progress } from '../progress.js';
import { readSecrets } from '../secrets-store.js';
import { SERVICE_ENV_DIR } from '../service-env.js';
import { N8N_EXPORT, PG_LIST_DATABASES, pgDump, REDIS_RDB } from './commands.js';
import { DIR_MODE, fileDigest, PART_MODE, writePartFile } from './files.js';
import type { Manifest, Part } from './manifest.js';
import { backupDirName, MANIFEST_FILE, MANIFEST_KIND, MANIFEST_VERSION, partFile, partName } from './manifest.js';
import type { PlannedPart } from './plan.js';
import { backupPlan, RESTORE_HOW } from './plan.js';
import { applyRetention } from './retention.js';
import { encryptSecrets } from './secrets-part.js';
import { checkTar } from './tar.js';
import type { BackupTarget, StartFailure } from './target.js';

export interface BackupOptions {
  readonly platform: Platform;
  /** Parent directory: the backup is written into `<to>/moat-backup-<project>-<UTC stamp>/`. */
  readonly to: string;
  readonly bundleDir: string;
  readonly secretsFile: string;
  /** From a file, stdin or an env var, never argv. */
  readonly passphrase: string;
  readonly moatVersion: string;
  /** Keep this many complete backups of the project in `to`, deleting older ones. */
  readonly keep?: number;
  readonly progress?: Progress;
  readonly now?: Date;
}

export interface BackupResult {
  readonly dir: string;
  readonly complete: boolean;
  readonly manifest: Manifest;
  readonly failures: readonly { readonly part: string; readonly message: string }[];
  /** Services stopped for a snapshot that did not come back healthy. */
  readonly restartFailures: readonly StartFailure[];
  /** Backup directories removed by --keep. */
  readonly deleted: readonly string[];
}

/** A command's failure, with what it said (the container's stderr; never a secret, which travel in env only). */
class PartError extends Error {}

async function execToFile(target: BackupTarget, service: string, argv: readonly string[], file: string): Promise<void> {
  let stderr = '';
  let exitCode = 0;
  await writePartFile(file, async (sink) => {
    ({ exitCode, stderr } = await target.exec(service, argv, { stdout: sink }));
  });
  if (exitCode !== 0) throw new PartError(`exit code ${exitCode} in ${service}: ${stderr.trim().split('\n').slice(-5).join(' / ') || '(no output)'}`);
}

async function tarProblems(file: string): Promise<void> {
  const problems = await checkTar(file);
  if (problems.length > 0) throw new PartError(`its archive has ${problems.map((p) => `${p.entry}: ${p.message}`).join('; ')}`);
}

/** Stops the running ones of `services`, runs `work`, and starts again what it stopped. */
async function quiesced<T>(target: BackupTarget, services: readonly string[], restartFailures: StartFailure[], work: () => Promise<T>): Promise<T> {
  const running = new Set(await target.running());
  const stopped = services.filter((s) => running.has(s));
  if (stopped.length > 0) await target.stop(stopped);
  try {
    return await work();
  } finally {
    if (stopped.length > 0) restartFailures.push(...(await target.start(stopped)));
  }
}

export async function createBackup(target: BackupTarget, options: BackupOptions): Promise<BackupResult> {
  const { platform, progress } = options;
  const now = options.now ?? new Date();
  const dir = join(options.to, backupDirName(platform.project, now));
  await mkdir(options.to, { recursive: true });
  await mkdir(dir, { mode: DIR_MODE });
  await mkdir(join(dir, 'parts'), { mode: DIR_MODE });
  const plan = backupPlan(platform);
  const parts: Part[] = [];
  const failures: { part: string; message: string }[] = [];
  const restartFailures: StartFailure[] = [];

  const take = async (part: Pick<PlannedPart, 'kind' | 'service' | 'item'>, write: (file: string) => Promise<void>, onRequest = false): Promise<void> => {
    const name = partName(part.kind, part.service, part.item);
    const file = partFile(part.kind, part.service, part.item);
    progress?.update(name, 'starting');
    try {
      await write(join(dir, file));
      await chmod(join(dir, file), PART_MODE);
      const { size, sha256 } = await fileDigest(join(dir, file));
      parts.push({
        name,
        kind: part.kind,
        ...(part.service ? { service: part.service } : {}),
        ...(part.item ? { item: part.item } : {}),
        file,
        size,
        sha256,
        restore: RESTORE_HOW[part.kind],
        onRequest,
      });
      progress?.update(name, 'running', `${size} bytes`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ part: name, message });
      progress?.update(name, 'failed', message.split('\n')[0]);
      await rm(join(dir, file), { force: true });
    }
  };

  for (const part of plan.parts) {
    const service = part.service ?? '';
    switch (part.kind) {
      case 'secrets':
        await take(part, async (file) => {
          const values = await readSecrets(options.secretsFile);
          if (!values) throw new PartError(`there is no secrets store at ${options.secretsFile}`);
          await writeFile(file, await encryptSecrets(values, options.passphrase), { mode: PART_MODE, flag: 'wx' });
        });
        break;
      case 'bundle':
        // The bundle's secrets/ holds each service's env file with plain values: those stay out (the secrets part has them, encrypted).
        await take(
          part,
          async (file) => {
            const result = await execa('tar', ['-C', options.bundleDir, `--exclude=./${SERVICE_ENV_DIR}`, '-cf', file, '.'], { reject: false });
            if (result.exitCode !== 0) throw new PartError(`tar of ${options.bundleDir}: ${result.stderr}`);
          },
          true,
        );
        break;
      case 'redis':
        await take(part, async (file) => {
          await execToFile(target, service, REDIS_RDB, file);
          const head = Buffer.alloc(5);
          const handle = await open(file, 'r');
          await handle.read(head, 0, 5, 0).finally(() => handle.close());
          if (head.toString('latin1') !== 'REDIS') throw new PartError('redis-cli did not write an RDB file (no REDIS magic)');
        });
        break;
      case 'n8n-export':
        await take(
          part,
          async (file) => {
            await execToFile(target, service, N8N_EXPORT, file);
            await tarProblems(file);
          },
          true,
        );
        break;
      case 'volume':
        await take(part, async (file) => {
          await quiesced(target, part.quiesce, restartFailures, () => writePartFile(file, (sink) => target.exportVolume(part.item ?? '', sink)));
          await tarProblems(file);
        });
        break;
      case 'postgres':
        break;
    }
  }
  for (const service of plan.postgres) {
    const listed = await target
      .exec(service, PG_LIST_DATABASES)
      .catch((error: unknown) => ({ exitCode: -1, stdout: Buffer.alloc(0), stderr: (error as Error).message }));
    if (listed.exitCode !== 0) {
      failures.push({
        part: partName('postgres', service),
        message: `listing its databases failed: ${listed.stderr.trim() || `exit code ${listed.exitCode}`}`,
      });
      progress?.update(partName('postgres', service), 'failed', 'listing its databases failed');
      continue;
    }
    const databases = listed.stdout
      .toString('utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    for (const database of databases) {
      if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(database)) {
        failures.push({
          part: partName('postgres', service, database),
          message: 'a database name moat cannot put in a file name safely; dump it by hand with pg_dump',
        });
        continue;
      }
      await take({ kind: 'postgres', service, item: database }, (file) => execToFile(target, service, pgDump(database), file));
    }
  }
  progress?.done();

  const manifest: Manifest = {
    kind: MANIFEST_KIND,
    version: MANIFEST_VERSION,
    moatVersion: options.moatVersion,
    project: platform.project,
    createdAt: now.toISOString(),
    complete: failures.length === 0,
    parts,
    missing: failures.map((f) => ({ name: f.part, reason: f.message })),
    skipped: [...plan.skipped],
  };
  const temp = join(dir, `${MANIFEST_FILE}.tmp`);
  await writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`, { mode: PART_MODE });
  await rename(temp, join(dir, MANIFEST_FILE));
  const deleted = options.keep === undefined ? [] : await applyRetention(options.to, platform.project, options.keep);
  return { dir, complete: manifest.complete, manifest, failures, restartFailures, deleted };
}
