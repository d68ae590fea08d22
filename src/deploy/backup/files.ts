// File helpers of the backup directory: sizes and checksums, streams that
// write a part with owner-only permissions, and reading a part safely (never
// through a symbolic link, never outside the backup).
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { finished } from 'node:stream/promises';

export const PART_MODE = 0o600;
export const DIR_MODE = 0o700;

export async function fileDigest(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const stream = createReadStream(file);
  stream.on('data', (chunk: Buffer | string) => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buf.length;
    hash.update(buf);
  });
  await finished(stream);
  return { size, sha256: hash.digest('hex') };
}

/** Runs `write` with a fresh owner-only file stream and waits until the bytes are on disk. */
export async function writePartFile(file: string, write: (sink: NodeJS.WritableStream) => Promise<void>): Promise<void> {
  const sink = createWriteStream(file, { mode: PART_MODE, flags: 'wx' });
  const opened = new Promise<void>((resolve, reject) => {
    sink.once('open', () => resolve());
    sink.once('error', reject);
  });
  await opened;
  try {
    await write(sink);
  } finally {
    sink.end();
    await finished(sink).catch(() => undefined);
  }
}

/**
 * The absolute path of a part's file, when it is a regular file inside the
 * backup reached without a symbolic link; else why not. `relativeFile` is
 * moat's own derived name, but the directory may hold a link planted there.
 */
export async function safePartPath(backupDir: string, relativeFile: string): Promise<{ path: string } | { problem: 'missing' | 'unsafe'; why: string }> {
  const path = join(backupDir, relativeFile);
  let info;
  try {
    info = await lstat(path);
  } catch {
    return { problem: 'missing', why: `${relativeFile} is not in the backup` };
  }
  if (!info.isFile()) return { problem: 'unsafe', why: `${relativeFile} is ${info.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}` };
  const real = await realpath(path);
  const root = await realpath(backupDir);
  const inside = relative(root, real);
  if (inside.startsWith(`..${sep}`) || inside === '..' || inside.startsWith(sep))
    return { problem: 'unsafe', why: `${relativeFile} resolves outside the backup (${real})` };
  return { path: real };
}
