// `moat probe`: sweep the host from one vantage point, inspect the gateway when
// it is reachable from there, and compare everything with the static proof.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { type Finding, UserInputError } from '../model/findings.js';
import type { Platform } from '../model/types.js';
import { compareObserved, type Observed, type RouteObservation } from './compare.js';
import { ProbeRuntimeError } from './errors.js';
import type { ExpectedPort, Vantage } from './expected.js';
import { checkSecurityHeaders, type Endpoint, httpGet, readStream, tryWebSocket } from './http.js';
import { type TcpSweepResult, tcpSweep } from './tcp.js';
import { inspectTls, type TlsReport } from './tls.js';
import { type UdpResult, udpProbe } from './udp.js';

export interface ProbeOptions {
  readonly target: string;
  readonly vantage: Vantage;
  /** What the proof expects open from this vantage. A function: the proof is
   * computed while the sweep's first connects are in flight (it takes about one
   * short timeout), not before them. */
  readonly expected: () => readonly ExpectedPort[];
  readonly ports: readonly number[];
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  /** UDP ports to probe besides the expected ones. */
  readonly udpPorts?: readonly number[];
  /** SNI/Host name of the gateway; default `<hostname>.<tailnet>`. */
  readonly servername?: string;
  /** A path under each streamed route that streams events (e.g. `/stream`). */
  readonly streamPath?: string;
  readonly now?: Date;
}

export interface ProbeReport {
  readonly target: string;
  readonly vantage: Vantage;
  readonly expected: readonly ExpectedPort[];
  readonly tcp: TcpSweepResult;
  readonly sweptPorts: number;
  readonly udp: readonly UdpResult[];
  readonly tls?: TlsReport;
  readonly routes: readonly RouteObservation[];
  readonly findings: readonly Finding[];
}

export function gatewayName(platform: Platform): string {
  return `${platform.host.tailscale.hostname}.${platform.host.tailscale.tailnet}`;
}

export async function runProbe(platform: Platform, options: ProbeOptions): Promise<ProbeReport> {
  // A name is resolved once: 65535 connects must not mean 65535 lookups.
  const address = isIP(options.target) ? options.target : await resolveTarget(options.target);
  let expected: readonly ExpectedPort[] = [];
  // tcpSweep starts its first connects before it returns; the recheck list is read once the sweep's pass is over.
  const sweeping = tcpSweep({
    host: address,
    label: options.target,
    ports: options.ports,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    recheck: () => expected.filter((e) => e.protocol === 'tcp').map((e) => e.port),
  });
  try {
    expected = options.expected();
  } catch (error) {
    sweeping.catch(() => undefined);
    throw error;
  }
  const tcp = await sweeping;
  const udpPorts = [...new Set([...expected.filter((e) => e.protocol === 'udp').map((e) => e.port), ...(options.udpPorts ?? [])])].sort((a, b) => a - b);
  const udp = await Promise.all(udpPorts.map((port) => udpProbe(address, port)));
  const servername = options.servername ?? gatewayName(platform);
  let tls: TlsReport | undefined;
  let routes: RouteObservation[] = [];
  // The gateway is inspected only where it answers: from other vantages its
  // port being closed is the finding (or the expectation).
  if (tcp.open.includes(platform.gateway.listenPort)) {
    const main: Endpoint = { host: address, port: platform.gateway.listenPort, servername, tls: true };
    tls = await inspectTls(address, platform.gateway.listenPort, servername, 3000, options.now);
    // Each route where its app lives: under its path on the main origin, or at / of its own.
    routes = await Promise.all(
      platform.gateway.routes.map((route, index) => {
        const own = route.servedAt === 'origin' && route.originPort !== undefined;
        if (own && !tcp.open.includes(route.originPort as number)) {
          return Promise.resolve({
            index,
            path: route.path,
            service: route.service,
            status: 0,
            missingHeaders: [],
            error: `its origin port ${route.originPort} is closed`,
          });
        }
        return checkRoute(own ? { ...main, port: route.originPort as number } : main, route, index, options.streamPath, own ? main : undefined);
      }),
    );
  }
  const observed: Observed = {
    vantage: options.vantage,
    target: options.target,
    tcp,
    swept: new Set(options.ports),
    udp,
    ...(tls ? { tls } : {}),
    servername,
    routes,
  };
  return {
    target: options.target,
    vantage: options.vantage,
    expected,
    tcp,
    sweptPorts: options.ports.length,
    udp,
    ...(tls ? { tls } : {}),
    routes,
    findings: compareObserved(platform, expected, observed),
  };
}

/** Resolution errors that mean "this name does not exist" (the user's input),
 * as opposed to "the resolver did not answer" (this machine's network). */
const NO_SUCH_NAME: ReadonlySet<string> = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

async function resolveTarget(name: string): Promise<string> {
  try {
    return (await lookup(name)).address;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    if (NO_SUCH_NAME.has(code)) {
      throw new UserInputError([
        {
          code: 'probe.target-unresolved',
          severity: 'high',
          path: 'target',
          message: `the target "${name}" does not resolve to an address on this machine (${code})`,
          hint: "pass the host's address as seen from this vantage point instead: its public IP from the internet, its tailnet address (100.x.y.z) from the tailnet, or a name that resolves here",
        },
      ]);
    }
    throw new ProbeRuntimeError(
      `cannot resolve the target "${name}": the resolver did not answer (${code})`,
      "check this machine's DNS (/etc/resolv.conf), or pass the host's address instead of its name",
    );
  }
}

type GatewayRoute = Platform['gateway']['routes'][number];

/**
 * One route, the way its app uses it: its page, its WebSocket at the exact URL
 * the UI opens (with the Origin the browser sends), its stream; for an app on
 * its own origin, also the redirect from its reference path on the main origin.
 */
async function checkRoute(endpoint: Endpoint, route: GatewayRoute, index: number, streamPath: string | undefined, main?: Endpoint): Promise<RouteObservation> {
  const base = { index, path: route.path, service: route.service };
  const root = route.servedAt === 'origin' ? '' : route.path.replace(/\/+$/, '');
  const origin = new URL(route.url).origin;
  try {
    const response = await httpGet(endpoint, `${root}/`);
    const { missing: missingHeaders, wrong: wrongHeaders } = checkSecurityHeaders(response.headers);
    let redirect: RouteObservation['redirect'];
    if (main) {
      const moved = await httpGet(main, route.path.replace(/\/+$/, ''));
      redirect = { status: moved.status, location: moved.headers['location'] ?? '', expected: route.url };
    }
    let websocket: RouteObservation['websocket'];
    if (route.websocket) {
      const path = route.websocketPath === undefined ? `${root}/` : `${root}${route.websocketPath}` || '/';
      const ws = await tryWebSocket(endpoint, path, undefined, 5000, origin);
      websocket = { upgraded: ws.upgraded, status: ws.status, path };
    }
    let stream: RouteObservation['stream'];
    if (route.streaming && streamPath) {
      const observed = await readStream(endpoint, `${root}${streamPath}`);
      const first = observed.events[0]?.atMs;
      const last = observed.events.at(-1)?.atMs;
      stream = {
        status: observed.status,
        events: observed.events.length,
        ...(first !== undefined ? { firstEventMs: round(first) } : {}),
        ...(first !== undefined && last !== undefined ? { spreadMs: round(last - first) } : {}),
      };
    }
    return {
      ...base,
      status: response.status,
      firstByteMs: response.firstByteMs,
      missingHeaders,
      ...(wrongHeaders.length > 0 ? { wrongHeaders } : {}),
      ...(websocket ? { websocket } : {}),
      ...(stream ? { stream } : {}),
      ...(redirect ? { redirect } : {}),
    };
  } catch (error) {
    return { ...base, status: 0, missingHeaders: [], error: error instanceof Error ? error.message : String(error) };
  }
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
