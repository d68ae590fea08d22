// What the console shows that only moat knows: a status snapshot moat writes
// (apps and their URLs, the certificate, the last backup, probe and audit, the
// proof's matrix). The console reads it from a file and never from the Docker
// socket; it is validated like any input, since a console that trusted a
// file's shape would render whatever ended up there.
import { readFile } from 'node:fs/promises';
import * as z from 'zod';

const Text = z.string().max(2000);
const When = z.iso.datetime({ offset: true });

const Outcome = z.object({
  at: When,
  result: z.enum(['ok', 'findings', 'failed']),
  summary: Text,
});

export const ConsoleSnapshot = z.object({
  version: z.literal(1),
  project: z.string().regex(/^[a-z][a-z0-9-]*$/),
  generatedAt: When,
  apps: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z][a-z0-9-]*$/),
        title: Text,
        /** Where the app lives for its users (https on the tailnet); none for backends. */
        url: z.url({ protocol: /^https$/ }).optional(),
        /** What the console polls on the private network for live health (http, a static address). */
        healthUrl: z.url({ protocol: /^http$/ }).optional(),
        /** moat's last word on it, shown until the console's own poll answers. */
        health: z.enum(['healthy', 'unhealthy', 'starting', 'stopped', 'unknown']),
      }),
    )
    .max(500),
  certificate: z.object({ name: Text, notAfter: When }).optional(),
  lastBackup: Outcome.optional(),
  lastProbe: Outcome.optional(),
  lastAudit: Outcome.optional(),
  matrix: z
    .array(
      z.object({
        zone: z.enum(['internet', 'admin', 'tailnet', 'host', 'platform']),
        address: Text,
        port: z.number().int().min(0).max(65535),
        portEnd: z.number().int().min(0).max(65535).optional(),
        protocol: z.enum(['tcp', 'udp']),
        verdict: z.enum(['open', 'blocked']),
        decidedBy: Text,
        service: Text.optional(),
      }),
    )
    .max(200_000),
});
export type ConsoleSnapshot = z.infer<typeof ConsoleSnapshot>;

export type SnapshotRead = { readonly ok: true; readonly snapshot: ConsoleSnapshot } | { readonly ok: false; readonly problem: string };

/** The snapshot, or what is wrong with it (the page says so instead of showing stale or foreign data). */
export async function readSnapshot(file: string): Promise<SnapshotRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return {
      ok: false,
      problem: `no status snapshot at ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}): moat writes it on up, status, backup, probe and audit`,
    };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, problem: `the status snapshot at ${file} is not JSON` };
  }
  const parsed = ConsoleSnapshot.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, problem: `the status snapshot at ${file} is not one moat wrote (${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'})` };
  }
  return { ok: true, snapshot: parsed.data };
}
