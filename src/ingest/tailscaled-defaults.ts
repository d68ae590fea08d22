// /etc/default/tailscaled, which the tailscale package's unit reads
// (`ExecStart=/usr/sbin/tailscaled ... --port=${PORT} $FLAGS`): the UDP port
// tailscaled's WireGuard listens on, on every address. A shell-variable file;
// only PORT is read (a FLAGS `--port` would win over it, and counts too).
// Source: https://github.com/tailscale/tailscale/blob/main/cmd/tailscaled/tailscaled.service,
// https://github.com/tailscale/tailscale/blob/main/cmd/tailscaled/tailscaled.defaults
import type { Listener } from '../analyze/state.js';
import type { Ingester } from './types.js';
import { artifactProblem } from './types.js';

/** tailscaled's default port (41641) when the file sets none or 0 (0 picks one at random: any port). */
const DEFAULT_PORT = 41641;

export const TAILSCALED_DEFAULTS_FINDING_DOCS = [
  {
    code: 'ingest.tailscaled.random-port',
    title: 'tailscaled picks a random UDP port',
    help: 'PORT=0 (or --port=0) makes tailscaled choose a port at each start: no firewall rule can name it, so direct WireGuard paths fall back to relays, or the firewall is opened wide.',
    severity: 'low',
  },
] as const;

export const tailscaledDefaultsIngester: Ingester = {
  kind: 'tailscaled-defaults',
  detect: ({ text }) => /^\s*PORT=["']?\d*["']?\s*$/m.test(text) && /^\s*FLAGS=/m.test(text) && !/[{};]/.test(text.replace(/#.*$/gm, '')),
  ingest(artifact) {
    const lines = artifact.text.split('\n');
    let port = DEFAULT_PORT;
    let line = 1;
    const problems = [];
    lines.forEach((raw, i) => {
      const text = raw.replace(/#.*$/, '').trim();
      const assigned = /^PORT=["']?(\d*)["']?$/.exec(text);
      const flag = /--port[= ](\d+)/.exec(/^FLAGS=/.test(text) ? text : '');
      const value = assigned?.[1] ?? flag?.[1];
      if (value === undefined) return;
      port = value === '' ? DEFAULT_PORT : Number(value);
      line = i + 1;
    });
    const origin = { file: artifact.file, line };
    if (port === 0 || port > 65535) {
      problems.push(
        artifactProblem(
          'ingest.tailscaled.random-port',
          'low',
          origin,
          `tailscaled's port is ${port}: it picks one at random`,
          'set PORT="41641" (the port the security group opens)',
        ),
      );
    }
    const listeners: Listener[] =
      port === 0 || port > 65535 ? [] : ['0.0.0.0', '::'].map((address) => ({ kind: 'host', owner: 'tailscaled', address, port, protocol: 'udp', origin }));
    return { kind: 'tailscaled-defaults', fragment: { sockets: listeners }, problems };
  },
};
