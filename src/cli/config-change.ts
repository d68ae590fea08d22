// One change to moat.yaml as the ops commands make it: read the file, edit
// only the entries concerned (config-edit.ts), load the platform the new
// text gives with the loader's every validator (a change moat.yaml would not
// load with is refused before anything is written), then write it back
// atomically. The caller decides between the load and the write (the proof).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import type { LoadedPlatform } from '../model/load.js';
import { DEFAULT_CONFIG_NAME } from '../model/load.js';
import { COMPOSE_FILE } from '../render/compose.js';
import type { ConfigEdit, ConfigFile } from './config-edit.js';
import { editConfigText, readConfigFile, writeConfigFile } from './config-edit.js';
import { loadPlatformText } from './load-platform.js';

export interface ConfigChange {
  readonly original: ConfigFile;
  readonly text: string;
  readonly changed: boolean;
  /** The platform before and after the change. */
  readonly before: LoadedPlatform;
  readonly after: LoadedPlatform;
}

/** The config file a command edits: `--config`, else ./moat.yaml (created if missing). */
export function configFileOf(config: string | undefined, cwd = process.cwd()): string {
  return resolve(cwd, config ?? DEFAULT_CONFIG_NAME);
}

/** Reads the file, applies the edits in memory and loads both versions; throws UserInputError when either does not load. */
export async function prepareChange(
  file: string,
  edits: readonly ConfigEdit[] | ((current: LoadedPlatform, data: unknown) => readonly ConfigEdit[]),
): Promise<ConfigChange> {
  const original = await readConfigFile(file);
  const display = file;
  const before = loadPlatformText(original.text, file, display);
  const list = typeof edits === 'function' ? edits(before, dataOf(original.text, file)) : edits;
  const text = editConfigText(original.text, list, display);
  const after = text === original.text ? before : loadPlatformText(text, file, display);
  return { original, text, changed: text !== original.text, before, after };
}

export async function commitChange(change: ConfigChange): Promise<'written' | 'unchanged'> {
  if (!change.changed) return 'unchanged';
  return writeConfigFile(change.original, change.text);
}

/** The file's data as written (for finding an entry's index). */
function dataOf(text: string, file: string): unknown {
  // editConfigText with no edits parses and checks the text; its data is the loader's.
  editConfigText(text, [], file);
  return parseData(text);
}

function parseData(text: string): unknown {
  return (parse(text, { version: '1.2' }) as unknown) ?? {};
}

/** Whether `moat up` has written a bundle there (then a change takes effect with the next `moat up`). */
export function isDeployed(bundleDir: string): boolean {
  return existsSync(resolve(bundleDir, COMPOSE_FILE));
}
