// The shape of the upstream facts a catalog entry relies on: what the image
// does by default (entrypoint, user, what it writes, which binaries it ships,
// which environment names the app reads at the pinned version), each with its
// source. Tests check the rendered compose service against them
// (test/catalog/dify-upstream-facts.test.ts).
// Declared here for the Dify family; the catalog helper declares the same
// interface in src/catalog/upstream/types.ts, which the lead unifies.

export interface UpstreamFacts {
  readonly image: string; // repository without tag, e.g. 'langgenius/dify-api'
  readonly version: string; // the pinned tag
  readonly released: string; // YYYY-MM-DD
  readonly entrypoint: readonly string[];
  readonly cmd?: readonly string[];
  readonly user: string; // as the image runs by default: 'root', '1001', 'node'...
  /** The entrypoint drops privileges only when the first argument is one of these (redis: ['redis-server']). */
  readonly stepsDownWhenFirstArg?: readonly string[];
  readonly writablePaths: readonly string[]; // paths the app writes at run time
  readonly binaries: readonly string[]; // present in the image: 'sh','bash','curl','wget','python3','node','redis-cli','pg_isready'...
  readonly envRead: readonly string[]; // env names the app reads at this version
  readonly sources: readonly string[]; // URLs with file and version for the facts above
}
