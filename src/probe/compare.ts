// Observed vs expected, as findings. Every difference is one finding whose
// path names the port (`tcp/5432`) or the platform key it contradicts
// (`gateway.routes[2]`), so tests and reports point at the same thing.

import { SECURITY_HEADERS } from '../catalog/security-headers.js';
import type { Finding } from '../model/findings.js';
import type { Platform } from '../model/types.js';
import type { ExpectedPort, Vantage } from './expected.js';
import type { HeaderMismatch } from './http.js';
import { describeCodes, type TcpSweepResult } from './tcp.js';
import { certificateCovers, type TlsReport } from './tls.js';
import type { UdpResult } from './udp.js';

export interface RouteObservation {
  readonly index: number;
  readonly path: string;
  readonly service: string;
  readonly status: number;
  readonly firstByteMs?: number;
  readonly missingHeaders: readonly string[];
  /** Security headers present with another value than the gateway sets. */
  readonly wrongHeaders?: readonly HeaderMismatch[];
  /** `path`: the exact URL the app's UI opens. */
  readonly websocket?: { readonly upgraded: boolean; readonly status: number; readonly path?: string };
  /** An own-origin app: what its reference path on the main origin answered. */
  readonly redirect?: { readonly status: number; readonly location: string; readonly expected: string };
  readonly stream?: { readonly status: number; readonly events: number; readonly firstEventMs?: number; readonly spreadMs?: number };
  readonly error?: string;
}

export interface Observed {
  readonly vantage: Vantage;
  readonly target: string;
  readonly tcp: TcpSweepResult;
  /** The ports the sweep covered: a port outside it is not judged. */
  readonly swept: ReadonlySet<number>;
  readonly udp: readonly UdpResult[];
  readonly tls?: TlsReport;
  readonly servername: string;
  readonly routes: readonly RouteObservation[];
}

/** Streamed events that arrive within this spread were held back and flushed together. */
export const BUFFERED_SPREAD_MS = 10;
const EXPIRY_WARNING_DAYS = 14;

export function compareObserved(platform: Platform, expected: readonly ExpectedPort[], observed: Observed): Finding[] {
  const findings: Finding[] = [];
  const from = `from the ${observed.vantage} vantage`;
  const expectedTcp = new Set(expected.filter((e) => e.protocol === 'tcp').map((e) => e.port));
  for (const port of observed.tcp.open) {
    if (!expectedTcp.has(port)) {
      findings.push({
        code: 'probe.unexpected-open',
        severity: 'high',
        path: `tcp/${port}`,
        message: `${observed.target} ${port}/tcp is open ${from}, but the static proof says it is closed`,
        hint: 'find what listens (`ss -ltnp`) and which layer lets it through (`moat check`), then close it or add it to the policy',
      });
    }
  }
  const open = new Set(observed.tcp.open);
  for (const port of expectedTcp) {
    if (observed.swept.has(port) && !open.has(port)) {
      findings.push({
        code: 'probe.expected-closed',
        severity: 'medium',
        path: `tcp/${port}`,
        message: `${observed.target} ${port}/tcp should be open ${from} but did not answer`,
        hint: 'check that the service runs and that the firewall rule for it is loaded (`nft list ruleset`)',
      });
    }
  }
  if (observed.tcp.unreachable > 0) {
    // Some ports got a network error instead of an answer or a silent drop: a
    // router or the host answered "unreachable", or the route came and went.
    // Those ports were not observed, so they cannot pass as sealed.
    findings.push({
      code: 'probe.unreachable',
      severity: 'medium',
      path: 'tcp',
      message: `${observed.tcp.unreachable} of ${observed.swept.size} TCP ports of ${observed.target} failed with a network error ${from} (${describeCodes(observed.tcp.errors)}): they were neither seen open nor seen sealed`,
      hint: 'something on the path rejects with ICMP unreachable, or the route changed during the sweep: check `ip route get` and probe again',
    });
  }
  for (const port of observed.tcp.flaky) {
    findings.push({
      code: 'probe.flaky-port',
      severity: 'low',
      path: `tcp/${port}`,
      message: `${observed.target} ${port}/tcp answered once but not on the re-probe`,
      hint: 'probe again; a port that comes and goes is a service restarting or a race in the firewall',
    });
  }
  const expectedUdp = new Set(expected.filter((e) => e.protocol === 'udp').map((e) => e.port));
  for (const result of observed.udp) {
    if (result.state === 'open' && !expectedUdp.has(result.port)) {
      findings.push({
        code: 'probe.unexpected-open',
        severity: 'high',
        path: `udp/${result.port}`,
        message: `${observed.target} ${result.port}/udp replied ${from}, but the static proof says it is closed`,
        hint: 'find what listens (`ss -lunp`) and close it or add it to the policy',
      });
    }
    if (result.state === 'unreachable') {
      findings.push({
        code: 'probe.unreachable',
        severity: 'medium',
        path: `udp/${result.port}`,
        message: `${observed.target} ${result.port}/udp could not be probed ${from}: ${result.reason}`,
        hint: 'something on the path rejects with ICMP unreachable, or there is no route: check `ip route get` and probe again',
      });
    }
    if (result.state === 'closed' && expectedUdp.has(result.port)) {
      findings.push({
        code: 'probe.expected-closed',
        severity: 'medium',
        path: `udp/${result.port}`,
        message: `${observed.target} ${result.port}/udp is closed ${from} (port unreachable)`,
        hint: 'check that the service that owns this port runs',
      });
    }
  }
  if (observed.tls) findings.push(...compareTls(platform, observed.tls, observed.servername));
  for (const route of observed.routes) findings.push(...compareRoute(route));
  return findings;
}

function compareTls(platform: Platform, report: TlsReport, servername: string): Finding[] {
  const findings: Finding[] = [];
  const wanted = new Set<string>(platform.gateway.tls.protocols);
  for (const version of report.accepted) {
    if (!wanted.has(version))
      findings.push({
        code: 'probe.tls-protocol-unexpected',
        severity: 'high',
        path: 'gateway.tls.protocols',
        message: `the gateway accepts ${version}, which the platform does not allow`,
        hint: `set ssl_protocols to ${[...wanted].join(' ')} and reload nginx`,
      });
  }
  for (const version of wanted) {
    if (!report.accepted.includes(version as never))
      findings.push({
        code: 'probe.tls-protocol-missing',
        severity: 'medium',
        path: 'gateway.tls.protocols',
        message: `the gateway refuses ${version}${report.error ? ` (${report.error})` : ''}`,
        hint: 'check ssl_protocols in the rendered nginx.conf and that nginx runs with it',
      });
  }
  const cert = report.certificate;
  if (!cert) return findings;
  if (cert.daysLeft < 0)
    findings.push({
      code: 'probe.tls-cert-expired',
      severity: 'high',
      path: 'gateway.tls.certFile',
      message: `the gateway certificate expired on ${cert.validTo}`,
      hint: 'renew it (`tailscale cert`) and reload nginx',
    });
  else if (cert.daysLeft < EXPIRY_WARNING_DAYS)
    findings.push({
      code: 'probe.tls-cert-expiring',
      severity: 'medium',
      path: 'gateway.tls.certFile',
      message: `the gateway certificate expires in ${cert.daysLeft} days (${cert.validTo})`,
      hint: 'renew it (`tailscale cert`) and reload nginx',
    });
  if (!certificateCovers(cert.names, servername))
    findings.push({
      code: 'probe.tls-name-mismatch',
      severity: 'medium',
      path: 'gateway.tls.certFile',
      message: `the gateway certificate names ${cert.names.join(', ') || cert.subject || 'nothing'}, not ${servername}`,
      hint: 'issue the certificate for the tailnet name of the host',
    });
  return findings;
}

function compareRoute(route: RouteObservation): Finding[] {
  const findings: Finding[] = [];
  const path = `gateway.routes[${route.index}]`;
  if (route.error !== undefined || route.status === 0 || route.status >= 500) {
    findings.push({
      code: 'probe.route-failed',
      severity: 'high',
      path,
      message: `${route.path} (${route.service}) ${route.error ?? `answered ${route.status}`}`,
      hint: `check that ${route.service} runs and is healthy (\`moat status\`); the gateway answers 502 when its backend is down`,
    });
    return findings;
  }
  if (route.missingHeaders.length > 0)
    findings.push({
      code: 'probe.route-header-missing',
      severity: 'medium',
      path,
      message: `${route.path} lacks ${route.missingHeaders.join(', ')}`,
      hint: `the gateway adds ${SECURITY_HEADERS.map((h) => h.name).join(', ')} with \`always\`; check that the running config is the rendered one`,
    });
  for (const h of route.wrongHeaders ?? [])
    findings.push({
      code: 'probe.route-header-wrong',
      severity: 'medium',
      path,
      message: `${route.path} sends ${h.name}: ${h.actual}, not ${h.expected}`,
      hint: 'the gateway sets this value; a different or doubled value means the running config is not the rendered one or the app sets its own (hide it with proxy_hide_header)',
    });
  // 101 is the handshake; 401/403 mean the app itself answered (it wants a session): the gateway
  // passed it. A redirect, a 404 or a 5xx at the URL the UI opens is the gateway's failure.
  if (route.websocket && !route.websocket.upgraded && ![401, 403].includes(route.websocket.status)) {
    findings.push({
      code: 'probe.route-websocket-failed',
      severity: 'high',
      path,
      message: `${route.path}: the WebSocket the UI opens at ${route.websocket.path ?? '?'} was refused (${route.websocket.status || 'no answer'}${route.websocket.status >= 300 && route.websocket.status < 400 ? ': a handshake never follows a redirect' : ''})`,
      hint: 'proxy that exact URL with proxy_http_version 1.1 and the Upgrade/Connection headers, never a redirect',
    });
  }
  if (
    route.redirect &&
    (route.redirect.status < 300 || route.redirect.status > 399 || !route.redirect.location.startsWith(route.redirect.expected.replace(/\/$/, '')))
  ) {
    findings.push({
      code: 'probe.route-redirect-wrong',
      severity: 'medium',
      path,
      message: `${route.path} on the main origin answered ${route.redirect.status} ${route.redirect.location || ''} instead of a redirect to ${route.redirect.expected}`,
      hint: 'the reference path of an app with its own origin must redirect there',
    });
  }
  const stream = route.stream;
  if (stream && stream.events >= 3 && stream.spreadMs !== undefined && stream.spreadMs < BUFFERED_SPREAD_MS) {
    findings.push({
      code: 'probe.route-stream-buffered',
      severity: 'high',
      path,
      message: `${route.path} delivered ${stream.events} streamed events together (within ${stream.spreadMs} ms): the gateway buffers`,
      hint: 'streamed routes need proxy_buffering off (or X-Accel-Buffering: no)',
    });
  }
  return findings;
}
