// A service's named volumes, saved as tar archives and put back, through the
// Engine API's archive endpoints (what `docker cp` uses): the engine itself
// writes the tar, so no helper image and no tar binary inside the service's
// image are needed (many images have neither).
// - Snapshot: GET /containers/{id}/archive?path=DEST of the service's own
//   container, stopped (nothing writes while it is read); the archive holds
//   what is under DEST, owners and modes kept (rooted at DEST's last path
//   element by Docker, at DEST itself by podman: archiveRoot tells them apart).
// - Restore: the volume is removed and created again with its name and labels
//   (so nothing the failed version wrote survives), mounted at DEST in a
//   throwaway container of the old image that is created, never started, and
//   the archive is extracted with PUT /containers/{id}/archive at the path
//   that puts it back under DEST.
// Source: Docker Engine API v1.41, "Containers: Get an archive of a filesystem
// resource" / "Extract an archive of files or folders to a directory in a
// container"; "Volumes: Create / Remove"
// (https://docs.docker.com/reference/api/engine/version/v1.41/); podman's
// compat API serves the same endpoints.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import type { EngineEndpoint } from './engine-api.js';
import { engineCall, engineGet } from './engine-api.js';

export interface VolumeArchive {
  readonly volume: string;
  /** Where the service mounts it. */
  readonly destination: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly driver: string;
  readonly file: string;
  readonly bytes: number;
  /** Where the archive is extracted to land at `destination` again (see archiveRoot). */
  readonly extractAt: string;
}

interface InspectedMounts {
  readonly Mounts?: readonly { readonly Type?: string; readonly Name?: string; readonly Destination?: string }[] | null;
}

interface InspectedVolume {
  readonly Name: string;
  readonly Driver?: string;
  readonly Labels?: Record<string, string> | null;
}

const enc = encodeURIComponent;

/** Archives every named volume the (stopped) container mounts into `dir`, one tar each. */
export async function snapshotVolumes(endpoint: EngineEndpoint, containerId: string, dir: string): Promise<VolumeArchive[]> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const inspected = await engineGet<InspectedMounts>(endpoint, `/containers/${enc(containerId)}/json`);
  const out: VolumeArchive[] = [];
  for (const mount of inspected.Mounts ?? []) {
    if (mount.Type !== 'volume' || !mount.Name || !mount.Destination) continue;
    const volume = await engineGet<InspectedVolume>(endpoint, `/volumes/${enc(mount.Name)}`);
    // The volume name comes from the engine, but keep the file inside dir whatever it says.
    const file = join(dir, `${mount.Name.replace(/[^A-Za-z0-9_.-]/g, '_')}.tar`);
    await engineCall(endpoint, {
      method: 'GET',
      path: `/containers/${enc(containerId)}/archive?path=${enc(mount.Destination)}`,
      sink: createWriteStream(file, { mode: 0o600 }),
      timeoutMs: 30 * 60_000,
    });
    const extractAt = (await archiveRoot(file)) === posix.basename(mount.Destination) ? posix.dirname(mount.Destination) : mount.Destination;
    out.push({
      volume: mount.Name,
      destination: mount.Destination,
      labels: volume.Labels ?? {},
      driver: volume.Driver ?? 'local',
      file,
      bytes: (await stat(file)).size,
      extractAt,
    });
  }
  return out;
}

/**
 * Puts each archive back into a fresh volume of the same name. The volume must
 * be unused (the failed container removed first). `image` is one the engine
 * has (the old version's): the throwaway container is never started.
 */
export async function restoreVolumes(endpoint: EngineEndpoint, archives: readonly VolumeArchive[], image: string): Promise<void> {
  for (const archive of archives) {
    await engineCall(endpoint, { method: 'DELETE', path: `/volumes/${enc(archive.volume)}?force=true`, accept: [404] });
    await engineCall(endpoint, { method: 'POST', path: '/volumes/create', json: { Name: archive.volume, Driver: archive.driver, Labels: archive.labels } });
    const created = await engineCall(endpoint, {
      method: 'POST',
      path: `/containers/create?name=${enc(`moat-restore-${process.pid}-${Date.now()}`)}`,
      json: {
        Image: image,
        Cmd: ['true'],
        Entrypoint: [],
        Labels: { 'moat.restore': archive.volume },
        NetworkDisabled: true,
        HostConfig: { Binds: [`${archive.volume}:${archive.destination}`], NetworkMode: 'none' },
      },
    });
    const id = (JSON.parse(created.text) as { Id?: string }).Id;
    if (!id) throw new Error(`the engine created no container to restore ${archive.volume} into (this is a bug in moat)`);
    try {
      await engineCall(endpoint, {
        method: 'PUT',
        path: `/containers/${enc(id)}/archive?path=${enc(archive.extractAt)}`,
        body: createReadStream(archive.file),
        timeoutMs: 30 * 60_000,
      });
    } finally {
      await engineCall(endpoint, { method: 'DELETE', path: `/containers/${enc(id)}?force=true`, accept: [404] });
    }
  }
}

/**
 * The first path element of the archive's first entry. Engines root the
 * archive differently: Docker names DEST's last element (`.n8n/marker`, as
 * `docker cp` documents), podman 4.3 the directory itself (`/`, `/marker`).
 * Read from the first 512-byte tar header (POSIX ustar: the name is its first
 * 100 bytes, NUL-padded); too small a thing to take a tar library for.
 */
async function archiveRoot(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const header = Buffer.alloc(512);
    await handle.read(header, 0, 512, 0);
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    return name.replace(/^\.?\/+/, '').split('/')[0] ?? '';
  } finally {
    await handle.close();
  }
}

/** Where an upgrade keeps its snapshots: beside the secrets store, never in the bundle (which may be copied around). */
export function snapshotDir(secretsFile: string, service: string, stamp: string): string {
  return join(dirname(secretsFile), 'snapshots', `${service}-${stamp}`);
}
