// host/moat-platform.service: the systemd unit that brings the platform back
// after a reboot by running `moat up` once Docker and tailscaled are up (the
// gateway publishes on the Tailscale address, and `moat up` waits on health
// checks and writes the secrets' env files, which Docker's own restart policy
// does not). `moat host init` renders it with this host's paths and installs
// it; it is not part of the bundle `moat plan` writes, because the paths are
// the host's, not the model's. Pure: the same input gives the same bytes.
// Unit syntax: systemd.unit(5) and systemd.service(5) ("Command lines":
// double-quoted arguments, `%` written `%%`).
import type { Platform } from '../model/types.js';
import { generatedHeader, type RenderResult } from './types.js';

export const HOST_UNIT_NAME = 'moat-platform.service';
const HOST_UNIT_PATH = `host/${HOST_UNIT_NAME}`;

export interface HostUnitOptions {
  /** The moat command: an executable, or node and moat's script (absolute paths). */
  readonly moat: readonly string[];
  /** moat.yaml, absolute. */
  readonly configFile: string;
  /** The bundle directory `moat up` writes, absolute. */
  readonly bundleDir: string;
}

/**
 * An absolute path or word as one systemd command-line argument: quoted, with
 * `\` and `"` escaped, `%` (a specifier) doubled and `$` (a variable, expanded
 * even inside quotes) doubled, as systemd.service(5) "Command lines" says.
 */
function unitArg(value: string, what: string): string {
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new Error(`${what} ${JSON.stringify(value)} has a control character: it cannot go into a systemd unit`);
  const escaped = value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('%', '%%').replaceAll('$', '$$$$');
  return /^[A-Za-z0-9_./:=@+-]+$/.test(value) ? escaped : `"${escaped}"`;
}

function absolute(path: string, what: string): string {
  if (!path.startsWith('/')) throw new Error(`${what} ${JSON.stringify(path)} is not an absolute path (systemd needs one)`);
  return path;
}

export function hostUnit(platform: Platform, options: HostUnitOptions): string {
  const moat = options.moat.map((a, i) => unitArg(i === 0 ? absolute(a, 'the moat command') : a, 'the moat command'));
  const config = unitArg(absolute(options.configFile, 'the config file'), 'the config file');
  const bundle = unitArg(absolute(options.bundleDir, 'the bundle directory'), 'the bundle directory');
  const workDir = absolute(options.configFile.slice(0, options.configFile.lastIndexOf('/')) || '/', 'the working directory');
  unitArg(workDir, 'the working directory');
  return [
    generatedHeader('#'),
    `# Installed as /etc/systemd/system/${HOST_UNIT_NAME} by \`moat host init\`: brings ${platform.project} back after a reboot.`,
    '# Models are not pulled at boot (--no-models): `moat models pull` does that while the host is up.',
    '[Unit]',
    `Description=moat: bring the ${platform.project} platform up (moat up)`,
    'Wants=network-online.target tailscaled.service',
    'After=network-online.target docker.service tailscaled.service moat-nftables.service',
    'Requires=docker.service',
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    `WorkingDirectory=${workDir.replaceAll('%', '%%')}`,
    `ExecStart=${[...moat, '-c', config, 'up', '--out', bundle, '--no-models'].join(' ')}`,
    // Image pulls and first starts take long; systemd's default 90 s would kill `moat up` midway.
    'TimeoutStartSec=30min',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

export function renderHostUnit(platform: Platform, options: HostUnitOptions): RenderResult {
  return { files: [{ path: HOST_UNIT_PATH, content: hostUnit(platform, options) }], warnings: [] };
}
