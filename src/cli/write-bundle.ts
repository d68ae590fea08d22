// Writes a rendered bundle into a directory without ever touching what the
// user put there: moat overwrites only files it wrote before (listed in the
// directory's `.moat-bundle` manifest), leaves identical files alone, and
// refuses, before writing anything, when a user file is in the way.
import { chmod, lstat, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Finding, UserInputError } from '../model/findings.js';
import type { RenderedFile } from '../render/types.js';

export const MANIFEST = '.moat-bundle';
const MANIFEST_HEADER = '# Files moat rendered into this directory; moat overwrites only these. One path a line.';

export type FileStatus = 'written' | 'unchanged';

export interface BundleWrite {
  readonly files: readonly { readonly path: string; readonly mode: number; readonly status: FileStatus }[];
  /** Files moat wrote before that this plan no longer renders: left in place. */
  readonly stale: readonly string[];
}

export async function writeBundle(outDir: string, files: readonly RenderedFile[]): Promise<BundleWrite> {
  await mkdir(outDir, { recursive: true });
  const owned = await readManifest(outDir);
  const problems: Finding[] = [];
  const plan: { file: RenderedFile; target: string; mode: number; same: boolean }[] = [];
  for (const file of files) {
    const mode = file.mode ?? 0o644;
    const problem = checkPath(file.path) ?? (await checkTarget(outDir, file, owned));
    if (problem) {
      problems.push(problem);
      continue;
    }
    const target = join(outDir, ...file.path.split('/'));
    plan.push({ file, target, mode, same: await sameFile(target, file.content, mode) });
  }
  if (problems.length > 0) throw new UserInputError(problems);

  const result: BundleWrite['files'][number][] = [];
  for (const { file, target, mode, same } of plan) {
    if (!same) {
      await mkdir(dirname(target), { recursive: true });
      // Write beside and rename: a reader never sees half a file.
      const temp = join(dirname(target), `.moat-tmp-${process.pid}-${file.path.split('/').pop() ?? 'file'}`);
      await writeFile(temp, file.content, { mode });
      await chmod(temp, mode);
      await rename(temp, target);
    }
    result.push({ path: file.path, mode, status: same ? 'unchanged' : 'written' });
  }
  const rendered = new Set(files.map((f) => f.path));
  const stale = [...owned].filter((p) => !rendered.has(p)).sort();
  await writeManifest(outDir, [...new Set([...owned, ...rendered])].sort());
  return { files: result, stale };
}

async function readManifest(outDir: string): Promise<Set<string>> {
  try {
    const text = await readFile(join(outDir, MANIFEST), 'utf8');
    return new Set(
      text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#') && checkPath(l) === undefined),
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw error;
  }
}

async function writeManifest(outDir: string, paths: readonly string[]): Promise<void> {
  await writeFile(join(outDir, MANIFEST), `${MANIFEST_HEADER}\n${paths.join('\n')}\n`, { mode: 0o644 });
}

/** Bundle paths are relative, forward-slashed and stay inside the directory. */
function checkPath(path: string): Finding | undefined {
  const parts = path.split('/');
  const bad =
    path === '' ||
    path.startsWith('/') ||
    path.includes('\\') ||
    path.includes('\0') ||
    path === MANIFEST ||
    parts.some((p) => p === '' || p === '.' || p === '..');
  if (!bad) return undefined;
  return {
    code: 'plan.bad-bundle-path',
    severity: 'high',
    path,
    message: `a renderer produced the path ${JSON.stringify(path)}, which leaves the bundle`,
    hint: 'this is a bug in moat: report it',
  };
}

/** The target and each folder on the way must be moat's or absent, and never a symlink. */
async function checkTarget(outDir: string, file: RenderedFile, owned: ReadonlySet<string>): Promise<Finding | undefined> {
  const parts = file.path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const stat = await lstatOrNull(join(outDir, ...parts.slice(0, i)));
    if (stat && !stat.isDirectory()) return inTheWay(file.path, `${parts.slice(0, i).join('/')} is not a folder`);
  }
  const stat = await lstatOrNull(join(outDir, ...parts));
  if (!stat) return undefined;
  if (!stat.isFile()) return inTheWay(file.path, `${file.path} exists and is not a regular file`);
  if (!owned.has(file.path)) return inTheWay(file.path, `${file.path} exists and moat did not write it`);
  return undefined;
}

function inTheWay(path: string, why: string): Finding {
  return {
    code: 'plan.user-file-in-the-way',
    severity: 'high',
    path,
    message: `${why}; moat never overwrites files it did not render`,
    hint: 'move the file away, or write the bundle elsewhere with --out',
  };
}

async function lstatOrNull(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function sameFile(target: string, content: string, mode: number): Promise<boolean> {
  const stat = await lstatOrNull(target);
  if (!stat?.isFile() || (stat.mode & 0o777) !== mode) return false;
  return (await readFile(target, 'utf8')) === content;
}
