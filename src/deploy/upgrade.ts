// `moat upgrade` without the CLI: for each planned step (upgrade-plan.ts),
// back up once, pull the new image, stop the service, snapshot its volumes,
// recreate it with the new image through Compose (the rendered compose.yaml
// stays the one description of the deployment), wait for the catalog's health
// check; on failure remove the new container, put the snapshot back and start
// the old image again. The new tag is recorded (moat.yaml) only once the
// service is healthy on it, so a failed upgrade leaves the config as it was.

import { setTimeout as delay } from 'node:timers/promises';
import { splitImage } from '../catalog/upstream/index.js';
import { serviceByName } from '../model/lookup.js';
import type { Platform } from '../model/types.js';
import type { Engine } from './engine.js';
import type { EngineEndpoint } from './engine-api.js';
import { engineCall, engineFind } from './engine-api.js';
import { judge } from './health.js';
import type { UpgradeStep } from './upgrade-plan.js';
import { withImage } from './upgrade-plan.js';
import type { VolumeArchive } from './volume-snapshot.js';
import { restoreVolumes, snapshotVolumes } from './volume-snapshot.js';

/**
 * The backup taken before any image changes (`moat backup`'s createBackup,
 * wired by the CLI). Resolves with where the backup is; throws to stop the upgrade.
 */
export type BackupBeforeUpgrade = (request: { readonly services: readonly string[] }) => Promise<{ readonly location: string }>;

export interface UpgradeOptions {
  readonly engine: Engine;
  readonly endpoint: EngineEndpoint;
  /** Writes the bundle for this platform, so that `engine.up` runs what it says. */
  readonly render: (platform: Platform) => Promise<void>;
  /** Records a service's new image where the next render reads it (moat.yaml). */
  readonly record: (service: string, image: string) => Promise<void>;
  /** undefined: --no-backup. */
  readonly backup?: BackupBeforeUpgrade;
  /** A directory per service's snapshot (kept after the upgrade, as the way back). */
  readonly snapshotDir: (service: string) => string;
  readonly pollMs?: number;
  readonly say?: (line: string) => void;
}

export type UpgradeOutcome =
  | { readonly kind: 'upgraded'; readonly step: UpgradeStep; readonly snapshots: readonly VolumeArchive[] }
  /** Not deployed: only the config changed; `moat up` starts it on the new image. */
  | { readonly kind: 'recorded'; readonly step: UpgradeStep }
  /** Nothing changed: the new image could not be had, or the volumes could not be snapshotted. */
  | { readonly kind: 'not-started'; readonly step: UpgradeStep; readonly reason: string }
  | {
      readonly kind: 'rolled-back';
      readonly step: UpgradeStep;
      readonly reason: string;
      readonly logTail: string;
      /** The old image runs again, healthy, on the snapshotted data. */
      readonly restored: boolean;
      readonly restoreProblem?: string;
      readonly snapshots: readonly VolumeArchive[];
    };

export interface UpgradeResult {
  readonly backup?: string;
  readonly outcomes: readonly UpgradeOutcome[];
}

const enc = encodeURIComponent;
const LOG_TAIL = 20;

/** Pulls `image` unless the engine has it (pinned tags do not move; local images cannot be pulled). */
async function ensureImage(endpoint: EngineEndpoint, image: string): Promise<void> {
  if (await engineFind<unknown>(endpoint, `/images/${enc(image)}/json`)) return;
  const { repository, tag } = splitImage(image);
  const pulled = await engineCall(endpoint, { method: 'POST', path: `/images/create?fromImage=${enc(repository)}&tag=${enc(tag)}`, timeoutMs: 30 * 60_000 });
  // A pull answers 200 and reports a failure inside its progress stream.
  const failure = pulled.text
    .split('\n')
    .map((line) => {
      try {
        return (JSON.parse(line) as { error?: string }).error;
      } catch {
        return undefined;
      }
    })
    .find((e) => typeof e === 'string');
  if (failure !== undefined) throw new Error(failure);
}

async function removeServiceContainers(engine: Engine, endpoint: EngineEndpoint, service: string): Promise<void> {
  for (const c of (await engine.containers()).filter((x) => x.service === service)) {
    await engineCall(endpoint, { method: 'DELETE', path: `/containers/${enc(c.id)}?force=true`, accept: [404] });
  }
}

/**
 * Waits for the catalog's health check to pass: a service with a health check
 * must report `healthy`, as in `up`'s wait (health.ts: no status proves
 * nothing); one without is done once running, whatever its image reports.
 */
async function healthy(engine: Engine, platform: Platform, service: string, pollMs = 1000): Promise<{ ok: true } | { ok: false; reason: string }> {
  const model = serviceByName(platform, service);
  const budget = model?.startBudgetSeconds ?? 120;
  const started = Date.now();
  for (;;) {
    const state = (await engine.containers()).find((c) => c.service === service);
    const verdict = judge(state, model?.healthcheck !== undefined);
    if (verdict?.kind === 'failed') return { ok: false, reason: verdict.reason };
    if (state?.state === 'running' && (model?.healthcheck ? state.health === 'healthy' : true)) return { ok: true };
    if ((Date.now() - started) / 1000 > budget) {
      return {
        ok: false,
        reason: `not healthy within its start budget of ${budget} s (last seen: ${state ? `${state.state}, health ${state.health}` : 'no container'})`,
      };
    }
    await delay(pollMs);
  }
}

async function upgradeOne(platform: Platform, step: UpgradeStep, options: UpgradeOptions): Promise<UpgradeOutcome> {
  const { engine, endpoint } = options;
  const say = options.say ?? (() => undefined);
  try {
    say(`${step.service}: getting ${step.to}`);
    await ensureImage(endpoint, step.to);
  } catch (error) {
    return { kind: 'not-started', step, reason: `cannot pull ${step.to}: ${(error as Error).message}` };
  }
  const current = (await engine.containers()).find((c) => c.service === step.service);
  if (!current) {
    await options.record(step.service, step.to);
    return { kind: 'recorded', step };
  }
  say(`${step.service}: stopping ${step.from} and snapshotting its volumes`);
  await engineCall(endpoint, { method: 'POST', path: `/containers/${enc(current.id)}/stop?t=30`, accept: [304], timeoutMs: 60_000 });
  let snapshots: VolumeArchive[];
  try {
    snapshots = await snapshotVolumes(endpoint, current.id, options.snapshotDir(step.service));
  } catch (error) {
    // No way back without the snapshot: start the old version again and change nothing.
    await engineCall(endpoint, { method: 'POST', path: `/containers/${enc(current.id)}/start`, accept: [304] }).catch(() => undefined);
    return { kind: 'not-started', step, reason: `cannot snapshot ${step.service}'s volumes (${(error as Error).message}); ${step.from} was started again` };
  }
  let failure: string;
  try {
    say(`${step.service}: starting ${step.to}`);
    await options.render(withImage(platform, step.service, step.to));
    await engine.up([step.service]);
    const verdict = await healthy(engine, platform, step.service, options.pollMs);
    if (verdict.ok) {
      await options.record(step.service, step.to);
      return { kind: 'upgraded', step, snapshots };
    }
    failure = verdict.reason;
  } catch (error) {
    failure = (error as Error).message;
  }
  const logTail = await engine.logs(step.service, LOG_TAIL).catch(() => '');
  say(`${step.service}: ${step.to} failed (${failure}); rolling back to ${step.from}`);
  try {
    await removeServiceContainers(engine, endpoint, step.service);
    await restoreVolumes(endpoint, snapshots, step.from);
    await options.render(platform);
    await engine.up([step.service]);
    const back = await healthy(engine, platform, step.service, options.pollMs);
    return { kind: 'rolled-back', step, reason: failure, logTail, restored: back.ok, ...(back.ok ? {} : { restoreProblem: back.reason }), snapshots };
  } catch (error) {
    return { kind: 'rolled-back', step, reason: failure, logTail, restored: false, restoreProblem: (error as Error).message, snapshots };
  }
}

/** Runs the steps in order and stops after the first that did not upgrade (the rest are left as they are). */
export async function upgradeServices(platform: Platform, steps: readonly UpgradeStep[], options: UpgradeOptions): Promise<UpgradeResult> {
  if (steps.length === 0) return { outcomes: [] };
  const backup = options.backup ? (await options.backup({ services: steps.map((s) => s.service) })).location : undefined;
  const outcomes: UpgradeOutcome[] = [];
  let live = platform;
  for (const step of steps) {
    const outcome = await upgradeOne(live, step, options);
    outcomes.push(outcome);
    if (outcome.kind !== 'upgraded' && outcome.kind !== 'recorded') break;
    live = withImage(live, step.service, step.to);
  }
  return { ...(backup === undefined ? {} : { backup }), outcomes };
}
