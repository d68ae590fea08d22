// Codes of `moat upgrade` and `moat outdated` (src/deploy/upgrade*.ts).
import type { CodeDoc } from './types.js';

export const UPGRADE_CODE_DOCS = [
  {
    code: 'deploy.upgrade.data-format-change',
    severity: 'high',
    title: "The upgrade changes a data service's on-disk format",
    help: 'The new version of a database (PostgreSQL, Redis, Weaviate) may rewrite its data in a form the old version cannot read, so going back after it ran is not a matter of swapping the image: PostgreSQL needs pg_upgrade or a dump and restore between majors, Redis 7 writes an RDB format Redis 6 cannot load, Weaviate supports one minor version at a time. moat refuses unless told with --allow-major; it still backs up and snapshots the volumes first, and rolls back to the snapshot if the new version does not become healthy.',
  },
  {
    code: 'deploy.upgrade.bad-version',
    severity: 'high',
    title: 'The version to upgrade to is not usable',
    help: '--to takes an image tag (16.4-alpine) or the same image with a tag (postgres:16.4-alpine): pinned, no spaces, never :latest, and the same repository as the service runs now. The hint names what the service runs.',
  },
  {
    code: 'deploy.upgrade.not-newer',
    severity: 'high',
    title: 'The version to upgrade to is not newer',
    help: 'The tag given to --to is the one the service runs, or an older one, or one moat cannot compare (a different flavour, such as -alpine against -bookworm). A downgrade goes through `moat restore` of a backup taken before the upgrade, not through `moat upgrade`.',
  },
  {
    code: 'deploy.upgrade.needs-service',
    severity: 'high',
    title: '--to needs a service',
    help: 'A version belongs to one image, so `moat upgrade --to VERSION` needs the service named: `moat upgrade SERVICE --to VERSION`. Without --to, `moat upgrade` moves every service with a newer release known to the catalog (`moat outdated` lists them).',
  },
  {
    code: 'deploy.upgrade.no-backup',
    severity: 'high',
    title: 'No backup can be taken before the upgrade',
    help: 'moat backs up the platform before it changes an image. This build has no backup step wired in (or it failed), so the upgrade did not start. Take a backup yourself and run again with --no-backup; the volume snapshot moat takes of the upgraded service still makes an automatic rollback possible.',
  },
] as const satisfies readonly CodeDoc[];
