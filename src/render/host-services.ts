// The host's own listeners, as files the bootstrap installs: sshd's port
// (a drop-in in /etc/ssh/sshd_config.d) and tailscaled's WireGuard port
// (/etc/default/tailscaled, which Debian's and Ubuntu's tailscale package
// reads: PORT and FLAGS). The proof reads these files back (ingest/sshd-config,
// ingest/tailscaled-defaults), so what it assumes listens is what the host runs.
// Source: https://github.com/tailscale/tailscale/blob/main/cmd/tailscaled/tailscaled.defaults
import type { Platform } from '../model/types.js';
import { backupTimerFiles } from './backup-timer.js';
import { generatedHeader, type Renderer, type RenderResult } from './types.js';

export const SSHD_DROPIN_PATH = 'host/sshd-moat.conf';
export const TAILSCALED_DEFAULTS_PATH = 'host/tailscaled.defaults';

export function sshdDropIn(platform: Platform): string {
  return [
    generatedHeader('#'),
    '# Installed as /etc/ssh/sshd_config.d/10-moat-port.conf: the only SSH port the firewall and the security group open.',
    `Port ${platform.host.sshPort}`,
    '',
  ].join('\n');
}

export function tailscaledDefaults(platform: Platform): string {
  return [
    generatedHeader('#'),
    '# Installed as /etc/default/tailscaled: WireGuard listens on the port the security group and nftables open.',
    `PORT="${platform.host.tailscale.udpPort}"`,
    'FLAGS=""',
    '',
  ].join('\n');
}

export const renderHostServices: Renderer = (platform): RenderResult => ({
  files: [
    { path: SSHD_DROPIN_PATH, content: sshdDropIn(platform), sourceMap: [{ line: 3, path: 'host.sshPort' }] },
    { path: TAILSCALED_DEFAULTS_PATH, content: tailscaledDefaults(platform), sourceMap: [{ line: 3, path: 'host.tailscale.udpPort' }] },
    ...backupTimerFiles(platform),
  ],
  warnings: [],
});
