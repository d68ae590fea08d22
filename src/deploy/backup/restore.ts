// `moat restore` without the CLI. Nothing changes until every check passed
// (verify.ts, and the never-rotate keys); then only the services whose data
// comes back are stopped (a database's clients, the services that mount a
// restored volume, Redis itself), PostgreSQL's roles take the restored
// passwords (pg-roles.ts), the parts are restored, and those services are
// started again and waited on until healthy.
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { didYouMean } from '../../model/did-you-mean.js';
import type { Finding } from '../../model/findings.js';
import { UserInputError } from '../../model/findings.js';
import { serviceByName } from '../../model/lookup.js';
import type { Platform } from '../../model/types.js';
import type { Progress } from '../progress.js';
import { readSecrets, writeSecrets } from '../secrets-store.js';
import { writeServiceEnvFiles } from '../service-env.js';
import { N8N_IMPORT, pgRestore, REDIS_RDB_FILE } from './commands.js';
import type { Manifest, Part } from './manifest.js';
import { applyRoleSteps, roleSteps } from './pg-roles.js';
import { clientsOf, serviceOwner, volumeOwners } from './plan.js';
import { decryptSecrets, keyConflicts } from './secrets-part.js';
import { singleFileTar } from './tar.js';
import type { BackupTarget, StartFailure } from './target.js';
import { archiveFindings, checksumFindings, manifestFindings, readManifest } from './verify.js';

export interface RestoreOptions {
  readonly platform: Platform;
  readonly backupDir: string;
  readonly secretsFile: string;
  /** Where the service env files are rewritten from the restored store (and the bundle part goes, with --only bundle). */
  readonly bundleDir?: string;
  readonly passphrase: string;
  /** Part names, name prefixes (`postgres/dify-db`) or service names; default: every part not marked on-request. */
  readonly only?: readonly string[];
  readonly replaceKeys?: boolean;
  readonly progress?: Progress;
}

export interface RestoreResult {
  readonly ok: boolean;
  readonly restored: readonly string[];
  readonly failures: readonly { readonly part: string; readonly message: string }[];
  /** Never-rotate secrets whose live value was replaced by the backup's (--replace-keys). */
  readonly keysReplaced: readonly string[];
  readonly stopped: readonly string[];
  readonly startFailures: readonly StartFailure[];
}

/** A part name or prefix selects on-request parts too; a service name selects that service's default parts (its volume, not n8n's export on top). */
const matches = (part: Part, selector: string): boolean =>
  part.name === selector || part.name.startsWith(`${selector}/`) || (part.service === selector && !part.onRequest);

function selectParts(manifest: Manifest, only: readonly string[] | undefined): { parts: Part[]; findings: Finding[] } {
  if (only === undefined || only.length === 0) return { parts: manifest.parts.filter((p) => !p.onRequest), findings: [] };
  const findings: Finding[] = [];
  for (const selector of only) {
    if (manifest.parts.some((p) => matches(p, selector))) continue;
    const failed = manifest.missing.find((m) => m.name === selector || m.name.startsWith(`${selector}/`));
    findings.push(
      failed
        ? {
            code: 'backup.incomplete-part',
            severity: 'high',
            path: `--only ${selector}`,
            message: `the backup lacks ${failed.name}: it failed when the backup was made (${failed.reason})`,
            hint: 'restore the other parts, or another backup',
          }
        : {
            code: 'backup.unknown-part',
            severity: 'high',
            path: `--only ${selector}`,
            message: `the backup has no part ${JSON.stringify(selector)}`,
            hint: didYouMean(
              selector,
              manifest.parts.map((p) => p.name),
              'the manifest lists the parts',
            ),
          },
    );
  }
  return { parts: manifest.parts.filter((p) => only.some((s) => matches(p, s))), findings };
}

/** Checks everything, then restores; throws UserInputError (nothing changed) when a check fails. */
export async function restoreBackup(target: BackupTarget, options: RestoreOptions): Promise<RestoreResult> {
  const { platform, backupDir, progress } = options;
  const read = await readManifest(backupDir);
  if (!read.manifest) throw new UserInputError(read.findings);
  const manifest = read.manifest;
  const findings = [...manifestFindings(platform, manifest), ...(await checksumFindings(backupDir, manifest))];
  if (findings.length > 0) throw new UserInputError(findings);
  const { parts, findings: selection } = selectParts(manifest, options.only);
  findings.push(...selection, ...(await archiveFindings(backupDir, parts)));

  // The secrets part decides whether data may come back at all: its never-rotate keys must be the live ones.
  const secretsPart = manifest.parts.find((p) => p.kind === 'secrets');
  const backupValues = secretsPart ? await decryptSecrets(await readFile(join(backupDir, secretsPart.file)), options.passphrase) : undefined;
  if (secretsPart && !backupValues)
    findings.push({
      code: 'backup.wrong-passphrase',
      severity: 'high',
      path: secretsPart.file,
      message: `the passphrase does not open ${secretsPart.file}`,
      hint: 'give the passphrase the backup was made with',
    });
  const live = (await readSecrets(options.secretsFile)) ?? new Map<string, string>();
  const conflicts = backupValues ? keyConflicts(platform, backupValues, live) : [];
  if (!options.replaceKeys) findings.push(...conflicts);
  if (findings.length > 0) throw new UserInputError(findings);

  const restored: string[] = [];
  const failures: { part: string; message: string }[] = [];
  const writeStore = backupValues !== undefined && (parts.some((p) => p.kind === 'secrets') || (options.replaceKeys === true && conflicts.length > 0));
  const merged = writeStore ? new Map([...live, ...backupValues]) : live;
  if (writeStore) {
    await writeSecrets(options.secretsFile, merged);
    if (options.bundleDir) await writeServiceEnvFiles(platform, options.bundleDir, merged);
    if (secretsPart) restored.push(secretsPart.name);
    progress?.update('secrets', 'running', 'restored');
  }

  // Stop once, up front, every service whose data comes back; start them all at the end.
  const toStop = new Set<string>();
  for (const part of parts) {
    if (part.kind === 'postgres') clientsOf(platform, part.service ?? '').forEach((s) => toStop.add(s));
    if (part.kind === 'redis') toStop.add(part.service ?? '');
    if (part.kind === 'volume') volumeOwners(platform, part.item ?? '').forEach((s) => toStop.add(s.name));
  }
  const running = new Set(await target.running());
  const stopped = platform.services.map((s) => s.name).filter((s) => toStop.has(s) && running.has(s));
  if (stopped.length > 0) await target.stop(stopped);
  const work = await mkdtemp(join(tmpdir(), 'moat-restore-'));
  const startFailures: StartFailure[] = [];
  try {
    // Roles are not in the dumps: they take the store's passwords (and LiteLLM's role exists) before any database comes back.
    const roles = writeStore || parts.some((p) => p.kind === 'postgres') ? roleSteps(platform, merged) : [];
    const needed = [
      ...new Set([...parts.filter((p) => p.kind === 'postgres' || p.kind === 'n8n-export').map((p) => p.service ?? ''), ...roles.map((r) => r.service)]),
    ].filter((s) => !running.has(s));
    if (needed.length > 0) startFailures.push(...(await target.start(needed)));
    for (const f of await applyRoleSteps(target, roles)) failures.push({ part: `postgres/${f.service}`, message: f.message });
    for (const part of parts.filter((p) => p.kind !== 'secrets')) {
      progress?.update(part.name, 'starting');
      try {
        await restorePart(target, platform, options, part, work);
        restored.push(part.name);
        progress?.update(part.name, 'running', 'restored');
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push({ part: part.name, message });
        progress?.update(part.name, 'failed', message.split('\n')[0]);
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
    if (stopped.length > 0) startFailures.push(...(await target.start(stopped)));
    progress?.done();
  }
  return {
    ok: failures.length === 0 && startFailures.length === 0,
    restored,
    failures,
    keysReplaced: options.replaceKeys ? conflicts.map((c) => c.path.replace(/^secrets\./, '')) : [],
    stopped,
    startFailures,
  };
}

async function execChecked(target: BackupTarget, service: string, argv: readonly string[], stdin: NodeJS.ReadableStream, what: string): Promise<void> {
  const result = await target.exec(service, argv, { stdin });
  if (result.exitCode !== 0)
    throw new Error(
      `${what} in ${service} failed with exit code ${result.exitCode}: ${result.stderr.trim().split('\n').slice(-5).join(' / ') || '(no output)'}`,
    );
}

async function restorePart(target: BackupTarget, platform: Platform, options: RestoreOptions, part: Part, work: string): Promise<void> {
  const file = join(options.backupDir, part.file);
  const service = part.service ?? '';
  switch (part.kind) {
    case 'postgres':
      return execChecked(target, service, pgRestore(part.item ?? ''), createReadStream(file), `pg_restore of ${part.item ?? ''}`);
    case 'n8n-export':
      return execChecked(target, service, N8N_IMPORT, createReadStream(file), 'n8n import');
    case 'redis': {
      const owner = serviceByName(platform, service);
      const volume = owner?.volumes.find((v) => v.bundleFile === undefined)?.name;
      if (!volume) throw new Error(`${service} has no data volume to place the RDB in`);
      const tar = join(work, `${volume}.tar`);
      await writeFile(tar, singleFileTar(REDIS_RDB_FILE, await readFile(file), serviceOwner(owner), new Date()), { mode: 0o600 });
      return target.importVolume(volume, tar);
    }
    case 'volume':
      return target.importVolume(part.item ?? '', file);
    case 'bundle': {
      if (!options.bundleDir) throw new Error('no bundle directory given to restore the bundle into');
      const result = await execa('tar', ['-C', options.bundleDir, '--no-same-owner', '--no-overwrite-dir', '-xf', file], { reject: false });
      if (result.exitCode !== 0) throw new Error(`tar into ${options.bundleDir}: ${result.stderr}`);
      return;
    }
    case 'secrets':
      return;
  }
}
