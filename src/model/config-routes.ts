// Gateway routes the model can hold but nginx (or the browser) cannot serve:
// two routes on one path (nginx refuses a duplicate location), an app
// without base-path support and no origin port, an origin port that another
// origin, SSH or the gateway's health server already uses. Pure over a
// Platform, reported by the loader with the route's key path.
import type { Finding } from './findings.js';
import type { Platform } from './types.js';

/** The gateway container's loopback health port (catalog/gateway.ts): never an origin. */
const HEALTH_PORT = 8081;
/** The start page (catalog/console.ts names its service by this): the one service served at / of the main origin. */
export const ROOT_ROUTE_SERVICE = 'console';

const finding = (code: Finding['code'], path: string, message: string, hint: string): Finding => ({ code, severity: 'high', path, message, hint });

export function routeFindings(platform: Platform): Finding[] {
  const findings: Finding[] = [];
  const { gateway, host } = platform;
  const paths = new Map<string, number>();
  const origins = new Map<number, number>();
  gateway.routes.forEach((route, i) => {
    const at = `gateway.routes[${i}]`;
    const base = route.path.replace(/\/+$/, '') || '/';
    const earlier = paths.get(base);
    if (earlier !== undefined) {
      findings.push(
        finding(
          'config.duplicate-route',
          `${at}.path`,
          `routes ${earlier} and ${i} both claim ${base} (nginx refuses a duplicate location)`,
          `give one of them another path, or remove it`,
        ),
      );
    } else paths.set(base, i);
    // The console's route (catalog/routes.ts) is the one that may take / of the main origin.
    if (base === '/' && !(route.service === ROOT_ROUTE_SERVICE && route.servedAt === 'path')) {
      findings.push(
        finding(
          'config.invalid-value',
          `${at}.path`,
          `only the console may take / of the main origin: every app's reference path lives under it`,
          'give the route a path like /myapp, or its own origin with originPort',
        ),
      );
    }
    if (route.prefix === 'none' && route.originPort === undefined) {
      findings.push(
        finding(
          'config.route-needs-origin',
          `${at}.originPort`,
          `${route.service} cannot live under a path prefix (prefix: none), so it needs an origin of its own`,
          'set originPort to a free TCP port (e.g. 8448): the app is served at / of that TLS port on the Tailscale address',
        ),
      );
    }
    if (route.servedAt !== 'origin' || route.originPort === undefined) return;
    const port = route.originPort;
    const clash =
      port === gateway.listenPort ? 'the main origin' : port === host.sshPort ? 'SSH' : port === HEALTH_PORT ? "the gateway's health server" : undefined;
    if (clash) {
      findings.push(
        finding('config.origin-port-taken', `${at}.originPort`, `${route.service}'s origin port ${port} is already ${clash}'s`, 'choose another originPort'),
      );
      return;
    }
    const other = origins.get(port);
    if (other !== undefined) {
      findings.push(
        finding('config.origin-port-taken', `${at}.originPort`, `routes ${other} and ${i} both want origin port ${port}`, 'give each app its own originPort'),
      );
    } else origins.set(port, i);
  });
  return findings;
}
