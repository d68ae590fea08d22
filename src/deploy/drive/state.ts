// moat's own small state beside the secrets store (`.moat/drive-state.json`):
// what `moat drive status` shows after the rc job is gone (rclone keeps
// finished jobs for --rc-job-expire-duration, 60 s by default, and loses them
// on restart: rclone.org/rc/ "job/status"). It holds no secret. A file that
// does not parse as this shape is refused with its path, never half-read.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as z from 'zod';
import { UserInputError } from '../../model/findings.js';

export const DriveState = z.object({
  remote: z
    .object({ name: z.string(), type: z.string(), credential: z.enum(['service-account', 'token', 'test']), scope: z.string(), connectedAt: z.string() })
    .optional(),
  lastSync: z
    .object({
      startedAt: z.string(),
      finishedAt: z.string(),
      jobid: z.number(),
      success: z.boolean(),
      error: z.string().optional(),
      files: z.number(),
      bytes: z.number(),
      checks: z.number(),
      deletes: z.number(),
      errors: z.number(),
      lastError: z.string().optional(),
    })
    .optional(),
  lastSuccess: z.string().optional(),
});
export type DriveState = z.infer<typeof DriveState>;

export function stateFileBeside(secretsFile: string, name: string): string {
  return join(dirname(secretsFile), name);
}

/** Reads a JSON state file; a missing one is `fallback`, a malformed one an error that names it. */
export async function readJsonState<T>(file: string, schema: z.ZodType<T>, fallback: T): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    throw new UserInputError([
      {
        code: 'deploy.drive.bad-state',
        severity: 'high',
        path: file,
        message: `${file} is not a state file moat wrote`,
        hint: `move it away; moat starts a new one (the next knowledge sync then uploads every file again)`,
      },
    ]);
  }
  return result.data;
}

/** Writes atomically (temp file + rename), mode 0600: the paths of someone's documents are private too. */
export async function writeJsonState(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.tmp-${process.pid}`;
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
}
