// Waiting for services: poll the engine's own health status (what the
// healthcheck in compose.yaml reports) until each service is ready, failed, or
// out of its start budget. A service without a healthcheck is ready once running;
// one with a healthcheck only once it reports healthy: no health status
// ('none') proves nothing. podman 4.3.1 reports "" while its healthcheck.log
// does not exist (libpod/healthcheck.go getHealthCheckLog): a created
// container's, and a started one's when writing "starting" failed, which
// start() in libpod/container_internal.go only logs.
import type { Platform } from '../model/types.js';
import type { ContainerState, Engine } from './engine.js';

export type Readiness =
  | { readonly kind: 'ready'; readonly state: ContainerState }
  | { readonly kind: 'failed'; readonly reason: string; readonly state: ContainerState | undefined };

export interface WaitOptions {
  /** Seconds each service may take, by name. */
  readonly budgets: ReadonlyMap<string, number>;
  /** The services whose model has a healthcheck: ready only when healthy. */
  readonly healthchecked: ReadonlySet<string>;
  readonly pollMs?: number;
  /** Called whenever a service's observed state changes. */
  readonly onChange?: (service: string, state: ContainerState | undefined, seconds: number) => void;
}

/** The services of the platform that declare a healthcheck (WaitOptions.healthchecked). */
export function healthcheckedServices(platform: Platform): ReadonlySet<string> {
  return new Set(platform.services.filter((s) => s.healthcheck !== undefined).map((s) => s.name));
}

/**
 * One verdict from one observation; undefined = keep waiting. `healthcheck`:
 * whether the service's model has one, so that only `healthy` is ready.
 */
export function judge(state: ContainerState | undefined, healthcheck: boolean): Readiness | undefined {
  if (!state) return undefined;
  if (state.state === 'exited' || state.state === 'dead') {
    return { kind: 'failed', reason: `the container ${state.state} with code ${state.exitCode}`, state };
  }
  if (state.health === 'unhealthy') return { kind: 'failed', reason: 'its health check failed', state };
  // With `restart: unless-stopped` a crashing container never stays exited: it
  // cycles through `restarting`, and waiting would only burn its whole start
  // budget. A crash since it was created is a failure unless it is healthy now.
  if (state.state === 'restarting') {
    return { kind: 'failed', reason: `the container keeps crashing (restarting after exit code ${state.exitCode}, ${state.restartCount} restart(s))`, state };
  }
  if (state.restartCount > 0 && state.health !== 'healthy') {
    return { kind: 'failed', reason: `the container crashed and was restarted ${state.restartCount} time(s) (last exit code ${state.exitCode})`, state };
  }
  if (state.state !== 'running') return undefined;
  if (state.health === 'healthy' || (state.health === 'none' && !healthcheck)) return { kind: 'ready', state };
  return undefined;
}

/** Waits for all services in parallel; resolves with one verdict per service (never throws on a failed service). */
export async function waitReady(engine: Engine, services: readonly string[], options: WaitOptions): Promise<Map<string, Readiness>> {
  const pollMs = options.pollMs ?? 1000;
  const started = Date.now();
  const verdicts = new Map<string, Readiness>();
  const lastSeen = new Map<string, string>();
  while (verdicts.size < services.length) {
    const containers = await engine.containers();
    const elapsed = (Date.now() - started) / 1000;
    for (const service of services) {
      if (verdicts.has(service)) continue;
      const state = containers.find((c) => c.service === service);
      const signature = state ? `${state.state}/${state.health}` : 'absent';
      if (lastSeen.get(service) !== signature) {
        lastSeen.set(service, signature);
        options.onChange?.(service, state, elapsed);
      }
      const verdict = judge(state, options.healthchecked.has(service));
      if (verdict) verdicts.set(service, verdict);
      else if (elapsed > (options.budgets.get(service) ?? 120)) {
        const budget = options.budgets.get(service) ?? 120;
        verdicts.set(service, {
          kind: 'failed',
          reason: `not healthy within its start budget of ${budget} s (last seen: ${state ? `${state.state}, health ${state.health}` : 'no container'})`,
          state,
        });
      }
    }
    if (verdicts.size < services.length) await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return verdicts;
}
