// Where `moat audit` gets its artifacts: files and directories the user named
// (walked, read as UTF-8 text), or with `--live` the host's own state from the
// tools that print it. The only I/O of the ingest path lives here; the
// ingesters get text. Nothing here decides what a file is (detect.ts does).
//
// Hostile or careless input: secret files (env files, private keys) are never
// read, binary and huge files are skipped, and every file that cannot be read
// is a located problem, not a crash.
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { execa } from 'execa';
import { type Artifact, artifactProblem } from '../ingest/types.js';
import type { Finding } from '../model/findings.js';

export const COLLECT_FINDING_DOCS = [
  {
    code: 'ingest.collect.unreadable',
    title: 'A path cannot be read',
    help: 'A file or directory given to `moat audit` does not exist or cannot be read (permissions). What it would have said stays unknown; check the path, or run with the rights to read it.',
    severity: 'high',
  },
  {
    code: 'ingest.collect.too-large',
    title: 'A file is too large to be an artifact',
    help: 'Files over 5 MB are not read: no configuration moat reads is that large, and reading one could exhaust memory. If it really is an artifact, split it (one `docker inspect` per container, say).',
    severity: 'medium',
  },
  {
    code: 'ingest.collect.not-utf8',
    title: 'A file is not UTF-8 text',
    help: 'The file has bytes that are not UTF-8 at the line named. moat reads text artifacts only and does not guess an encoding; convert the file (`iconv -t UTF-8`) or pass the tool output again.',
    severity: 'medium',
  },
  { code: 'ingest.collect.binary', title: 'A file is binary', help: 'The file has NUL bytes, so it is not a text artifact; it is skipped.', severity: 'info' },
  {
    code: 'ingest.collect.secret-skipped',
    title: 'A file that may hold secrets was not read',
    help: 'Env files (`.env`, `*.env`), private keys (`*.key`, `*.pem`, `id_*`, `ssh_host_*_key`) and `secrets/` directories are never read: moat does not need secrets to prove exposure, and never copies them.',
    severity: 'info',
  },
  {
    code: 'ingest.collect.too-many-files',
    title: 'A directory holds too many files',
    help: 'The walk stops after 10000 files. Name the directory that holds the deployment rather than a parent of it.',
    severity: 'medium',
  },
  {
    code: 'ingest.live.missing-command',
    title: 'A tool for --live is not installed',
    help: 'A command `moat audit --live` runs to read the host is not on PATH, so the layer it reports stays unknown. Install the package named in the hint, or pass that layer as a file.',
    severity: 'info',
  },
  {
    code: 'ingest.live.command-failed',
    title: 'A tool for --live failed',
    help: 'A command `moat audit --live` runs exited with an error (often: it needs root). The layer it reports stays unknown; run as root, or pass that layer as a file.',
    severity: 'info',
  },
] as const;

const MAX_BYTES = 5 * 1024 * 1024;
const MAX_FILES = 10_000;
const MAX_DEPTH = 20;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/** Names of files that hold secrets in the deployments moat audits (compose env files, TLS and SSH keys); a walk also skips `secrets/` directories. */
export function looksSecret(path: string): boolean {
  const name = basename(path);
  if (/^\.env(\..*)?$/.test(name) || /\.env$/.test(name)) return true;
  return /\.(pem|key|p12|pfx|jks|keystore)$/i.test(name) || /_key$/.test(name) || /^id_(rsa|dsa|ecdsa|ed25519)/.test(name);
}

interface Walk {
  readonly cwd: string;
  readonly artifacts: Artifact[];
  readonly problems: Finding[];
  readonly seen: Set<string>;
  files: number;
}

const name = (w: Walk, abs: string) => (relative(w.cwd, abs) || '.').split(sep).join('/');
const problem = (w: Walk, file: string, code: Finding['code'], severity: Finding['severity'], message: string, hint: string) =>
  w.problems.push(artifactProblem(code, severity, { file, line: 1 }, message, hint));

/** The 1-based line of the first byte sequence that is not UTF-8, or undefined when all of it is. */
export function firstNonUtf8Line(bytes: Uint8Array): number | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line += 1;
      start = i + 1;
    }
  }
  return undefined;
}

async function readText(w: Walk, abs: string, explicit: boolean): Promise<void> {
  const file = name(w, abs);
  if (w.seen.has(abs)) return;
  w.seen.add(abs);
  if (looksSecret(abs))
    return void problem(
      w,
      file,
      'ingest.collect.secret-skipped',
      'info',
      `${file} may hold secrets; not read`,
      'moat needs no secrets to prove exposure; pass the configuration files only',
    );
  if (++w.files > MAX_FILES) {
    if (w.files === MAX_FILES + 1)
      problem(
        w,
        file,
        'ingest.collect.too-many-files',
        'medium',
        `more than ${MAX_FILES} files; the walk stops at ${file}`,
        'name the directory that holds the deployment, not a parent of it',
      );
    return;
  }
  try {
    const info = await stat(abs);
    if (info.size > MAX_BYTES)
      return void problem(
        w,
        file,
        'ingest.collect.too-large',
        'medium',
        `${file} is ${Math.round(info.size / 1024 / 1024)} MB, more than the 5 MB moat reads`,
        'pass a smaller artifact (split it per container or per table)',
      );
    const bytes = await readFile(abs);
    if (bytes.subarray(0, 8192).includes(0)) {
      if (explicit)
        problem(
          w,
          file,
          'ingest.collect.binary',
          'info',
          `${file} is binary, not a text artifact; skipped`,
          'pass the text output of the tool (nft -j, iptables-save, docker inspect)',
        );
      return;
    }
    const bad = firstNonUtf8Line(bytes);
    if (bad !== undefined) {
      w.problems.push(
        artifactProblem(
          'ingest.collect.not-utf8',
          'medium',
          { file, line: bad },
          `${file} is not UTF-8 text (line ${bad}); not read`,
          `convert it: iconv -t UTF-8 ${file}`,
        ),
      );
      return;
    }
    const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
    w.artifacts.push({ file, text });
  } catch (error) {
    problem(w, file, 'ingest.collect.unreadable', 'high', `${file} cannot be read: ${errorText(error)}`, 'check the path and that you may read it');
  }
}

async function walk(w: Walk, abs: string, depth: number, explicit: boolean): Promise<void> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = explicit ? await stat(abs) : await lstat(abs);
  } catch (error) {
    return void problem(
      w,
      name(w, abs),
      'ingest.collect.unreadable',
      'high',
      `${name(w, abs)} cannot be read: ${errorText(error)}`,
      'check the path and that you may read it',
    );
  }
  if (info.isDirectory()) {
    if (depth > MAX_DEPTH || (!explicit && SKIPPED_DIRS.has(basename(abs)))) return;
    if (!explicit && basename(abs) === 'secrets')
      return void problem(
        w,
        name(w, abs),
        'ingest.collect.secret-skipped',
        'info',
        `${name(w, abs)}/ may hold secrets; not read`,
        'moat needs no secrets to prove exposure',
      );
    let entries: string[];
    try {
      entries = (await readdir(abs)).sort();
    } catch (error) {
      return void problem(
        w,
        name(w, abs),
        'ingest.collect.unreadable',
        'high',
        `${name(w, abs)} cannot be listed: ${errorText(error)}`,
        'check that you may read the directory',
      );
    }
    for (const entry of entries) await walk(w, join(abs, entry), depth + 1, false);
    return;
  }
  // Symbolic links met in a walk are not followed (loops, and links out of the tree).
  if (info.isFile()) await readText(w, abs, explicit);
}

/** The artifacts of the paths `moat audit` was given (files, and directories walked), named relative to cwd. */
export async function collectArtifacts(paths: readonly string[], cwd: string): Promise<{ artifacts: Artifact[]; problems: Finding[] }> {
  const w: Walk = { cwd, artifacts: [], problems: [], seen: new Set(), files: 0 };
  for (const p of paths) await walk(w, resolve(cwd, p), 0, true);
  return { artifacts: w.artifacts, problems: w.problems };
}

function errorText(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e.code ?? e.message ?? String(error);
}

// ---------------------------------------------------------------- --live

export interface LiveOptions {
  /** Environment for the commands (tests put stub commands first on PATH). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where sshd's configuration is; default /etc/ssh/sshd_config. */
  readonly sshdConfig?: string;
  readonly timeoutMs?: number;
}

interface Command {
  readonly file: string;
  readonly args: readonly string[];
  /** The Debian package that provides it. */
  readonly install: string;
}

const LIVE_COMMANDS: readonly Command[] = [
  { file: 'nft', args: ['-j', 'list', 'ruleset'], install: 'nftables' },
  { file: 'iptables-save', args: [], install: 'iptables' },
  { file: 'ip6tables-save', args: [], install: 'iptables' },
  { file: 'ss', args: ['-tulpnH'], install: 'iproute2' },
];

type Run = { ok: true; stdout: string } | { ok: false; missing: boolean; reason: string };

async function run(file: string, args: readonly string[], options: LiveOptions): Promise<Run> {
  try {
    const r = await execa(file, args, {
      reject: false,
      timeout: options.timeoutMs ?? 15_000,
      maxBuffer: 50 * 1024 * 1024,
      stdin: 'ignore',
      ...(options.env ? { env: options.env } : {}),
    });
    const code = (r as { code?: string }).code;
    if (code === 'ENOENT') return { ok: false, missing: true, reason: 'not found' };
    if (r.failed) {
      const why = r.timedOut ? 'timed out' : (`${r.stderr ?? ''}`.split('\n').find((l) => l.trim() !== '') ?? `exit code ${r.exitCode}`);
      return { ok: false, missing: false, reason: why.slice(0, 200) };
    }
    return { ok: true, stdout: `${r.stdout ?? ''}` };
  } catch (error) {
    return { ok: false, missing: false, reason: errorText(error) };
  }
}

const liveName = (file: string, args: readonly string[]) => `live:${[file, ...args].join(' ')}`;

/** The host's own artifacts, from the tools that are present; a problem (info) for each that could not be read. */
export async function collectLive(options: LiveOptions = {}): Promise<{ artifacts: Artifact[]; problems: Finding[] }> {
  const artifacts: Artifact[] = [];
  const problems: Finding[] = [];
  const failed = (file: string, r: Extract<Run, { ok: false }>, command: string, install: string) =>
    problems.push(
      r.missing
        ? artifactProblem(
            'ingest.live.missing-command',
            'info',
            { file, line: 1 },
            `${command} is not installed; what it reports stays unknown`,
            `install ${install} (apt-get install ${install}), or pass that layer as a file`,
          )
        : artifactProblem(
            'ingest.live.command-failed',
            'info',
            { file, line: 1 },
            `${command} failed: ${r.reason}; what it reports stays unknown`,
            'run moat audit --live as root, or pass that layer as a file',
          ),
    );
  for (const c of LIVE_COMMANDS) {
    const file = liveName(c.file, c.args);
    const r = await run(c.file, c.args, options);
    if (r.ok) artifacts.push({ file, text: r.stdout });
    else failed(file, r, [c.file, ...c.args].join(' '), c.install);
  }
  await collectDocker(options, artifacts, failed);
  await collectSshd(options, artifacts, problems);
  return { artifacts, problems };
}

type Failed = (file: string, r: Extract<Run, { ok: false }>, command: string, install: string) => void;

async function collectDocker(options: LiveOptions, artifacts: Artifact[], failed: Failed): Promise<void> {
  const ps = await run('docker', ['ps', '-aq', '--no-trunc'], options);
  const inspectName = liveName('docker', ['inspect']);
  if (!ps.ok) return failed(inspectName, ps, 'docker ps', 'docker.io');
  const ids = ps.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[0-9a-f]{12,64}$/.test(l));
  if (ids.length === 0) {
    artifacts.push({ file: inspectName, text: '[]\n' }); // no containers: nothing is published
  } else {
    const inspect = await run('docker', ['inspect', ...ids], options);
    if (inspect.ok) artifacts.push({ file: inspectName, text: inspect.stdout });
    else failed(inspectName, inspect, 'docker inspect', 'docker.io');
  }
  // Best effort: the compose projects and their merged configuration.
  const ls = await run('docker', ['compose', 'ls', '--all', '--format', 'json'], options);
  if (!ls.ok) return failed(liveName('docker', ['compose', 'ls']), ls, 'docker compose ls', 'docker-compose-plugin (or docker-compose-v2)');
  let projects: unknown;
  try {
    projects = JSON.parse(ls.stdout);
  } catch {
    projects = [];
  }
  for (const p of Array.isArray(projects) ? projects : []) {
    const project = p as { Name?: unknown; ConfigFiles?: unknown };
    if (typeof project.Name !== 'string' || typeof project.ConfigFiles !== 'string' || project.ConfigFiles === '') continue;
    const args = ['compose', ...project.ConfigFiles.split(',').flatMap((f) => ['-f', f]), 'config', '--format', 'json'];
    const file = `live:docker compose config (${project.Name})`;
    const r = await run('docker', args, options);
    if (r.ok) artifacts.push({ file, text: r.stdout });
    else failed(file, r, `docker compose config of ${project.Name}`, 'docker-compose-plugin');
  }
}

async function collectSshd(options: LiveOptions, artifacts: Artifact[], problems: Finding[]): Promise<void> {
  const main = options.sshdConfig ?? '/etc/ssh/sshd_config';
  const files = [main];
  try {
    const dir = `${main}.d`;
    for (const f of (await readdir(dir)).filter((f) => f.endsWith('.conf')).sort()) files.push(join(dir, f));
  } catch {
    // no drop-in directory: nothing to add
  }
  for (const f of files) {
    const file = `live:${f}`;
    try {
      artifacts.push({ file, text: await readFile(f, 'utf8') });
    } catch (error) {
      const missing = (error as { code?: string }).code === 'ENOENT';
      problems.push(
        missing
          ? artifactProblem(
              'ingest.live.missing-command',
              'info',
              { file, line: 1 },
              `${f} does not exist; where sshd listens stays unknown`,
              'install openssh-server, or pass its configuration as a file',
            )
          : artifactProblem(
              'ingest.live.command-failed',
              'info',
              { file, line: 1 },
              `${f} cannot be read: ${errorText(error)}`,
              'run moat audit --live as root',
            ),
      );
    }
  }
}
