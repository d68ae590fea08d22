// Scheduled backups on the host: a systemd service that runs `moat backup
// --keep N` and a timer that starts it daily. The bootstrap installs both
// from the bundle's host/ directory, and enables the timer only once a
// passphrase file exists, which systemd hands to the service as a
// credential (LoadCredential=, read from %d: the credentials directory), so
// the passphrase is in no unit file, environment or command line.
// Sources (systemd 252, Debian 12 / Ubuntu 24.04 have ≥ 252): systemd.exec(5)
// "LoadCredential=", systemd.unit(5) specifier "%d", systemd.timer(5)
// "OnCalendar=", "Persistent=", "RandomizedDelaySec=", systemd.service(5)
// "$$" for a literal dollar sign passed to the shell.
// moat.yaml has no backup settings yet, so the schedule and the retention are
// these constants.
import type { Platform } from '../model/types.js';
import { generatedHeader, type RenderedFile } from './types.js';

export const BACKUP_SERVICE_PATH = 'host/moat-backup.service';
export const BACKUP_TIMER_PATH = 'host/moat-backup.timer';
/** Where the bootstrap tells the service which bundle to back up (MOAT_BUNDLE=...). */
export const BACKUP_ENV_FILE = '/etc/moat/backup.env';
export const BACKUP_PASSPHRASE_FILE = '/etc/moat/backup-passphrase';
export const BACKUP_KEEP = 7;
export const BACKUP_CALENDAR = '*-*-* 03:30:00';

export function backupService(platform: Platform): string {
  return [
    generatedHeader('#'),
    `# Installed as /etc/systemd/system/moat-backup.service: one backup of ${platform.project}, keeping the ${BACKUP_KEEP} newest.`,
    '[Unit]',
    `Description=moat: back up ${platform.project} (moat backup --keep ${BACKUP_KEEP})`,
    'After=docker.service',
    'Requires=docker.service',
    '',
    '[Service]',
    'Type=oneshot',
    `EnvironmentFile=${BACKUP_ENV_FILE}`,
    `LoadCredential=passphrase:${BACKUP_PASSPHRASE_FILE}`,
    // moat.yaml sits beside the bundle directory: run from there.
    `ExecStart=/bin/sh -c 'cd "$$MOAT_BUNDLE/.." && exec moat backup --out "$$MOAT_BUNDLE" --keep ${BACKUP_KEEP} --passphrase-file "%d/passphrase"'`,
    'UMask=0077',
    'Nice=10',
    'IOSchedulingClass=idle',
    '',
  ].join('\n');
}

export function backupTimer(platform: Platform): string {
  return [
    generatedHeader('#'),
    '# Installed as /etc/systemd/system/moat-backup.timer; enabled by the bootstrap once the passphrase file exists.',
    '[Unit]',
    `Description=moat: daily backup of ${platform.project}`,
    '',
    '[Timer]',
    `OnCalendar=${BACKUP_CALENDAR}`,
    'RandomizedDelaySec=30min',
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
}

/** The pair, for the host-services renderer. */
export function backupTimerFiles(platform: Platform): RenderedFile[] {
  return [
    { path: BACKUP_SERVICE_PATH, content: backupService(platform) },
    { path: BACKUP_TIMER_PATH, content: backupTimer(platform) },
  ];
}

/** The bootstrap's step: install the units, say which bundle, enable when a passphrase is there. */
export function backupBootstrapLines(): string[] {
  return [
    '',
    `# 5. Scheduled backups (moat backup --keep ${BACKUP_KEEP}), enabled once ${BACKUP_PASSPHRASE_FILE} (mode 0600) exists.`,
    `install -m 0644 "$BUNDLE/${BACKUP_SERVICE_PATH}" "$BUNDLE/${BACKUP_TIMER_PATH}" /etc/systemd/system/`,
    `printf 'MOAT_BUNDLE=%s\\n' "$BUNDLE" > ${BACKUP_ENV_FILE}`,
    'systemctl daemon-reload',
    `if [[ -s ${BACKUP_PASSPHRASE_FILE} ]]; then systemctl enable --now moat-backup.timer; else log "scheduled backups off: put a passphrase in ${BACKUP_PASSPHRASE_FILE} (mode 0600) and run the bootstrap again"; fi`,
  ];
}
