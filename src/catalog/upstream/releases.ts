// Releases newer than the catalog's pins that moat knows of, per image
// repository: what `moat outdated` compares against and `moat upgrade` may move
// to without `--to`. Recorded by hand from each entry's source (no network I/O
// in the catalog); a release not listed here is simply not known to moat.
// Each entry's tag is one the image repository publishes for that release, in
// the same flavour as the pin (`-alpine` stays `-alpine`).
//
// `dataFormat` marks images whose on-disk data a newer version may rewrite in
// a form the older one cannot read: upgrading those across `breaksAt` is not
// reversible by swapping the image back, so `moat upgrade` asks for
// --allow-major and says why.

export interface KnownRelease {
  /** The image tag of the release. */
  readonly tag: string;
  /** YYYY-MM-DD. */
  readonly released: string;
  readonly source: string;
}

export interface DataFormatNote {
  /** Which version step can change the on-disk format: a new major (15 → 16) or, for 1.x lines that move by minors, a new minor. */
  readonly breaksAt: 'major' | 'minor';
  readonly why: string;
  readonly sources: readonly string[];
}

export const KNOWN_RELEASES: Readonly<Record<string, readonly KnownRelease[]>> = {
  'n8nio/n8n': [
    { tag: '2.42.6', released: '2026-10-09', source: 'https://newreleases.io/project/github/n8n-io/n8n/release/n8n@2.42.6' },
    { tag: '2.46.5', released: '2026-11-04', source: 'https://newreleases.io/project/github/n8n-io/n8n/release/n8n@2.46.5' },
  ],
  postgres: [
    { tag: '16.0-alpine', released: '2023-09-14', source: 'https://www.postgresql.org/about/news/postgresql-16-released-2715/' },
    { tag: '17.0-alpine', released: '2024-09-26', source: 'https://www.postgresql.org/about/news/postgresql-17-released-2936/' },
    { tag: '18.0-alpine', released: '2025-09-25', source: 'https://www.postgresql.org/about/news/postgresql-18-released-3142/' },
  ],
  redis: [{ tag: '7.0.0-alpine', released: '2022-04-27', source: 'https://github.com/redis/redis/releases/tag/7.0.0' }],
  'semitechnologies/weaviate': [
    // The date is Dify 1.17.1's (which moves its bundled Weaviate from 1.27.0 to this release); Weaviate's own is earlier.
    { tag: '1.39.2', released: '2026-09-10', source: 'https://docs.dify.ai/en/self-host/deploy/troubleshooting/weaviate-server-migration-path.md' },
  ],
};

export const DATA_FORMATS: Readonly<Record<string, DataFormatNote>> = {
  postgres: {
    breaksAt: 'major',
    why: 'a PostgreSQL major release cannot start on the data directory of an older major: the data must be carried over with pg_upgrade or a dump and restore, and the new files cannot be read by the old server',
    sources: ['https://www.postgresql.org/docs/current/pgupgrade.html', 'https://www.postgresql.org/docs/current/upgrading.html'],
  },
  redis: {
    breaksAt: 'major',
    why: 'Redis 7.0 writes RDB format 10, which Redis 6.x cannot load ("Can\'t handle RDB format version 10"): once the new server saves, going back loses the data written since',
    sources: [
      'https://github.com/redis/redis/blob/7.0/00-RELEASENOTES',
      'https://github.com/redis/redis/issues/11172',
      'https://github.com/redis/redis/issues/13007',
    ],
  },
  'semitechnologies/weaviate': {
    breaksAt: 'minor',
    why: 'Weaviate supports upgrades one minor version at a time (each on its latest patch), and a release may carry an on-disk migration that expects the previous minor to have run; skipping minors is neither tested nor supported',
    sources: ['https://docs.weaviate.io/deploy/migration', 'https://docs.dify.ai/en/self-host/deploy/troubleshooting/weaviate-server-migration-path.md'],
  },
};
