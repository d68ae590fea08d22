// Everything a restore checks before it changes anything: the manifest (is it
// moat's, for this project, with parts this platform knows), every part's file
// (there, a regular file inside the backup, its size and sha256 as listed),
// and every archive it would extract. All problems are collected, each
// located (`manifest.json: parts[2].file`, the part's name), then reported once.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Finding } from '../../model/findings.js';
import type { Platform } from '../../model/types.js';
import { fileDigest, safePartPath } from './files.js';
import type { Manifest, Part } from './manifest.js';
import { MANIFEST_FILE, MANIFEST_KIND, MANIFEST_VERSION, ManifestSchema, partFile, partName } from './manifest.js';
import { backupPlan } from './plan.js';
import { checkTar } from './tar.js';

const at = (index: number, field?: string): string => `${MANIFEST_FILE}: parts[${index}]${field ? `.${field}` : ''}`;

/** Reads and parses the manifest; throws nothing, answers findings instead. */
export async function readManifest(backupDir: string): Promise<{ manifest?: Manifest; findings: Finding[] }> {
  let text: string;
  try {
    text = await readFile(join(backupDir, MANIFEST_FILE), 'utf8');
  } catch {
    return {
      findings: [
        {
          code: 'backup.not-a-backup',
          severity: 'high',
          path: backupDir,
          message: `${backupDir} has no readable ${MANIFEST_FILE}`,
          hint: 'name a directory written by `moat backup` (its name starts with moat-backup-)',
        },
      ],
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      findings: [
        {
          code: 'backup.bad-manifest',
          severity: 'high',
          path: MANIFEST_FILE,
          message: `${join(backupDir, MANIFEST_FILE)} is not JSON (${(error as Error).message})`,
          hint: 'the backup is damaged: restore another one',
        },
      ],
    };
  }
  const head = json as { kind?: unknown; version?: unknown } | null;
  if (head?.kind !== MANIFEST_KIND || head.version !== MANIFEST_VERSION) {
    return {
      findings: [
        {
          code: 'backup.not-a-backup',
          severity: 'high',
          path: `${MANIFEST_FILE}: kind`,
          message: `${join(backupDir, MANIFEST_FILE)} is not a moat backup manifest of version ${MANIFEST_VERSION} (kind ${JSON.stringify(head?.kind)}, version ${JSON.stringify(head?.version)})`,
          hint: 'name a directory written by `moat backup`; a newer moat may have written it',
        },
      ],
    };
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    return {
      findings: parsed.error.issues.map((issue) => ({
        code: 'backup.bad-manifest' as const,
        severity: 'high' as const,
        path: `${MANIFEST_FILE}: ${issue.path
          .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
          .join('')
          .replace(/^\./, '')}`,
        message: `the manifest is malformed: ${issue.message}`,
        hint: 'the backup is damaged or was edited: restore another one',
      })),
    };
  }
  return { manifest: parsed.data, findings: [] };
}

/** Does the platform have the service, database server or volume this part belongs to? */
function knownPart(platform: Platform, part: Part): string | undefined {
  if (part.kind === 'secrets' || part.kind === 'bundle')
    return part.service === undefined && part.item === undefined ? undefined : `a ${part.kind} part names no service`;
  const plan = backupPlan(platform);
  if (part.kind === 'postgres')
    return plan.postgres.includes(part.service ?? '') && part.item !== undefined
      ? undefined
      : `the platform has no PostgreSQL service ${part.service ?? '(none named)'}`;
  const match = plan.parts.some((p) => p.kind === part.kind && p.service === part.service && p.item === part.item);
  return match
    ? undefined
    : `the platform has no ${part.kind === 'volume' ? `volume ${part.item ?? '?'} of service` : `${part.kind} service`} ${part.service ?? '(none named)'}`;
}

/** Manifest-level checks: project, known parts, names and files as moat derives them, no duplicates. */
export function manifestFindings(platform: Platform, manifest: Manifest): Finding[] {
  const findings: Finding[] = [];
  if (manifest.project !== platform.project) {
    findings.push({
      code: 'backup.wrong-project',
      severity: 'high',
      path: `${MANIFEST_FILE}: project`,
      message: `the backup is of project ${manifest.project}, the platform is ${platform.project}`,
      hint: "use that project's moat.yaml (-c FILE), or a backup of this one",
    });
  }
  const names = new Set<string>();
  manifest.parts.forEach((part, index) => {
    const unknown = knownPart(platform, part);
    if (unknown)
      findings.push({
        code: 'backup.unknown-part',
        severity: 'high',
        path: at(index, 'service'),
        message: `part ${JSON.stringify(part.name)}: ${unknown}`,
        hint: 'enable that service in moat.yaml, or restore the other parts with --only',
      });
    if (part.name !== partName(part.kind, part.service, part.item))
      findings.push({
        code: 'backup.bad-manifest',
        severity: 'high',
        path: at(index, 'name'),
        message: `part ${JSON.stringify(part.name)} should be named ${partName(part.kind, part.service, part.item)} for its kind, service and item`,
        hint: 'the manifest was edited: restore another backup',
      });
    const expected = partFile(part.kind, part.service, part.item);
    if (part.file !== expected)
      findings.push({
        code: 'backup.unsafe-path',
        severity: 'critical',
        path: at(index, 'file'),
        message: `part ${JSON.stringify(part.name)} names the file ${JSON.stringify(part.file)}; moat stores it as ${expected} and reads nothing else`,
        hint: 'the manifest was edited to point elsewhere: restore another backup',
      });
    if (names.has(part.name))
      findings.push({
        code: 'backup.bad-manifest',
        severity: 'high',
        path: at(index, 'name'),
        message: `part ${part.name} is listed twice`,
        hint: 'the manifest was edited: restore another backup',
      });
    names.add(part.name);
  });
  return findings;
}

/** Every part's file: present, a regular file inside the backup, size and sha256 as the manifest says. */
export async function checksumFindings(backupDir: string, manifest: Manifest): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [index, part] of manifest.parts.entries()) {
    if (part.file !== partFile(part.kind, part.service, part.item)) continue;
    const safe = await safePartPath(backupDir, part.file);
    if ('problem' in safe) {
      findings.push(
        safe.problem === 'missing'
          ? {
              code: 'backup.missing-file',
              severity: 'high',
              path: at(index, 'file'),
              message: `part ${part.name}: ${safe.why}`,
              hint: 'the backup was copied incompletely: copy it again, or restore another one',
            }
          : {
              code: 'backup.unsafe-path',
              severity: 'critical',
              path: at(index, 'file'),
              message: `part ${part.name}: ${safe.why}; moat reads only regular files inside the backup`,
              hint: 'someone replaced the file: restore another backup',
            },
      );
      continue;
    }
    const { size, sha256 } = await fileDigest(safe.path);
    if (size !== part.size)
      findings.push({
        code: 'backup.size-mismatch',
        severity: 'critical',
        path: at(index, 'size'),
        message: `part ${part.name}: ${part.file} has ${size} bytes, the manifest says ${part.size}${size < part.size ? ' (truncated)' : ''}`,
        hint: 'nothing was restored: restore another backup',
      });
    else if (sha256 !== part.sha256)
      findings.push({
        code: 'backup.checksum-mismatch',
        severity: 'critical',
        path: at(index, 'sha256'),
        message: `part ${part.name}: the sha256 of ${part.file} is ${sha256}, the manifest says ${part.sha256}`,
        hint: 'the part changed after the backup was written: nothing was restored; restore another backup',
      });
  }
  return findings;
}

/** Archives about to be extracted: links, devices, absolute paths and `..` are refused. */
export async function archiveFindings(backupDir: string, parts: readonly Part[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const part of parts) {
    if (!part.file.endsWith('.tar')) continue;
    for (const problem of await checkTar(join(backupDir, part.file))) {
      findings.push({
        code: 'backup.hostile-archive',
        severity: 'critical',
        path: `${part.file}: ${problem.entry}`,
        message: `part ${part.name}: the archive holds ${problem.message}`,
        hint: 'nothing was restored: the archive was not written by moat backup or was changed; restore another backup',
      });
    }
  }
  return findings;
}
