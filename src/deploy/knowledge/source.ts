// Where the knowledge step reads the synced Drive files: the gdrive-data
// volume, through the same authenticated rclone rc moat syncs with, so moat
// needs no access to the engine's volume directory and works from wherever it
// reaches the rc. `operations/list` with showHash lists every file with its
// SHA-256 (rclone's local backend hashes on demand, rclone.org/local/ "Hashes"),
// and the gdrive service runs `rcd --rc-serve`, which serves a file of any
// remote or local path at `GET /[<fs>]/<path>` behind the same basic auth
// (rclone.org/rc/ "Accessing the remote control via HTTP", --rc-serve).
// Both checked with Debian's rclone 1.60.1 (test/deploy/drive/real-rclone-sync.test.ts).
import { createHash } from 'node:crypto';
import type { RcClient } from '../drive/rc.js';

export interface SourceFile {
  /** Path relative to the synced folder, `/`-separated (the Drive path). */
  readonly path: string;
  readonly size: number;
  /** When the lister already knows it; otherwise the content is hashed. */
  readonly sha256?: string;
}

export interface KnowledgeSource {
  list(): Promise<SourceFile[]>;
  read(path: string): Promise<Uint8Array>;
}

export function sha256(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

interface ListItem {
  readonly Path?: unknown;
  readonly Size?: unknown;
  readonly IsDir?: unknown;
  readonly Hashes?: { readonly sha256?: unknown };
}

export function rcSource(rc: RcClient, dataFs: string): KnowledgeSource {
  return {
    async list() {
      const out = await rc.call<{ list?: unknown }>('operations/list', {
        fs: dataFs,
        remote: '',
        opt: { recurse: true, filesOnly: true, showHash: true, hashTypes: ['sha256'] },
      });
      const items = Array.isArray(out.list) ? (out.list as ListItem[]) : [];
      return items
        .filter((i) => typeof i.Path === 'string' && i.IsDir !== true)
        .map((i) => ({
          path: String(i.Path),
          size: typeof i.Size === 'number' ? i.Size : 0,
          ...(typeof i.Hashes?.sha256 === 'string' && /^[0-9a-f]{64}$/.test(i.Hashes.sha256) ? { sha256: i.Hashes.sha256 } : {}),
        }));
    },
    read: async (path) => {
      // A `.` or `..` segment would be resolved by URL parsing before rclone sees it, and read another path.
      if (path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..'))
        throw new Error(`refusing to read ${JSON.stringify(path)}: not a plain relative path`);
      return rc.read(dataFs, path);
    },
  };
}
