// Load the platform: the built-in reference, overridden by moat.yaml if present.
// Placeholder until the config loader lands: the reference platform only.
import { referencePlatform } from '../catalog/reference.js';
import { normalizePlatform } from './normalize.js';
import type { Platform } from './types.js';

export interface LoadOptions {
  /** An explicit config file; otherwise `moat.yaml` in cwd if it exists. */
  readonly configPath?: string | undefined;
  readonly cwd: string;
}

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface LoadedPlatform {
  readonly platform: Platform;
  /** The config file that was read, if any. */
  readonly configFile?: string;
  /** Maps a model key path (`services.dify-db.publish[0]`) to where the user wrote it. */
  readonly locate: (path: string) => SourceLocation | undefined;
}

/** Throws UserInputError (exit 2) with every problem of the config at once. */
export async function loadPlatform(_options: LoadOptions): Promise<LoadedPlatform> {
  return { platform: normalizePlatform(referencePlatform()), locate: () => undefined };
}
