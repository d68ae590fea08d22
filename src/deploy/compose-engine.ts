// The two Compose flavours behind the Engine interface. They differ in how
// they are called: Compose v2 is a docker plugin (`docker compose`) that reads
// the bundle's compose.yaml as it is; Debian's docker-compose 1.29 rejects the
// spec's top-level `name:` and re-checks networks strictly (compose-v1.ts), so
// it gets an adapted file on stdin, run from the bundle so relative paths hold.
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import { byText } from '../model/order.js';
import { v1ComposeText } from './compose-v1.js';
import type { ContainerState, Engine, EngineTarget, Health, PublishedPort } from './engine.js';
import { EngineCommandError } from './engine.js';
import type { EngineEndpoint, InspectedContainer, ListedResource } from './engine-api.js';
import { endpointFromEnv, engineCall, engineGet, labelFilter } from './engine-api.js';
import { engineExec } from './engine-exec.js';

export type ComposeFlavour = 'compose-v2' | 'compose-v1';

const PROJECT_LABEL = 'com.docker.compose.project';
const SERVICE_LABEL = 'com.docker.compose.service';

/** Image pulls can take long; the per-service start budget applies after `up` returns. */
const UP_TIMEOUT_MS = 15 * 60_000;
const DOWN_ATTEMPTS = 4;
const DOWN_RETRY_MS = 2_000;
const COMMAND_TIMEOUT_MS = 120_000;

export function composeEngine(flavour: ComposeFlavour, target: EngineTarget, endpoint: EngineEndpoint = endpointFromEnv()): Engine {
  const run = async (args: readonly string[], timeout = COMMAND_TIMEOUT_MS): Promise<string> => {
    const [file, prefix, input] =
      flavour === 'compose-v2'
        ? (['docker', ['compose', '-p', target.project, '--project-directory', target.bundleDir, '-f', target.composeFile], undefined] as const)
        : ([
            'docker-compose',
            ['-p', target.project, '--project-directory', target.bundleDir, '-f', '-'],
            await v1ComposeText(target.composeFile, target.project, endpoint),
          ] as const);
    const result = await execa(file, [...prefix, ...args], {
      cwd: target.bundleDir,
      reject: false,
      all: true,
      timeout,
      ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
    });
    if (result.exitCode !== 0 || result.timedOut) {
      throw new EngineCommandError(
        [flavour === 'compose-v2' ? 'docker compose' : 'docker-compose', ...args].join(' '),
        result.timedOut ? `no answer in ${timeout / 1000} s\n${result.all ?? ''}` : (result.all ?? ''),
      );
    }
    return result.stdout ?? '';
  };

  const listContainers = async (): Promise<ContainerState[]> => {
    const listed = await engineGet<{ Id: string }[]>(endpoint, `/containers/json?all=1&filters=${labelFilter([`${PROJECT_LABEL}=${target.project}`])}`);
    const inspected = await Promise.all(listed.map((c) => engineGet<InspectedContainer>(endpoint, `/containers/${encodeURIComponent(c.Id)}/json`)));
    return inspected.map(toState).sort((a, b) => byText(a.service, b.service) || byText(a.name, b.name));
  };

  /** Containers that crashed since they were created, asked to stop (errors ignored: one mid-restart may refuse, the retry of `down` handles it). */
  const stopCrashLooping = async (): Promise<void> => {
    const looping = (await listContainers().catch(() => [])).filter((c) => c.restartCount > 0 || c.state === 'restarting');
    await Promise.all(
      looping.map((c) =>
        engineCall(endpoint, { method: 'POST', path: `/containers/${encodeURIComponent(c.id)}/stop?t=10`, accept: [304, 404] }).catch(() => undefined),
      ),
    );
  };
  /** What Compose left behind after one `down`: removed by force (anonymous volumes only when `down --volumes` was asked for). */
  const forceRemoveAll = async (volumes: boolean): Promise<void> => {
    const left = await listContainers().catch(() => []);
    await Promise.all(
      left.map((c) =>
        engineCall(endpoint, { method: 'DELETE', path: `/containers/${encodeURIComponent(c.id)}?force=true&v=${volumes}`, accept: [404, 409] }).catch(
          () => undefined,
        ),
      ),
    );
  };

  return {
    name: flavour === 'compose-v2' ? 'docker compose' : 'docker-compose',
    async up(services) {
      if (services.length === 0) return;
      await run(['up', '-d', '--no-deps', '--remove-orphans', ...services], UP_TIMEOUT_MS);
    },
    containers: listContainers,
    async exec(service, argv, stdin) {
      // Through the Engine API for both flavours: v1 reads the compose file from stdin, so its `exec` could not take input.
      const container = (await listContainers()).find((c) => c.service === service && c.state === 'running');
      if (!container) throw new EngineCommandError(`exec in ${service}`, `${service} has no running container; \`moat status\` shows its state`);
      return engineExec(endpoint, container.id, argv, stdin);
    },
    execCommand(service, argv) {
      // v2 reads the bundle's compose.yaml as it is. v1 cannot (it rejects the top-level `name:`): name the container, as v1 names it.
      return flavour === 'compose-v2'
        ? ['docker', 'compose', '-p', target.project, '--project-directory', target.bundleDir, '-f', target.composeFile, 'exec', service, ...argv]
        : ['docker', 'exec', '-it', `${target.project}_${service}_1`, ...argv];
    },
    async logs(service, tail) {
      return run(['logs', '--no-color', `--tail=${tail}`, service]);
    },
    async down({ volumes }) {
      const args = ['down', '--remove-orphans', ...(volumes ? ['--volumes'] : [])];
      // A crash-looping container defeats `docker-compose down` (seen with
      // podman 4.3 + docker-compose 1.29): Compose lists it while it is between
      // restarts, so it does not stop it; the engine then restarts it and the
      // removal fails ("cannot remove container ... as it is running ...:
      // container state improper", podman's ErrCtrStateInvalid in
      // libpod/define/errors.go), and so does the network's ("has associated
      // containers"). So: stop every container the engine has been restarting
      // first (a stop by the user ends a restart policy, in Docker and podman),
      // then let Compose remove the project; what it still could not remove
      // was already asked to stop once, so it is removed by force and Compose
      // runs again for the network (and volumes). Named volumes never go with
      // a container, so `down` still keeps them.
      // A container that exits while podman stops it can fail the stop with
      // "read /proc/PID/cgroup: no such process" (seen in CI with podman 4.3:
      // the process went between the state check and the read; podman#12464
      // fixed the ENOENT form of this race, not ESRCH): the container is gone
      // or stopped by then, so that too is retried.
      await stopCrashLooping();
      for (let attempt = 1; ; attempt++) {
        try {
          await run(args);
          return;
        } catch (error) {
          const busy =
            error instanceof EngineCommandError &&
            /associated containers|network is being used|has active endpoints|container state improper|is running|No such container|cgroup: no such process/i.test(
              error.message,
            );
          if (!busy || attempt >= DOWN_ATTEMPTS) throw error;
          await forceRemoveAll(volumes);
          await delay(DOWN_RETRY_MS);
        }
      }
    },
    async resources() {
      const filter = labelFilter([`${PROJECT_LABEL}=${target.project}`]);
      const networks = await engineGet<ListedResource[]>(endpoint, `/networks?filters=${filter}`);
      const volumes = await engineGet<{ Volumes?: ListedResource[] | null }>(endpoint, `/volumes?filters=${filter}`);
      return {
        networks: networks.map((n) => n.Name).sort(),
        volumes: (volumes.Volumes ?? []).map((v) => v.Name).sort(),
      };
    },
  };
}

function toState(c: InspectedContainer): ContainerState {
  const health = c.State?.Health?.Status;
  const published: PublishedPort[] = [];
  for (const [key, bindings] of Object.entries(c.NetworkSettings?.Ports ?? {})) {
    const [port, protocol] = key.split('/');
    for (const b of bindings ?? []) {
      published.push({ hostIp: b.HostIp ?? '', hostPort: Number(b.HostPort), containerPort: Number(port), protocol: protocol ?? 'tcp' });
    }
  }
  const addresses: Record<string, string> = {};
  for (const [network, settings] of Object.entries(c.NetworkSettings?.Networks ?? {})) {
    if (settings.IPAddress) addresses[network] = settings.IPAddress;
  }
  return {
    service: c.Config?.Labels?.[SERVICE_LABEL] ?? c.Name.replace(/^\//, ''),
    id: c.Id,
    name: c.Name.replace(/^\//, ''),
    state: c.State?.Status ?? 'unknown',
    health: toHealth(health),
    exitCode: c.State?.ExitCode ?? 0,
    restartCount: c.RestartCount ?? 0,
    addresses,
    published,
  };
}

function toHealth(status: string | undefined): Health {
  if (status === 'healthy' || status === 'unhealthy' || status === 'starting') return status;
  return 'none';
}
