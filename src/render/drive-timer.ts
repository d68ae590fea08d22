// host/moat-drive-sync.service and .timer: `moat drive sync` (the Drive sync,
// then the knowledge step) on the schedule of moat.yaml's knowledge.schedule.
// rclone's rcd has no scheduler (rclone.org/rc/: it runs what it is asked), so
// something on the host must ask. A systemd timer rather than a scheduler in
// moat: it needs no long-lived moat process; Persistent=true runs a missed
// sync after the host was off; a oneshot service that is still running is not
// started again by its timer, so two syncs never overlap; the output lands in
// the journal (`journalctl -u moat-drive-sync`), and `systemctl list-timers`
// shows the next run. The host is Ubuntu 24.04 (bootstrap.sh), which has systemd.
// The unit runs as root: the secrets store it reads is root's, mode 0600.
// Sources: systemd.timer(5) (OnCalendar, Persistent, RandomizedDelaySec),
// systemd.service(5) (Type=oneshot), systemd.exec(5) (NoNewPrivileges, ProtectSystem, ReadWritePaths).
import { dirname } from 'node:path/posix';
import { serviceByName } from '../model/lookup.js';
import type { Platform } from '../model/types.js';
import { INSTANCE_BUNDLE_DIR } from './instance-paths.js';
import { generatedHeader, type Renderer, type RenderResult } from './types.js';

export const DRIVE_SERVICE_UNIT_PATH = 'host/moat-drive-sync.service';
export const DRIVE_TIMER_UNIT_PATH = 'host/moat-drive-sync.timer';

export function driveServiceUnit(bundleDir = INSTANCE_BUNDLE_DIR): string {
  const project = dirname(bundleDir);
  return [
    generatedHeader('#'),
    '# Installed by host/bootstrap.sh as /etc/systemd/system/moat-drive-sync.service, the .timer beside it, enabled.',
    `# The bundle is ${bundleDir} (as cloud-init writes it); elsewhere, change --out and the paths.`,
    '[Unit]',
    'Description=moat: sync Google Drive into the platform and its AnythingLLM workspace',
    'Wants=network-online.target',
    'After=network-online.target docker.service',
    '# Skipped, not failed, until `moat drive connect` has recorded the remote (the timer is enabled by the bootstrap).',
    '# A condition belongs to [Unit]: systemd ignores it in [Service] (systemd.unit(5)).',
    `ConditionPathExists=${project}/.moat/drive-state.json`,
    '',
    '[Service]',
    'Type=oneshot',
    `WorkingDirectory=${project}`,
    `ExecStart=/usr/local/bin/moat drive sync --out ${bundleDir}`,
    '# The secrets store (a new AnythingLLM key) and the state files are written beside the bundle.',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    `ReadWritePaths=${project}/.moat`,
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'TimeoutStartSec=6h',
    '',
  ].join('\n');
}

export function driveTimerUnit(platform: Platform): string {
  return [
    generatedHeader('#'),
    '# Installed as /etc/systemd/system/moat-drive-sync.timer: see moat-drive-sync.service.',
    '[Unit]',
    'Description=moat: Google Drive sync on schedule (knowledge.schedule in moat.yaml)',
    '',
    '[Timer]',
    `OnCalendar=${platform.knowledge.schedule}`,
    'Persistent=true',
    'RandomizedDelaySec=5min',
    'Unit=moat-drive-sync.service',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
}

export const renderDriveTimer: Renderer = (platform): RenderResult => {
  if (!serviceByName(platform, 'gdrive')) return { files: [], warnings: [] };
  return {
    files: [
      { path: DRIVE_SERVICE_UNIT_PATH, content: driveServiceUnit() },
      { path: DRIVE_TIMER_UNIT_PATH, content: driveTimerUnit(platform), sourceMap: [{ line: 7, path: 'knowledge.schedule' }] },
    ],
    warnings: [],
  };
};

/** The bootstrap's lines: install both units from the bundle and enable the timer (the service's condition waits for `moat drive connect`). */
export function driveBootstrapLines(): string[] {
  return [
    '',
    `# 6. The Drive sync on knowledge.schedule (moat drive sync): runs once \`moat drive connect\` has recorded a remote.`,
    `if [[ -f "$BUNDLE/${DRIVE_SERVICE_UNIT_PATH}" && -f "$BUNDLE/${DRIVE_TIMER_UNIT_PATH}" ]]; then`,
    `  install -m 0644 "$BUNDLE/${DRIVE_SERVICE_UNIT_PATH}" "$BUNDLE/${DRIVE_TIMER_UNIT_PATH}" /etc/systemd/system/`,
    '  systemctl daemon-reload',
    '  systemctl enable --now moat-drive-sync.timer',
    'else',
    '  log "Drive sync schedule not installed: the bundle has no host/moat-drive-sync.*; copy the whole bundle and run the bootstrap again"',
    'fi',
  ];
}
