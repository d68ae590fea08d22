// The backup's manifest: one JSON file that makes the directory self-describing
// (what each part is, which service it belongs to, how to restore it, its size
// and sha256). A manifest is input like any other: a restore may be handed a
// directory someone else wrote, so every field is checked (zod, strict) and a
// part's file name is never taken from it but recomputed from the part's name
// and kind, which shuts out `../`, absolute paths and names moat does not know.
import * as z from 'zod';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;
/** What marks a directory as a moat backup (retention deletes nothing else). */
export const MANIFEST_KIND = 'moat-backup';

export const PART_KINDS = ['secrets', 'bundle', 'postgres', 'redis', 'n8n-export', 'volume'] as const;
export type PartKind = (typeof PART_KINDS)[number];

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export const PartSchema = z.strictObject({
  /** `kind/service[/database]`, or `secrets`, `bundle`. */
  name: z.string().max(200),
  kind: z.enum(PART_KINDS),
  /** The platform service the part belongs to (absent for secrets and bundle). */
  service: z.string().regex(NAME).optional(),
  /** The database (postgres) or volume (volume) inside that service. */
  item: z.string().regex(NAME).optional(),
  file: z.string().max(300),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** How `moat restore` brings it back, for a human reading the manifest. */
  restore: z.string(),
  /** Restored only when named with --only (the bundle is re-rendered; n8n's export duplicates its volume). */
  onRequest: z.boolean().default(false),
});
export type Part = z.infer<typeof PartSchema>;

export const ManifestSchema = z.strictObject({
  kind: z.literal(MANIFEST_KIND),
  version: z.literal(MANIFEST_VERSION),
  moatVersion: z.string(),
  project: z.string().regex(NAME),
  /** ISO 8601, UTC. */
  createdAt: z.iso.datetime(),
  complete: z.boolean(),
  parts: z.array(PartSchema),
  /** Parts that failed: name and what went wrong. */
  missing: z.array(z.strictObject({ name: z.string(), reason: z.string() })),
  /** Data moat leaves out on purpose, and why (Ollama's models are pulled again). */
  skipped: z.array(z.strictObject({ name: z.string(), reason: z.string() })).default([]),
});
export type Manifest = z.infer<typeof ManifestSchema>;

const EXTENSION: Record<PartKind, string> = {
  secrets: 'env.age',
  bundle: 'tar',
  postgres: 'dump',
  redis: 'rdb',
  'n8n-export': 'tar',
  volume: 'tar',
};

/** The part's name from what it is: `postgres/dify-db/litellm`, `volume/n8n/n8n-data`. */
export function partName(kind: PartKind, service?: string, item?: string): string {
  return [kind, service, item].filter((x) => x !== undefined).join('/');
}

/** Where a part's bytes live inside the backup: derived, never read from the manifest. */
export function partFile(kind: PartKind, service?: string, item?: string): string {
  const base = kind === 'secrets' || kind === 'bundle' ? kind : partName(kind, service, item).replaceAll('/', '--');
  return `parts/${base}.${EXTENSION[kind]}`;
}

/** The backup directory's name: sortable, UTC, and naming the project. */
export function backupDirName(project: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `moat-backup-${project}-${stamp}`;
}
