// Codes of `moat probe` (src/probe, src/cli/commands/probe.ts): what the live
// host did, compared with what the static proof says it should do.
import type { CodeDoc } from './types.js';

export const PROBE_CODE_DOCS = [
  {
    code: 'probe.bad-ports',
    severity: 'high',
    title: 'A port list that cannot be read',
    help: 'The --ports (or --udp) option is not a list of ports and ranges. Write e.g. 22,80,8000-8100, or all.',
  },
  {
    code: 'probe.target-unresolved',
    severity: 'high',
    title: 'The probe target does not resolve',
    help: "The target name has no address from this machine, so nothing was probed and nothing is proved. Pass the host's address as seen from this vantage point: its public IP from the internet, its tailnet address (100.x.y.z) from the tailnet.",
  },
  {
    code: 'probe.unexpected-open',
    severity: 'high',
    title: 'A port is open that the proof says is closed',
    help: 'The live host answers on a port the static proof (moat check) says is sealed from this vantage point: the running firewall, a listener or a publication differs from the model. This is exposure. Find what listens (`ss -ltnp`) and which layer lets it through, then close it or add it to the policy.',
  },
  {
    code: 'probe.expected-closed',
    severity: 'medium',
    title: 'A port the proof expects open did not answer',
    help: 'A port that should be reachable from this vantage point is closed or filtered: the service is down or the firewall rule for it is not loaded. Not exposure, but the platform is not running as modelled; check the service and `nft list ruleset`.',
  },
  {
    code: 'probe.unreachable',
    severity: 'medium',
    title: 'Ports could not be observed',
    help: 'Some probes got a network error (ICMP unreachable, no route) instead of an answer or a silent drop, so those ports were neither seen open nor seen sealed, and cannot count as proved closed. Check `ip route get` to the target and probe again.',
  },
  {
    code: 'probe.flaky-port',
    severity: 'low',
    title: 'A port answered once but not on the re-probe',
    help: 'A port that comes and goes is a service restarting or a race in the firewall; a sweep is only a proof for ports that answer the same way twice. Probe again.',
  },
  {
    code: 'probe.tls-protocol-unexpected',
    severity: 'high',
    title: 'The gateway accepts a TLS version the platform does not allow',
    help: "The gateway completed a handshake with a protocol version outside the platform's list (e.g. TLS 1.0 or 1.1, which have known weaknesses): the running nginx is not configured as rendered. Set ssl_protocols as rendered and reload nginx.",
  },
  {
    code: 'probe.tls-protocol-missing',
    severity: 'medium',
    title: 'The gateway refuses a TLS version the platform allows',
    help: 'A protocol version the platform allows failed to handshake; clients that need it cannot connect. Check ssl_protocols in the rendered nginx.conf and that the running nginx uses it.',
  },
  {
    code: 'probe.tls-cert-expired',
    severity: 'high',
    title: 'The gateway certificate has expired',
    help: 'Clients refuse the gateway, or users learn to click through certificate warnings. Renew the certificate (`tailscale cert`) and reload nginx.',
  },
  {
    code: 'probe.tls-cert-expiring',
    severity: 'medium',
    title: 'The gateway certificate expires within 14 days',
    help: 'Renew it before it expires (`tailscale cert`) and reload nginx.',
  },
  {
    code: 'probe.tls-name-mismatch',
    severity: 'medium',
    title: 'The gateway certificate does not name the host',
    help: "The certificate's names do not cover the name the probe connected to, so clients reject it. Issue the certificate for the tailnet name the platform is reached at.",
  },
  {
    code: 'probe.route-failed',
    severity: 'high',
    title: 'A gateway route does not answer',
    help: 'A route of the gateway returned an error or a 5xx status; the gateway answers 502 when its backend is down. Check that the service runs and is healthy (`moat status`).',
  },
  {
    code: 'probe.route-header-missing',
    severity: 'medium',
    title: 'A route lacks a security header',
    help: 'The gateway adds its security headers (HSTS, nosniff, frame and referrer policy) with `always`; a response without them means the running config is not the rendered one, or a location overrides add_header. Check the running nginx.conf.',
  },
  {
    code: 'probe.route-header-wrong',
    severity: 'medium',
    title: 'A route sends a security header with another value',
    help: 'The gateway sets this header; a different or doubled value means the running config is not the rendered one, or the backend sends its own and the gateway does not hide it.',
  },
  {
    code: 'probe.route-websocket-failed',
    severity: 'high',
    title: 'A route refuses a WebSocket upgrade',
    help: 'Apps that need WebSockets (live updates, chat) break behind the gateway. The location needs proxy_http_version 1.1 and the Upgrade and Connection headers passed on.',
  },
  {
    code: 'probe.route-redirect-wrong',
    severity: 'medium',
    title: "An app's reference path does not send the browser to its own origin",
    help: "An app with its own origin (its own TLS port on the Tailscale address) is also reachable at its reference path on the main origin, which must answer with a redirect to the app's origin; anything else leaves users who follow the reference's links at a dead end.",
  },
  {
    code: 'probe.route-stream-buffered',
    severity: 'high',
    title: 'A streamed route is buffered by the gateway',
    help: 'Streamed events (server-sent events, token streams) arrived together within 10 ms, so the gateway buffers them: users see nothing until the end. Streamed routes need proxy_buffering off (or X-Accel-Buffering: no).',
  },
] as const satisfies readonly CodeDoc[];
