// The BackupTarget of a real deployment: commands run in the service's
// running container (Engine API exec, binary-safe), services are stopped
// through the Engine API and started again with Compose (`engine.up`, level
// by level) and waited on with the health waits of `moat up`; a volume is read
// or replaced by a throwaway container of the owning service's own image (so
// no image is pulled) with the volume mounted, running tar, without a network.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Platform } from '../../model/types.js';
import type { Engine } from '../engine.js';
import { EngineCommandError } from '../engine.js';
import { type EngineEndpoint, engineJson } from '../engine-api.js';
import { healthcheckedServices, waitReady } from '../health.js';
import { dependencyLevels } from '../levels.js';
import { composeVolumeName } from '../lost-secrets.js';
import { hijack } from './engine-stream.js';
import { volumeOwners } from './plan.js';
import type { BackupTarget, StartFailure, TargetExecResult } from './target.js';

const MOUNT = '/moat-volume';
/** Empties the volume (dotfiles too) and unpacks the tar from stdin; run as root so owners are kept as archived. */
const REPLACE_SCRIPT = `cd ${MOUNT} && rm -rf -- ./* ./.[!.]* ./..?* && exec tar -xf -`;

export function engineBackupTarget(engine: Engine, endpoint: EngineEndpoint, platform: Platform, options: { readonly pollMs?: number } = {}): BackupTarget {
  const running = async (service: string) => (await engine.containers()).filter((c) => c.service === service && c.state === 'running');

  /** Runs a throwaway container of `image` with the volume at MOUNT; stdout frames go to `stdout`. */
  const throwaway = async (
    volume: string,
    argv: readonly string[],
    readOnly: boolean,
    stdout: NodeJS.WritableStream | undefined,
    stdin?: NodeJS.ReadableStream,
  ): Promise<void> => {
    const owner = volumeOwners(platform, volume)[0];
    if (!owner) throw new EngineCommandError(`volume ${volume}`, `no service of ${platform.project} mounts ${volume}`);
    const name = `moat-backup-${platform.project}-${volume}-${randomBytes(3).toString('hex')}`;
    const created = await engineJson<{ Id?: string }>(endpoint, 'POST', `/containers/create?name=${encodeURIComponent(name)}`, {
      Image: owner.image,
      Entrypoint: [...argv.slice(0, 1)],
      Cmd: [...argv.slice(1)],
      User: '0:0',
      Tty: false,
      AttachStdin: stdin !== undefined,
      OpenStdin: stdin !== undefined,
      StdinOnce: stdin !== undefined,
      AttachStdout: true,
      AttachStderr: true,
      Labels: { 'moat.backup': platform.project },
      HostConfig: { Binds: [`${composeVolumeName(platform, volume)}:${MOUNT}${readOnly ? ':ro' : ''}`], NetworkMode: 'none' },
    });
    const id = created?.Id;
    if (typeof id !== 'string') throw new EngineCommandError(`create a container for ${volume}`, 'the engine answered no Id');
    try {
      const { stderr } = await hijack(endpoint, `/containers/${id}/attach?stream=1&stdout=1&stderr=1${stdin ? '&stdin=1' : ''}`, undefined, {
        ...(stdout ? { stdout } : {}),
        ...(stdin ? { stdin } : {}),
        onUpgrade: async () => void (await engineJson(endpoint, 'POST', `/containers/${id}/start`)),
      });
      const waited = await engineJson<{ StatusCode?: number }>(endpoint, 'POST', `/containers/${id}/wait`, undefined, 60 * 60_000);
      if ((waited?.StatusCode ?? -1) !== 0)
        throw new EngineCommandError(
          `tar on volume ${volume} in ${owner.image}`,
          `exit code ${waited?.StatusCode ?? '?'}: ${stderr.trim() || '(no output)'}${/not found/.test(stderr) ? ' (the image lacks tar)' : ''}`,
        );
    } finally {
      await engineJson(endpoint, 'DELETE', `/containers/${id}?force=1&v=0`).catch(() => undefined);
    }
  };

  return {
    async exec(service, argv, io = {}): Promise<TargetExecResult> {
      const container = (await running(service))[0];
      if (!container) throw new EngineCommandError(`exec in ${service}`, `${service} has no running container; \`moat status\` shows its state`);
      const stdin = typeof io.stdin === 'string' ? Buffer.from(io.stdin) : io.stdin;
      const created = await engineJson<{ Id?: string }>(endpoint, 'POST', `/containers/${container.id}/exec`, {
        AttachStdin: stdin !== undefined,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        Cmd: argv,
      });
      if (typeof created?.Id !== 'string') throw new EngineCommandError(`exec in ${service}`, 'the engine answered no exec Id');
      const { stderr, stdout } = await hijack(
        endpoint,
        `/exec/${created.Id}/start`,
        { Detach: false, Tty: false },
        { ...(stdin ? { stdin } : {}), ...(io.stdout ? { stdout: io.stdout } : {}) },
      );
      const inspected = await engineJson<{ ExitCode?: number | null }>(endpoint, 'GET', `/exec/${created.Id}/json`);
      return { exitCode: typeof inspected?.ExitCode === 'number' ? inspected.ExitCode : -1, stdout, stderr };
    },
    async running() {
      return [...new Set((await engine.containers()).filter((c) => c.state === 'running').map((c) => c.service))];
    },
    async stop(services) {
      for (const service of services)
        for (const c of await running(service)) await engineJson(endpoint, 'POST', `/containers/${c.id}/stop?t=30`, undefined, 60_000);
    },
    async start(services) {
      const wanted = new Set(services);
      const budgets = new Map(platform.services.map((s) => [s.name, s.startBudgetSeconds]));
      const healthchecked = healthcheckedServices(platform);
      const failures: StartFailure[] = [];
      for (const level of dependencyLevels(platform)
        .levels.map((l) => l.filter((s) => wanted.has(s)))
        .filter((l) => l.length > 0)) {
        await engine.up(level);
        const verdicts = await waitReady(engine, level, { budgets, healthchecked, ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }) });
        for (const [service, verdict] of verdicts) if (verdict.kind === 'failed') failures.push({ service, reason: verdict.reason });
      }
      return failures;
    },
    async exportVolume(volume, sink) {
      await throwaway(volume, ['tar', '-C', MOUNT, '-cf', '-', '.'], true, sink);
    },
    async importVolume(volume, tarFile) {
      await throwaway(volume, ['sh', '-c', REPLACE_SCRIPT], false, undefined, createReadStream(tarFile));
    },
  };
}
