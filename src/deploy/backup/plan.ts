// Which parts a platform's backup has, from the platform itself: every service
// with data gets parts, so a service added in moat.yaml is backed up without
// code here. Three services get a logical dump instead of their volume's raw
// files (a copy of a running database's files is not consistent); every other
// named volume is a tar snapshot, taken with its services stopped unless its
// content is plain files that no process holds open in a half-written state.
import type { Platform, Service } from '../../model/types.js';
import type { PartKind } from './manifest.js';
import { partFile, partName } from './manifest.js';

/** Logical dumps, by catalog service name. */
const DUMPS: Readonly<Record<string, { readonly kind: PartKind; readonly covers: readonly string[] }>> = {
  'dify-db': { kind: 'postgres', covers: ['dify-db-data'] },
  'dify-redis': { kind: 'redis', covers: ['dify-redis-data'] },
  // The export is portable across n8n versions; its volume (SQLite: executions, users, settings) is snapshotted too.
  n8n: { kind: 'n8n-export', covers: [] },
};

/** Volumes left out on purpose: what `moat up` fetches again. */
const SKIPPED: Readonly<Record<string, string>> = {
  'ollama-models': "downloaded models: `moat up` pulls the platform's models again, and they are large",
};

/** Plain files, safe to copy while their services run: no need to stop Dify's API for its uploads. */
const LIVE_COPY = new Set(['dify-storage', 'dify-plugins', 'gdrive-data', 'gdrive-config']);

export const RESTORE_HOW: Readonly<Record<PartKind, string>> = {
  secrets:
    "decrypted with the passphrase (age, scrypt) and merged into the secrets store, the backup's values winning; never-rotate keys must match the live store unless --replace-keys",
  bundle: 'only with --only bundle: extracted into the bundle directory (moat renders the bundle anew on every up)',
  postgres:
    'the database is dropped (sessions ended) and created again by pg_restore --create from this custom-format dump, inside the running database container; its clients are stopped meanwhile',
  redis: 'Redis is stopped, this RDB becomes dump.rdb in its volume, and Redis loads it when started again',
  'n8n-export':
    'only with --only: imported into the running n8n (n8n import:workflow/import:credentials --separate); the n8n volume part restores everything else',
  volume:
    'the services that mount the volume are stopped, its content replaced by this tar (regular files and directories only), and the services started again',
};

export interface PlannedPart {
  readonly kind: PartKind;
  readonly service?: string;
  readonly item?: string;
  readonly name: string;
  readonly file: string;
  /** Services stopped while the part is taken (volume snapshots) or restored. */
  readonly quiesce: readonly string[];
}

export interface BackupPlan {
  /** Parts known before any command runs (PostgreSQL databases are listed at backup time). */
  readonly parts: readonly PlannedPart[];
  /** The service whose databases are each dumped. */
  readonly postgres: readonly string[];
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

function planned(kind: PartKind, service: string | undefined, item: string | undefined, quiesce: readonly string[]): PlannedPart {
  return {
    kind,
    ...(service === undefined ? {} : { service }),
    ...(item === undefined ? {} : { item }),
    name: partName(kind, service, item),
    file: partFile(kind, service, item),
    quiesce,
  };
}

/** Services that mount a named volume, in platform order. */
export function volumeOwners(platform: Platform, volume: string): Service[] {
  return platform.services.filter((s) => s.volumes.some((v) => v.name === volume && v.bundleFile === undefined));
}

/** Services that name `service` in dependsOn: a database's clients. */
export function clientsOf(platform: Platform, service: string): string[] {
  return platform.services.filter((s) => s.dependsOn.includes(service)).map((s) => s.name);
}

export function backupPlan(platform: Platform): BackupPlan {
  const parts: PlannedPart[] = [planned('secrets', undefined, undefined, []), planned('bundle', undefined, undefined, [])];
  const postgres: string[] = [];
  const skipped: { name: string; reason: string }[] = [];
  const covered = new Set<string>();
  for (const service of platform.services) {
    const dump = DUMPS[service.name];
    if (!dump) continue;
    dump.covers.forEach((v) => covered.add(v));
    if (dump.kind === 'postgres') postgres.push(service.name);
    else parts.push(planned(dump.kind, service.name, undefined, dump.kind === 'redis' ? [service.name] : []));
  }
  const seen = new Set<string>();
  for (const service of platform.services) {
    for (const volume of service.volumes) {
      if (volume.bundleFile !== undefined || covered.has(volume.name) || seen.has(volume.name)) continue;
      seen.add(volume.name);
      const reason = SKIPPED[volume.name];
      if (reason !== undefined) {
        skipped.push({ name: partName('volume', service.name, volume.name), reason });
        continue;
      }
      const quiesce = LIVE_COPY.has(volume.name) ? [] : volumeOwners(platform, volume.name).map((s) => s.name);
      parts.push(planned('volume', service.name, volume.name, quiesce));
    }
  }
  return { parts, postgres, skipped };
}

/** The user id a restored file must belong to, from the service's `user` (Redis runs as 999:1000), else root. */
export function serviceOwner(service: Service | undefined): { uid: number; gid: number } {
  const m = /^(\d+)(?::(\d+))?$/.exec(service?.hardening.user ?? '');
  return m ? { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) } : { uid: 0, gid: 0 };
}
