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
// The service names its platform config with -c: without it moat would take
// ./moat.yaml if present, else the built-in reference platform, and a host
// whose moat.yaml is elsewhere would silently back up the wrong platform. The
// config is $MOAT_CONFIG from the environment file (the bootstrap writes it
// when it is given one), else moat.yaml beside the bundle; when that file is
// missing the service fails with a message in the journal and backs up nothing.
import type { Platform } from '../model/types.js';
import { generatedHeader, type RenderedFile } from './types.js';

export const BACKUP_SERVICE_PATH = 'host/moat-backup.service';
export const BACKUP_TIMER_PATH = 'host/moat-backup.timer';
/** Where the bootstrap tells the service which bundle to back up (MOAT_BUNDLE=...) and, when it was given one, which config (MOAT_CONFIG=...). */
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
    // systemd.service(5): "$$" is a literal "$" for the shell, "%d" the credentials directory.
    `ExecStart=/bin/sh -c '${backupShell().replaceAll('$', '$$$$')}'`,
    'UMask=0077',
    'Nice=10',
    'IOSchedulingClass=idle',
    '',
  ].join('\n');
}

/**
 * The shell the service runs (before systemd's "$$" escaping). Run from the
 * project directory (the bundle's parent), so a relative MOAT_CONFIG means
 * one there. No single quote and no backslash: it sits in a single-quoted
 * ExecStart argument, where systemd would read escapes.
 */
export function backupShell(): string {
  return [
    `: "\${MOAT_BUNDLE:?is not set: ${BACKUP_ENV_FILE} names the bundle (the bootstrap writes it)}"`,
    'cd "$MOAT_BUNDLE/.." || exit 1',
    'config="${MOAT_CONFIG:-$PWD/moat.yaml}"',
    `if [ ! -f "$config" ]; then echo "moat-backup: no platform config at $config: nothing backed up; set MOAT_CONFIG in ${BACKUP_ENV_FILE} or put moat.yaml beside the bundle" >&2; exit 1; fi`,
    `exec moat -c "$config" backup --out "$MOAT_BUNDLE" --keep ${BACKUP_KEEP} --passphrase-file "%d/passphrase"`,
  ].join('; ');
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

/**
 * The bootstrap's step: install the units, say which bundle and which config
 * (its MOAT_CONFIG, as `moat host init` gives it, else moat.yaml beside the
 * bundle; made absolute), enable the timer when a non-empty passphrase file
 * is there. Run again
 * without one, it leaves an enabled timer alone: backups that stop failing
 * loudly in the journal are better than backups that silently stop.
 */
export function backupBootstrapLines(): string[] {
  return [
    '',
    `# 5. Scheduled backups (moat backup --keep ${BACKUP_KEEP}), enabled once ${BACKUP_PASSPHRASE_FILE} (mode 0600) exists.`,
    '#    They back up the platform of $MOAT_CONFIG when given, else of moat.yaml beside the bundle.',
    `install -m 0644 "$BUNDLE/${BACKUP_SERVICE_PATH}" "$BUNDLE/${BACKUP_TIMER_PATH}" /etc/systemd/system/`,
    'BACKUP_CONFIG="$(realpath -m "${MOAT_CONFIG:-$BUNDLE/../moat.yaml}")"',
    // One line per value in the environment file: a path with a line break would add lines of its own (MOAT_BUNDLE=...).
    `if [[ $BUNDLE == *[$'\\n\\r']* || $BACKUP_CONFIG == *[$'\\n\\r']* ]]; then log "the bundle or config path holds a line break, which ${BACKUP_ENV_FILE} cannot carry: rename it"; exit 1; fi`,
    `printf 'MOAT_BUNDLE=%s\\nMOAT_CONFIG=%s\\n' "$BUNDLE" "$BACKUP_CONFIG" > ${BACKUP_ENV_FILE}`,
    'systemctl daemon-reload',
    `if [[ -s ${BACKUP_PASSPHRASE_FILE} ]]; then`,
    `  chmod 0600 ${BACKUP_PASSPHRASE_FILE}`,
    '  systemctl enable --now moat-backup.timer',
    '  if [[ ! -f $BACKUP_CONFIG ]]; then log "scheduled backups will fail until the platform config is at $BACKUP_CONFIG (copy moat.yaml there, or run the bootstrap again with MOAT_CONFIG=...)"; fi',
    'else',
    `  log "scheduled backups off: put a passphrase in ${BACKUP_PASSPHRASE_FILE} (mode 0600) and run the bootstrap again"`,
    'fi',
  ];
}
