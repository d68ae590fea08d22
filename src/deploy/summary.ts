// What `moat up` and `moat status` end with: each service, its state, and where
// a user reaches it: its route's URL (under a path of the main origin, or an
// origin of its own), or "internal" for services that only the platform network
// reaches (never a backend address or port).
import { routeUrl } from '../catalog/host-env.js';
import { gatewayUrl } from '../model/lookup.js';
import type { Platform } from '../model/types.js';
import type { ContainerState } from './engine.js';

export interface ServiceRow {
  readonly service: string;
  /** healthy, running, unhealthy, starting, exited, not created, failed... */
  readonly state: string;
  readonly url: string;
  readonly address: string;
}

export function serviceUrl(platform: Platform, service: string): string {
  if (service === platform.gateway.service) return `${gatewayUrl(platform)}/`;
  // The same URL the apps are told they live at (host-env.ts), so the table and the apps agree.
  const url = routeUrl(platform, service);
  return url === undefined ? 'internal' : `${url}/`;
}

export function stateLabel(container: ContainerState | undefined): string {
  if (!container) return 'not created';
  if (container.state !== 'running') return container.exitCode !== 0 ? `${container.state} (${container.exitCode})` : container.state;
  return container.health === 'none' ? 'running' : container.health;
}

/** One row per service of the platform, in the platform's order; `override` replaces a state (e.g. failed, skipped). */
export function serviceRows(
  platform: Platform,
  containers: readonly ContainerState[],
  only?: ReadonlySet<string>,
  override: ReadonlyMap<string, string> = new Map(),
): ServiceRow[] {
  return platform.services
    .filter((s) => !only || only.has(s.name))
    .map((s) => {
      const container = containers.find((c) => c.service === s.name);
      return {
        service: s.name,
        state: override.get(s.name) ?? stateLabel(container),
        url: serviceUrl(platform, s.name),
        address: s.address,
      };
    });
}

export function formatRows(rows: readonly ServiceRow[]): string {
  const header = { service: 'SERVICE', state: 'STATE', url: 'URL', address: 'ADDRESS' };
  const all = [header, ...rows];
  const w = (key: keyof ServiceRow): number => Math.max(...all.map((r) => r[key].length));
  const line = (r: ServiceRow): string =>
    `${r.service.padEnd(w('service'))}  ${r.state.padEnd(w('state'))}  ${r.address.padEnd(w('address'))}  ${r.url}`.trimEnd();
  return `${all.map(line).join('\n')}\n`;
}
