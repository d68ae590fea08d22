// Load the platform: the built-in reference, overridden by moat.yaml if present.
// Every problem of the file is collected and located, then thrown at once as a
// UserInputError (exit 2); nothing is rendered from an invalid config.
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { ZodError } from 'zod';
import { addressFindings } from './addressing.js';
import type { UnlocatedFinding } from './config-issues.js';
import { issueFindings } from './config-issues.js';
import { mergeConfig } from './config-merge.js';
import { validRemainder } from './config-prune.js';
import { routeFindings } from './config-routes.js';
import { ConfigSchema } from './config-schema.js';
import type { ConfigDocument, PathSegment, SourceLocation } from './config-yaml.js';
import { formatPath, locateInDocument, parseConfigText, parsePath } from './config-yaml.js';
import type { Finding } from './findings.js';
import { UserInputError } from './findings.js';
import { llmFindings } from './llm.js';
import { normalizePlatform } from './normalize.js';
import { byText } from './order.js';
import type { Platform, PlatformInput } from './types.js';

export interface LoadOptions {
  /** An explicit config file; otherwise `moat.yaml` in cwd if it exists. */
  readonly configPath?: string | undefined;
  readonly cwd: string;
  /** The platform a config overrides: the catalog's reference (the model imports no catalog). */
  readonly reference: () => PlatformInput;
}

export type { SourceLocation } from './config-yaml.js';

export interface LoadedPlatform {
  readonly platform: Platform;
  /** The config file that was read, if any. */
  readonly configFile?: string;
  /** Maps a model key path (`services.dify-db.publish[0]`) to where the user wrote it. */
  readonly locate: (path: string) => SourceLocation | undefined;
}

export const DEFAULT_CONFIG_NAME = 'moat.yaml';

interface ConfigSource {
  readonly file: string;
  /** How the file is named in messages: as the user wrote it, or relative to cwd. */
  readonly display: string;
  readonly text: string;
}

async function readConfig(options: LoadOptions): Promise<ConfigSource | undefined> {
  const explicit = options.configPath !== undefined;
  const file = resolve(options.cwd, options.configPath ?? DEFAULT_CONFIG_NAME);
  const display = options.configPath ?? DEFAULT_CONFIG_NAME;
  try {
    const bytes = await readFile(file);
    return { file, display, text: decodeUtf8(bytes, display) };
  } catch (error) {
    if (error instanceof UserInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return undefined;
    const missing = code === 'ENOENT';
    throw new UserInputError([
      {
        code: missing ? 'config.file-missing' : 'config.file-unreadable',
        severity: 'high',
        path: display,
        message: missing ? `config file ${display} does not exist` : `config file ${display} cannot be read (${code ?? String(error)})`,
        hint: missing
          ? `check the path given to --config (relative to ${options.cwd}), or leave --config out to use ./moat.yaml or the built-in reference platform`
          : 'check that it is a readable file',
      },
    ]);
  }
}

/** Address findings a network setting can cause for a service the file never names. */
const ADDRESS_CODES: ReadonlySet<string> = new Set(['config.address-outside-subnet', 'config.address-reserved', 'config.duplicate-address']);

/** The file's text, or a located error at the first byte that is not UTF-8 (never silently replaced). */
function decodeUtf8(bytes: Buffer, display: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let valid = bytes.length;
    // The longest prefix that decodes: the bad byte is right after it.
    let lo = 0;
    let hi = bytes.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
        lo = mid;
      } catch {
        hi = mid - 1;
      }
    }
    valid = lo;
    const before = bytes.subarray(0, valid).toString('utf8');
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    throw new UserInputError([
      {
        code: 'config.not-utf8',
        severity: 'high',
        path: display,
        location: { file: display, line, column },
        message: `${display} is not UTF-8 (byte ${valid + 1} is not valid)`,
        hint: 'save the file as UTF-8',
      },
    ]);
  }
}

/** Model key path → the config key path the user would have written, if any. */
function toConfigSegments(model: readonly PathSegment[], input: PlatformInput, referenceRoutes: number, referenceAllow: number): PathSegment[] | undefined {
  const [head, second, third, ...rest] = model;
  if (head === 'llm' && second === 'models') return ['models', ...model.slice(2)];
  if (head === 'networks') return ['network', ...model.slice(2)];
  if (head === 'services' && typeof second === 'number') {
    const name = input.services[second]?.name;
    return name === undefined ? undefined : ['services', name, ...model.slice(2)];
  }
  if (head === 'gateway' && second === 'routes' && typeof third === 'number') {
    return third >= referenceRoutes ? ['routes', third - referenceRoutes, ...rest] : undefined;
  }
  if (head === 'policy' && second === 'allow' && typeof third === 'number') {
    return third >= referenceAllow ? ['policy', 'allow', third - referenceAllow, ...rest] : undefined;
  }
  return [...model];
}

function byLocation(a: Finding, b: Finding): number {
  const la = a.location;
  const lb = b.location;
  if (la && lb && (la.line !== lb.line || la.column !== lb.column)) return la.line - lb.line || la.column - lb.column;
  if (la && !lb) return -1;
  if (!la && lb) return 1;
  return byText(a.path, b.path) || byText(a.code, b.code);
}

function loadFromDocument(config: ConfigDocument, source: ConfigSource, referencePlatform: () => PlatformInput): LoadedPlatform {
  const inConfig = (segments: readonly PathSegment[], prefer: 'auto' | 'key' = 'auto') => locateInDocument(config, segments, prefer);
  const written = (path: string): boolean => inConfig(parsePath(path))?.exact === true;
  const located = (f: UnlocatedFinding, segments = f.segments ?? parsePath(f.path), documentFallback = true): Finding => {
    const { preferKey, segments: _segments, ...rest } = f;
    // A problem with the whole file (not a mapping) has no key path: name the file.
    const finding = rest.path === '' ? { ...rest, path: config.file } : rest;
    // A key the document cannot address (an empty or complex `? key`) is located at the document.
    const at = inConfig(segments, preferKey === true ? 'key' : 'auto') ?? (documentFallback ? inConfig([]) : undefined);
    return at ? { ...finding, location: at.location } : finding;
  };

  const findings: Finding[] = [];
  const parsed = ConfigSchema.safeParse(config.data);
  const valid = parsed.success ? parsed.data : validRemainder(config.data, parsed.error.issues);
  if (!parsed.success) findings.push(...issueFindings(parsed.error.issues, config.data).map((f) => located(f)));
  if (valid === undefined) throw new UserInputError(findings.sort(byLocation));

  const reference = referencePlatform();
  const merged = mergeConfig(valid, reference, written, config.data);
  findings.push(...merged.findings.map((f) => located(f)));
  const toConfig = (model: readonly PathSegment[]) => toConfigSegments(model, merged.input, merged.referenceRoutes, merged.referenceAllow);
  const locate = (path: string): SourceLocation | undefined => {
    const segments = toConfig(parsePath(path));
    return segments && inConfig(segments)?.location;
  };

  let platform: Platform | undefined;
  try {
    platform = normalizePlatform(merged.input);
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    // The config schema mirrors the model, so this is rare: report in config terms.
    for (const f of issueFindings(error.issues, merged.input)) {
      const segments = toConfig(parsePath(f.path)) ?? [];
      findings.push(located({ ...f, path: formatPath(segments) || f.path }, segments));
    }
  }
  if (platform) {
    // Model key paths → the config's (`networks.ai-platform.gateway` → `network.gateway`).
    for (const f of [...addressFindings(platform, { written }), ...routeFindings(platform), ...llmFindings(platform)]) {
      const segments = toConfig(parsePath(f.path)) ?? parsePath(f.path);
      const finding = located({ ...f, path: formatPath(segments) }, segments, false);
      // A catalog service's address the file never names, made wrong by the file's network settings:
      // point at those settings.
      const network = finding.location === undefined && ADDRESS_CODES.has(f.code) ? inConfig(['network']) : undefined;
      const fallback = finding.location === undefined && !network ? inConfig([]) : undefined;
      findings.push(
        network
          ? { ...finding, location: network.location, hint: `${finding.hint} (the network set in ${config.file} moved ${segments.join('.')} outside it)` }
          : fallback
            ? { ...finding, location: fallback.location }
            : finding,
      );
    }
  }
  if (findings.length > 0 || !platform) throw new UserInputError(findings.sort(byLocation));
  return { platform, configFile: source.file, locate };
}

/** Throws UserInputError (exit 2) with every problem of the config at once. */
export async function loadPlatform(options: LoadOptions): Promise<LoadedPlatform> {
  const source = await readConfig(options);
  if (!source) return { platform: normalizePlatform(options.reference()), locate: () => undefined };
  const parsed = parseConfigText(source.text, displayName(source, options.cwd));
  if (!parsed.ok) throw new UserInputError(parsed.findings);
  return loadFromDocument(parsed.config, source, options.reference);
}

function displayName(source: ConfigSource, cwd: string): string {
  if (!isAbsolute(source.display)) return source.display;
  const rel = relative(cwd, source.file);
  return rel.startsWith('..') ? source.file : rel;
}

/** loadPlatform for text that is not on disk yet (what a command is about to write to `file`); throws UserInputError the same way. */
export function loadPlatformText(text: string, file: string, reference: () => PlatformInput, display = file): LoadedPlatform {
  const parsed = parseConfigText(text, display);
  if (!parsed.ok) throw new UserInputError(parsed.findings);
  return loadFromDocument(parsed.config, { file, display, text }, reference);
}
