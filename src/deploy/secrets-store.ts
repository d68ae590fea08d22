// The secrets store: one dotenv file (mode 0600) that is the only place a
// secret's value lives. Values are generated once with a CSPRNG; an existing
// value is never changed except by an explicit rotation of a rotatable secret,
// so `up` and `plan` can run any number of times without touching the file.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { closest } from 'fastest-levenshtein';
import type { Finding } from '../model/findings.js';
import { UserInputError } from '../model/findings.js';
import { allSecrets } from '../model/lookup.js';
import type { Platform, SecretRef } from '../model/types.js';

export const SECRETS_FILE_MODE = 0o600;

const HEADER = [
  '# moat secrets store. Generated once by moat; never commit this file.',
  '# Values marked never-rotate (in the platform model) must not change once the app stored data with them.',
];

/** Where the store lives by default: `.moat/secrets.env` beside the bundle directory. */
export function defaultSecretsPath(bundleDir: string): string {
  return join(dirname(bundleDir), '.moat', 'secrets.env');
}

export function generateSecret(secret: SecretRef): string {
  const bytes = randomBytes(secret.generate.bytes);
  const body = secret.generate.encoding === 'hex' ? bytes.toString('hex') : bytes.toString('base64url');
  return `${secret.generate.prefix}${body}`;
}

/** Parses `NAME=value` lines; comments and blank lines are skipped. Values are raw (no quoting). */
export function parseSecrets(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) continue;
    values.set(trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1));
  }
  return values;
}

/** Sorted by name with a fixed header: the same values always give the same bytes. */
export function formatSecrets(values: ReadonlyMap<string, string>): string {
  const names = [...values.keys()].sort();
  return `${[...HEADER, ...names.map((n) => `${n}=${values.get(n) ?? ''}`)].join('\n')}\n`;
}

export async function readSecrets(file: string): Promise<Map<string, string> | undefined> {
  try {
    return parseSecrets(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The store's folder ignores itself: the scripts moat replaces committed their
 * secrets with the rest of the repository. Written in a folder moat created or
 * in `.moat` (the default); never in a folder the user chose that holds other
 * files (a `*` there would hide them from git), and an existing one is kept.
 */
async function ignoreStoreFolder(folder: string, created: boolean): Promise<void> {
  if (!created && basename(folder) !== '.moat') return;
  try {
    await writeFile(join(folder, '.gitignore'), '# moat secrets store: never commit.\n*\n', { flag: 'wx', mode: 0o644 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Writes atomically (temp file + rename), created with mode 0600 so the value is never world-readable. */
export async function writeSecrets(file: string, values: ReadonlyMap<string, string>): Promise<void> {
  const created = await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await ignoreStoreFolder(dirname(file), created !== undefined);
  const temp = `${file}.tmp-${process.pid}`;
  await writeFile(temp, formatSecrets(values), { mode: SECRETS_FILE_MODE });
  await chmod(temp, SECRETS_FILE_MODE);
  await rename(temp, file);
}

/** Problems with values already in the store: known upstream defaults, unusable characters. */
export function storeFindings(platform: Platform, values: ReadonlyMap<string, string>, file: string): Finding[] {
  const findings: Finding[] = [];
  for (const secret of allSecrets(platform)) {
    const value = values.get(secret.name);
    if (value === undefined) continue;
    if (secret.knownDefaults.includes(value)) {
      findings.push({
        code: 'secrets.known-default',
        severity: 'critical',
        path: `secrets.${secret.name}`,
        message: `${secret.name} in ${file} is a published upstream default; anyone who read the sample knows it`,
        hint:
          secret.policy === 'rotatable'
            ? `run \`moat secrets rotate ${secret.name}\` to replace it with a generated value`
            : `${secret.name} must never change once data exists: if this is a new deployment, delete its line from ${file} and run moat again`,
      });
    }
    if (value === '' || /[\s"'\\]/.test(value)) {
      findings.push({
        code: 'secrets.unusable-value',
        severity: 'high',
        path: `secrets.${secret.name}`,
        message: `${secret.name} in ${file} is empty or contains whitespace, quotes or backslashes, which env files cannot carry the same way in every Compose version`,
        hint: `delete its line from ${file} so moat generates one${secret.policy === 'never-rotate' ? ' (only on a new deployment: it must never change)' : ''}`,
      });
    }
  }
  return findings;
}

export interface EnsureResult {
  readonly values: ReadonlyMap<string, string>;
  /** Names generated by this call (empty when the file was left untouched). */
  readonly generated: readonly string[];
}

/**
 * Makes sure every secret of the platform has a value. Writes the file only
 * when something was missing; keeps values of secrets the platform no longer
 * uses (a disabled service may come back and needs its old key).
 */
export async function ensureSecrets(platform: Platform, file: string): Promise<EnsureResult> {
  const existing = (await readSecrets(file)) ?? new Map<string, string>();
  const findings = storeFindings(platform, existing, file);
  if (findings.length > 0) throw new UserInputError(findings);
  const values = new Map(existing);
  const generated: string[] = [];
  for (const secret of allSecrets(platform)) {
    if (values.has(secret.name)) continue;
    values.set(secret.name, generateSecret(secret));
    generated.push(secret.name);
  }
  if (generated.length > 0) await writeSecrets(file, values);
  else await tightenMode(file);
  return { values, generated };
}

/** A store someone chmod-ed open is closed again (and a `.moat` made before moat ignored it, ignored): its content is untouched. */
async function tightenMode(file: string): Promise<void> {
  try {
    const info = await stat(file);
    if ((info.mode & 0o777) !== SECRETS_FILE_MODE) await chmod(file, SECRETS_FILE_MODE);
    await ignoreStoreFolder(dirname(file), false);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Replaces one rotatable secret's value; never-rotate and unknown names are refused as findings. */
export async function rotateSecret(platform: Platform, file: string, name: string): Promise<void> {
  const secrets = allSecrets(platform);
  const secret = secrets.find((s) => s.name === name);
  if (!secret) {
    const suggestion =
      secrets.length > 0
        ? closest(
            name,
            secrets.map((s) => s.name),
          )
        : undefined;
    throw new UserInputError([
      {
        code: 'secrets.unknown',
        severity: 'high',
        path: `secrets.${name}`,
        message: `no secret named ${name} in this platform`,
        hint: suggestion ? `did you mean ${suggestion}? \`moat secrets\` lists them` : '`moat secrets` lists them',
      },
    ]);
  }
  if (secret.policy === 'never-rotate') {
    throw new UserInputError([
      {
        code: 'secrets.never-rotate',
        severity: 'high',
        path: `secrets.${name}`,
        message: `${name} is marked never-rotate: ${secret.why}`,
        hint: 'it is kept as it is; to start over with new data, `moat reset` removes the volumes and the secrets together',
      },
    ]);
  }
  // Never fill the store here: a missing never-rotate key generated by a
  // rotation would bypass the lost-key guard of `up` (which checks volumes).
  const values = await readSecrets(file);
  const missing = allSecrets(platform)
    .filter((s) => !values?.has(s.name))
    .map((s) => s.name);
  if (!values || missing.length > 0) {
    throw new UserInputError([
      {
        code: 'secrets.store-incomplete',
        severity: 'high',
        path: values ? `secrets.${missing[0]}` : 'secrets',
        message: values
          ? `${file} lacks ${missing.join(', ')}; a rotation changes one secret and never creates others`
          : `there is no secrets store at ${file}; a rotation changes one existing secret and never creates the store`,
        hint: `run \`moat up\` first (it generates missing secrets, and refuses when data made with a lost never-rotate key still exists), or restore ${file} from a backup`,
      },
    ]);
  }
  const next = new Map(values);
  let value = generateSecret(secret);
  while (value === values.get(name)) value = generateSecret(secret);
  next.set(name, value);
  await writeSecrets(file, next);
}
