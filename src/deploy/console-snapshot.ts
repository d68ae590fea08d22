// The status snapshot moat writes for the console (src/console/snapshot.ts):
// each app with the URL its users open and the endpoint the console polls for
// live health, the proof's matrix, and the last runs moat knows of. Pure: the
// caller gathers health and records, this only shapes them.
import type { MatrixRow } from '../analyze/index.js';
import type { ConsoleSnapshot } from '../console/snapshot.js';
import type { Platform, Service } from '../model/types.js';

type Health = ConsoleSnapshot['apps'][number]['health'];
type Outcome = NonNullable<ConsoleSnapshot['lastBackup']>;

export interface SnapshotFacts {
  readonly generatedAt: Date;
  /** What `moat status` last saw per service. */
  readonly health?: Readonly<Record<string, Health>>;
  readonly certificate?: { readonly name: string; readonly notAfter: Date };
  readonly lastBackup?: Outcome;
  readonly lastProbe?: Outcome;
  readonly lastAudit?: Outcome;
}

/**
 * The HTTP endpoint a service's own health check calls (`curl … http://127.0.0.1:PORT/PATH`,
 * `wget … http://localhost:PORT/PATH`), moved to its static address so the
 * console can call it over the platform network. None for checks that are not
 * plain HTTP GETs: a check that sends credentials (rclone's rc with --user) would
 * fail without them, and the console is given none of an app's secrets.
 */
export function healthUrlOf(service: Service): string | undefined {
  const test = service.healthcheck?.test ?? [];
  if (test.some((word) => /--user\b|--pass\b|\$\$?[A-Z_]*(PASS|TOKEN|KEY|SECRET)/.test(word))) return undefined;
  for (const word of test) {
    const match = /https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?(\/[^\s'"]*)?/.exec(word);
    if (match?.[0].startsWith('http:')) return `http://${service.address}${match[1] ?? ''}${match[2] ?? '/'}`;
  }
  return undefined;
}

const iso = (d: Date): string => d.toISOString();

export function consoleSnapshot(platform: Platform, matrix: readonly MatrixRow[], facts: SnapshotFacts): ConsoleSnapshot {
  const urls = new Map(platform.gateway.routes.map((r) => [r.service, r.url] as const));
  return {
    version: 1,
    project: platform.project,
    generatedAt: iso(facts.generatedAt),
    apps: platform.services.map((s) => {
      const url = urls.get(s.name);
      const healthUrl = healthUrlOf(s);
      return { name: s.name, title: s.title, ...(url ? { url } : {}), ...(healthUrl ? { healthUrl } : {}), health: facts.health?.[s.name] ?? 'unknown' };
    }),
    ...(facts.certificate ? { certificate: { name: facts.certificate.name, notAfter: iso(facts.certificate.notAfter) } } : {}),
    ...(facts.lastBackup ? { lastBackup: facts.lastBackup } : {}),
    ...(facts.lastProbe ? { lastProbe: facts.lastProbe } : {}),
    ...(facts.lastAudit ? { lastAudit: facts.lastAudit } : {}),
    matrix: matrix.map((r) => ({
      zone: r.zone,
      address: r.address,
      port: r.port,
      ...(r.portEnd !== undefined ? { portEnd: r.portEnd } : {}),
      protocol: r.protocol,
      verdict: r.verdict,
      decidedBy: r.decidedBy,
      ...(r.service !== undefined ? { service: r.service } : {}),
    })),
  };
}
