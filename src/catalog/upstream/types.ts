// What an upstream image does on its own, at the pinned tag: the facts a
// catalog entry's rendering relies on (entrypoint, user, writable paths,
// binaries, env names). One file per image; each fact names its source (repo,
// file, version). Tests check every rendered service against these
// (test/catalog/upstream-facts.test.ts), so a health check that calls a binary
// the image lacks, an env name the version does not read, a command override
// that skips the entrypoint's user switch or a read-only root over a path the
// app writes fails in CI, before anything runs.

export interface UpstreamFacts {
  readonly image: string; // repository without tag, e.g. 'n8nio/n8n'
  readonly version: string; // the pinned tag
  readonly released: string; // YYYY-MM-DD
  readonly entrypoint: readonly string[];
  readonly cmd?: readonly string[];
  readonly user: string; // as the image runs by default
  readonly stepsDownWhenFirstArg?: readonly string[]; // the entrypoint drops privileges only when the first argument is one of these
  readonly writablePaths: readonly string[];
  readonly binaries: readonly string[]; // present in the image: 'sh','bash','curl','wget','python3','node',...
  readonly envRead: readonly string[]; // env names the app reads at this version
  /** Env the entrypoint applies only when it initialises an empty data directory (the marker file absent): changing it later changes nothing. */
  readonly envOnlyOnEmptyData?: { readonly marker: string; readonly env: readonly string[] };
  readonly sources: readonly string[]; // URLs with file and version for the facts above
}
