// Writes rendered files into the bundle directory. Used by `moat up` only while
// the shared writer of `moat plan` (src/cli/write-bundle.ts) is not available;
// it overwrites only the files it is given and deletes nothing.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RenderedFile } from '../render/types.js';

export async function writeRenderedFiles(bundleDir: string, files: readonly RenderedFile[]): Promise<string[]> {
  const written: string[] = [];
  for (const file of files) {
    const target = join(bundleDir, file.path);
    await mkdir(dirname(target), { recursive: true });
    const current = await readFile(target, 'utf8').catch(() => undefined);
    // Leave unchanged files alone: their mtime stays, and Compose sees no change.
    if (current !== file.content) await writeFile(target, file.content);
    await chmod(target, file.mode ?? 0o644);
    written.push(file.path);
  }
  return written;
}
