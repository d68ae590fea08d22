// `--keep N`: of one project's backups in a directory, keep the N newest
// complete ones and delete what is older. Only directories whose manifest
// moat recognises (kind, version, this project) count or are touched:
// anything else in the directory, a symbolic link included, is left alone. An
// incomplete backup never counts towards N, so a run of failing backups cannot
// push out the last good ones.
import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from './manifest.js';
import { MANIFEST_FILE, ManifestSchema } from './manifest.js';

export interface KnownBackup {
  readonly dir: string;
  readonly manifest: Manifest;
}

/** This project's moat backups directly inside `parent`, newest first. */
export async function listBackups(parent: string, project: string): Promise<KnownBackup[]> {
  const found: KnownBackup[] = [];
  for (const entry of await readdir(parent)) {
    const dir = join(parent, entry);
    const info = await lstat(dir).catch(() => undefined);
    if (!info?.isDirectory()) continue;
    const manifestInfo = await lstat(join(dir, MANIFEST_FILE)).catch(() => undefined);
    if (!manifestInfo?.isFile()) continue;
    try {
      const manifest = ManifestSchema.parse(JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')));
      if (manifest.project === project) found.push({ dir, manifest });
    } catch {
      // not a manifest moat wrote: not a backup moat may delete
    }
  }
  return found.sort((a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt));
}

/** Deletes this project's backups beyond the `keep` newest complete ones; returns the directories removed. */
export async function applyRetention(parent: string, project: string, keep: number): Promise<string[]> {
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`keep must be a whole number of at least 1, not ${keep} (this is a bug in moat: the CLI checks it)`);
  const backups = await listBackups(parent, project);
  const complete = backups.filter((b) => b.manifest.complete);
  const oldestKept = complete[keep - 1];
  if (oldestKept === undefined) return [];
  const doomed = backups.filter((b) => b.manifest.createdAt < oldestKept.manifest.createdAt);
  for (const b of doomed) await rm(b.dir, { recursive: true, force: true });
  return doomed.map((b) => b.dir);
}
