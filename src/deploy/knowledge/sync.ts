// The knowledge step: the synced Drive files kept in step with one AnythingLLM
// workspace, idempotent by content hash. A JSON state file maps each Drive
// path to the SHA-256 of what was embedded and the document's location in
// AnythingLLM; a run compares the volume with it:
// - same hash (and the document still in the workspace): skipped;
// - new path: uploaded, then embedded (update-embeddings adds);
// - new hash: the new version uploaded and embedded, then the old one taken
//   out of the workspace and removed from AnythingLLM's documents;
// - a path gone from the volume: taken out and removed.
// AnythingLLM's update-embeddings answers 200 even when embedding failed
// (server/models/documents.js addDocuments collects failedToEmbed, and the
// endpoint drops it, v1.16.0): moat checks that the document is in the
// workspace it answers, and counts it failed otherwise (and removes the
// orphan upload). A failed file keeps its old state entry, so the next run
// tries it again. The state is written after every file: an interrupted run
// loses nothing done.
import { basename } from 'node:path';
import * as z from 'zod';
import { readJsonState, writeJsonState } from '../drive/state.js';
import { formatBytes } from '../pull-progress.js';
import type { AnythingClient, Workspace } from './anythingllm.js';
import type { KnowledgeSource } from './source.js';
import { sha256 } from './source.js';

export const KnowledgeState = z.object({
  workspace: z.string().optional(),
  files: z.record(z.string(), z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), location: z.string(), size: z.number(), syncedAt: z.string() })),
  failed: z.record(z.string(), z.object({ error: z.string(), at: z.string() })).default({}),
  lastRun: z.object({ at: z.string(), added: z.number(), changed: z.number(), removed: z.number(), skipped: z.number(), failed: z.number() }).optional(),
});
export type KnowledgeState = z.infer<typeof KnowledgeState>;

export type Outcome = 'added' | 'changed' | 'removed' | 'skipped' | 'failed';

export interface KnowledgeSummary {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly skipped: number;
  readonly failed: number;
  readonly failures: readonly { readonly path: string; readonly error: string }[];
}

export interface KnowledgeEvents {
  /** Called once the work is known: how many files will be looked at. */
  start?(total: number): void;
  file?(path: string, outcome: Outcome, detail?: string): void;
}

export interface KnowledgeSyncOptions {
  readonly workspace: string;
  readonly stateFile: string;
  readonly events?: KnowledgeEvents;
  readonly now?: () => Date;
  /** Larger files are skipped (and said so): moat holds a file in memory to upload it. Default 100 MB. */
  readonly maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 100 * 1000 * 1000;

/** The workspace by its slug, created when missing; AnythingLLM derives the slug from the name, so a taken slug is an error, not a silent other workspace. */
export async function ensureWorkspace(client: AnythingClient, slug: string): Promise<Workspace> {
  const found = await client.workspace(slug);
  if (found) return found;
  const created = await client.createWorkspace(slug);
  if (created.slug !== slug)
    throw new Error(
      `AnythingLLM named the new workspace ${created.slug}, not ${slug}; set knowledge.workspace in moat.yaml to ${created.slug}, or delete it in AnythingLLM`,
    );
  return created;
}

export async function syncKnowledge(client: AnythingClient, source: KnowledgeSource, options: KnowledgeSyncOptions): Promise<KnowledgeSummary> {
  const now = (): string => (options.now ?? (() => new Date()))().toISOString();
  const events = options.events ?? {};
  const state = await readJsonState(options.stateFile, KnowledgeState, { files: {}, failed: {} });
  // A state made for another workspace says nothing about this one: start over (the documents there stay until removed in the UI).
  if (state.workspace !== undefined && state.workspace !== options.workspace) {
    state.files = {};
    state.failed = {};
  }
  state.workspace = options.workspace;
  let workspace = await ensureWorkspace(client, options.workspace);
  const embedded = (): Set<string> => new Set(workspace.documents.map((d) => d.docpath));
  const files = (await source.list()).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const present = new Set(files.map((f) => f.path));
  const gone = Object.keys(state.files)
    .filter((p) => !present.has(p))
    .sort();
  for (const p of Object.keys(state.failed)) if (!present.has(p) && state.files[p] === undefined) delete state.failed[p];
  events.start?.(files.length + gone.length);
  const counts = { added: 0, changed: 0, removed: 0, skipped: 0, failed: 0 };
  const failures: { path: string; error: string }[] = [];
  const save = (): Promise<void> => writeJsonState(options.stateFile, state);
  const fail = async (path: string, error: unknown): Promise<void> => {
    const message = (error as Error).message ?? String(error);
    counts.failed++;
    failures.push({ path, error: message });
    state.failed[path] = { error: message, at: now() };
    events.file?.(path, 'failed', message);
    await save();
  };

  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  for (const file of files) {
    const known = state.files[file.path];
    if (file.size > maxBytes) {
      counts.skipped++;
      events.file?.(file.path, 'skipped', `larger than ${formatBytes(maxBytes)}; not uploaded`);
      continue;
    }
    const inWorkspace = known !== undefined && embedded().has(known.location);
    if (known && inWorkspace && file.sha256 !== undefined && file.sha256 === known.sha256) {
      counts.skipped++;
      events.file?.(file.path, 'skipped');
      continue;
    }
    let uploaded: string | undefined;
    try {
      const content = await source.read(file.path);
      const hash = sha256(content);
      if (known && inWorkspace && hash === known.sha256) {
        counts.skipped++;
        events.file?.(file.path, 'skipped');
        continue;
      }
      uploaded = await client.upload(basename(file.path), content, { title: file.path, docSource: 'Google Drive, synced by moat' });
      const old = known && known.location !== uploaded ? known.location : undefined;
      workspace = await client.updateEmbeddings(options.workspace, [uploaded], old !== undefined && embedded().has(old) ? [old] : []);
      if (!embedded().has(uploaded))
        throw new Error(
          'AnythingLLM did not embed it (the embedder failed: `moat logs anythingllm` says why; is the embedding model pulled? `moat models pull`)',
        );
      if (old !== undefined) await client.removeDocuments([old]);
      state.files[file.path] = { sha256: hash, location: uploaded, size: content.byteLength, syncedAt: now() };
      delete state.failed[file.path];
      const outcome: Outcome = known ? 'changed' : 'added';
      counts[outcome]++;
      events.file?.(file.path, outcome);
      await save();
    } catch (error) {
      // An upload that was not embedded is an orphan in AnythingLLM's documents: remove it (best effort), the next run uploads again.
      if (uploaded !== undefined && state.files[file.path]?.location !== uploaded) await client.removeDocuments([uploaded]).catch(() => undefined);
      await fail(file.path, error);
    }
  }

  for (const path of gone) {
    const known = state.files[path];
    if (!known) continue;
    try {
      if (embedded().has(known.location)) workspace = await client.updateEmbeddings(options.workspace, [], [known.location]);
      await client.removeDocuments([known.location]);
      delete state.files[path];
      delete state.failed[path];
      counts.removed++;
      events.file?.(path, 'removed');
      await save();
    } catch (error) {
      await fail(path, error);
    }
  }
  state.lastRun = { at: now(), ...counts };
  await save();
  return { ...counts, failures };
}
