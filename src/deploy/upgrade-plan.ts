// What `moat upgrade` would change and `moat outdated` lists, from the platform
// and the catalog's table of known releases: pure, no engine. A tag is compared
// by its numbers (15.18-alpine → 15.18, main-v1.83.10-stable → 1.83.10) and only
// with a tag of the same flavour (the text around the numbers): -alpine against
// -bookworm is a different image, not a newer one.
import { closest } from 'fastest-levenshtein';
import { splitImage } from '../catalog/upstream/index.js';
import type { DataFormatNote, KnownRelease } from '../catalog/upstream/releases.js';
import { DATA_FORMATS, KNOWN_RELEASES } from '../catalog/upstream/releases.js';
import type { Finding } from '../model/findings.js';
import type { Platform } from '../model/types.js';

export type VersionChange = 'major' | 'minor' | 'patch' | 'same' | 'older' | 'incomparable';

interface ParsedTag {
  readonly prefix: string;
  readonly numbers: readonly number[];
  readonly suffix: string;
}

function parseTag(tag: string): ParsedTag | undefined {
  const m = /^(\D*?)(\d+(?:\.\d+)*)(.*)$/.exec(tag);
  if (!m?.[2]) return undefined;
  return { prefix: m[1] ?? '', numbers: m[2].split('.').map(Number), suffix: m[3] ?? '' };
}

/** How `to` differs from `from`: the first number that differs names the step (1.27 → 1.39 is minor). */
export function versionChange(from: string, to: string): VersionChange {
  const a = parseTag(from);
  const b = parseTag(to);
  if (!a || !b || a.prefix !== b.prefix || a.suffix !== b.suffix) return from === to ? 'same' : 'incomparable';
  const length = Math.max(a.numbers.length, b.numbers.length);
  for (let i = 0; i < length; i++) {
    const x = a.numbers[i] ?? 0;
    const y = b.numbers[i] ?? 0;
    if (x === y) continue;
    if (y < x) return 'older';
    return i === 0 ? 'major' : i === 1 ? 'minor' : 'patch';
  }
  return 'same';
}

export interface Tables {
  readonly releases: Readonly<Record<string, readonly KnownRelease[]>>;
  readonly formats: Readonly<Record<string, DataFormatNote>>;
}

const CATALOG_TABLES: Tables = { releases: KNOWN_RELEASES, formats: DATA_FORMATS };

export interface OutdatedEntry {
  readonly service: string;
  readonly image: string;
  readonly current: string;
  readonly newest: KnownRelease;
  readonly change: 'major' | 'minor' | 'patch';
}

/** The newest known release of the same flavour that is newer than `tag`, if any. */
function newestFor(
  repository: string,
  tag: string,
  tables: Tables,
  allowed: (change: VersionChange) => boolean = () => true,
): { release: KnownRelease; change: OutdatedEntry['change'] } | undefined {
  let best: { release: KnownRelease; change: OutdatedEntry['change'] } | undefined;
  for (const release of tables.releases[repository] ?? []) {
    const change = versionChange(tag, release.tag);
    if (change !== 'major' && change !== 'minor' && change !== 'patch') continue;
    if (!allowed(change)) continue;
    if (best && versionChange(best.release.tag, release.tag) === 'older') continue;
    if (best && versionChange(best.release.tag, release.tag) === 'same') continue;
    best = { release, change };
  }
  return best;
}

/** Every service whose pinned image has a newer release known to the catalog, in platform order. */
export function outdatedServices(platform: Platform, tables: Tables = CATALOG_TABLES): OutdatedEntry[] {
  const out: OutdatedEntry[] = [];
  for (const service of platform.services) {
    const { repository, tag } = splitImage(service.image);
    const newest = newestFor(repository, tag, tables);
    if (newest) out.push({ service: service.name, image: repository, current: tag, newest: newest.release, change: newest.change });
  }
  return out;
}

export interface UpgradeStep {
  readonly service: string;
  readonly from: string;
  readonly to: string;
  readonly change: VersionChange;
}

/** A newer release `moat upgrade` without --allow-major leaves alone, and why. */
export interface HeldBack {
  readonly service: string;
  readonly newest: string;
  readonly why: string;
}

/** Whether a step changes the on-disk format of a data service's image. */
function crossesFormat(format: DataFormatNote | undefined, change: VersionChange): format is DataFormatNote {
  return format !== undefined && (change === 'major' || change === 'incomparable' || (format.breaksAt === 'minor' && change === 'minor'));
}

export interface UpgradeRequest {
  /** One service, or undefined for every service with a newer known release. */
  readonly service?: string;
  /** A tag, or the same repository with a tag. */
  readonly to?: string;
  readonly allowMajor?: boolean;
}

const finding = (code: Finding['code'], path: string, message: string, hint: string): Finding => ({ code, severity: 'high', path, message, hint });

/** The image steps to take, or the findings that stop them (nothing is run when there are findings). */
export function planUpgrade(
  platform: Platform,
  request: UpgradeRequest,
  tables: Tables = CATALOG_TABLES,
): { steps: UpgradeStep[]; findings: Finding[]; held: HeldBack[] } {
  const names = platform.services.map((s) => s.name);
  if (request.to !== undefined && request.service === undefined) {
    return {
      steps: [],
      held: [],
      findings: [
        finding(
          'deploy.upgrade.needs-service',
          '--to',
          '--to names a version of one image, but no service was named',
          `moat upgrade SERVICE --to ${request.to}`,
        ),
      ],
    };
  }
  const service = request.service === undefined ? undefined : platform.services.find((s) => s.name === request.service);
  if (request.service !== undefined && !service) {
    return {
      steps: [],
      held: [],
      findings: [
        finding(
          'deploy.unknown-service',
          'args[0]',
          `no service named ${request.service}`,
          names.length > 0 ? `did you mean ${closest(request.service, names)}?` : 'the platform has no services',
        ),
      ],
    };
  }
  const steps: UpgradeStep[] = [];
  const findings: Finding[] = [];
  const held: HeldBack[] = [];
  const candidates = service ? [service] : platform.services;
  for (const s of candidates) {
    const { repository, tag } = splitImage(s.image);
    let to: string | undefined;
    if (request.to !== undefined) {
      const wanted = request.to.includes(':') ? splitImage(request.to) : { repository, tag: request.to };
      if (wanted.repository !== repository || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(wanted.tag) || wanted.tag === 'latest') {
        findings.push(
          finding(
            'deploy.upgrade.bad-version',
            '--to',
            `${request.to} is not a pinned tag of ${repository}`,
            `${s.name} runs ${s.image}: give a tag such as ${tag} (or ${repository}:TAG)`,
          ),
        );
        continue;
      }
      to = wanted.tag;
    } else {
      // Without --to, a data service moves only as far as its format allows; the newer release is reported as held back.
      const format = tables.formats[repository];
      const newest = newestFor(repository, tag, tables);
      to = newestFor(repository, tag, tables, (change) => request.allowMajor === true || !crossesFormat(format, change))?.release.tag;
      if (newest && newest.release.tag !== to && format) held.push({ service: s.name, newest: `${repository}:${newest.release.tag}`, why: format.why });
      if (to === undefined) continue;
    }
    const change = versionChange(tag, to);
    if (change === 'same' || change === 'older' || (change === 'incomparable' && request.to === undefined)) {
      findings.push(
        finding(
          'deploy.upgrade.not-newer',
          '--to',
          `${s.name} runs ${tag}; ${to} is ${change === 'same' ? 'the same version' : change === 'older' ? 'older' : 'not comparable with it'}`,
          'give a newer tag of the same flavour; a downgrade is a `moat restore` of the backup taken before the upgrade',
        ),
      );
      continue;
    }
    const format = tables.formats[repository];
    if (crossesFormat(format, change) && request.allowMajor !== true) {
      findings.push(
        finding(
          'deploy.upgrade.data-format-change',
          `services.${s.name}.image`,
          `${s.name}: ${tag} → ${to} is a ${change} step of ${repository}, and ${format.why}`,
          `back up, read ${format.sources[0] ?? 'the upstream upgrade notes'}, then run \`moat upgrade ${s.name} --to ${to} --allow-major\` (moat snapshots the volume and rolls back if it does not become healthy)`,
        ),
      );
      continue;
    }
    steps.push({ service: s.name, from: s.image, to: `${repository}:${to}`, change });
  }
  return { steps, findings, held };
}

/** The platform with one service's image replaced: what the next render of compose.yaml reads. */
export function withImage(platform: Platform, service: string, image: string): Platform {
  return { ...platform, services: platform.services.map((s) => (s.name === service ? { ...s, image } : s)) };
}
