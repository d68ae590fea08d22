// A private container engine for the engine tests: Debian's podman serving its
// Docker-compatible API on a socket under a moat- temp dir, with its own
// storage root, run root and network config, so the tests see (and remove)
// only what they created. Settings that make podman work on these machines:
// runc + cgroupfs (no systemd), lowered default ulimits (the sandbox refuses
// podman's default nofile/nproc), the file events logger (no journald).
//
// Without systemd, podman cannot schedule health checks (it uses systemd
// timers), so the harness runs `podman healthcheck run` for every running
// container with a health check, once a second: the part a Docker daemon
// does by itself. Health states and retries are still podman's own.
import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { engineGet } from '../../src/deploy/engine-api.js';

export const STUB_IMAGE = 'localhost/moat-stub:1';

const REQUIRED_TOOLS = ['podman', 'runc', 'docker-compose', 'busybox', 'tar', 'findmnt', 'umount'];

export interface PodmanHarness {
  readonly dir: string;
  /** `unix://<dir>/moat-podman.sock`, for DOCKER_HOST. */
  readonly dockerHost: string;
  /** Runs podman against the private root; rejects on failure. */
  podman(args: readonly string[], options?: { reject?: boolean }): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** Builds STUB_IMAGE from the host's busybox-static (no registry). */
  buildStubImage(): Promise<void>;
  /** Removes every container, network and volume of the private root, stops the service, deletes the dir. */
  stop(): Promise<void>;
}

/** Fails loudly (never skips) when a tool the engine tests need is missing. */
export async function requireTools(): Promise<void> {
  const missing: string[] = [];
  for (const tool of REQUIRED_TOOLS) {
    const found = await execa('sh', ['-c', `command -v ${tool}`], { reject: false });
    if (found.exitCode !== 0) missing.push(tool);
  }
  if (missing.length > 0) {
    throw new Error(`engine tests need ${missing.join(', ')}: run ./scripts/setup-test-host.sh as root (Debian packages in scripts/debian-packages.txt)`);
  }
}

function containersConf(dir: string): string {
  return [
    '[containers]',
    'default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]',
    '[engine]',
    'runtime = "runc"',
    'cgroup_manager = "cgroupfs"',
    'events_logger = "file"',
    `tmp_dir = "${join(dir, 'tmp')}"`,
    '[network]',
    `network_config_dir = "${join(dir, 'networks')}"`,
    '',
  ].join('\n');
}

export async function startPodman(): Promise<PodmanHarness> {
  await requireTools();
  const dir = await mkdtemp(join(tmpdir(), 'moat-podman-'));
  for (const sub of ['root', 'runroot', 'tmp', 'networks']) await mkdir(join(dir, sub), { recursive: true });
  await writeFile(join(dir, 'containers.conf'), containersConf(dir));
  const env = { ...process.env, CONTAINERS_CONF: join(dir, 'containers.conf') };
  const global = ['--root', join(dir, 'root'), '--runroot', join(dir, 'runroot'), '--tmpdir', join(dir, 'tmp')];
  const socket = join(dir, 'moat-podman.sock');
  const dockerHost = `unix://${socket}`;

  const podman: PodmanHarness['podman'] = async (args, options = {}) => {
    const r = await execa('podman', [...global, ...args], { env, reject: false, timeout: 120_000, stdin: 'ignore' });
    const result = { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
    if (options.reject !== false && result.exitCode !== 0) throw new Error(`podman ${args.join(' ')} failed (${result.exitCode}): ${r.stderr}`);
    return result;
  };

  // Its own process group, so stop() can end it (and only it) by PID.
  const service = spawn('podman', [...global, 'system', 'service', '--time=0', dockerHost], {
    env,
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const pid = service.pid;
  if (pid === undefined) throw new Error('podman system service did not start');

  let ticking = true;
  const ticker = (async () => {
    while (ticking) {
      const ps = await podman(['ps', '--filter', 'status=running', '--format', '{{.ID}} {{.Status}}'], { reject: false });
      for (const line of ps.stdout.split('\n')) {
        const [id, ...status] = line.trim().split(' ');
        if (id && /\((starting|healthy|unhealthy)\)|health: starting/.test(status.join(' '))) {
          await podman(['healthcheck', 'run', id], { reject: false });
        }
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();

  const stop = async (): Promise<void> => {
    ticking = false;
    await ticker.catch(() => undefined);
    await podman(['rm', '--force', '--all', '--time', '0'], { reject: false });
    await podman(['pod', 'rm', '--force', '--all'], { reject: false });
    const nets = await podman(['network', 'ls', '--format', '{{.Name}}'], { reject: false });
    for (const net of nets.stdout
      .split('\n')
      .map((n) => n.trim())
      .filter((n) => n && n !== 'podman')) {
      await podman(['network', 'rm', '--force', net], { reject: false });
    }
    await podman(['volume', 'rm', '--all', '--force'], { reject: false });
    await podman(['rmi', '--all', '--force'], { reject: false });
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((r) => setTimeout(r, 500));
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
    // Overlay and shm mounts podman left under the private root, deepest first.
    const mounts = await execa('findmnt', ['-rn', '-o', 'TARGET'], { reject: false });
    const ours = mounts.stdout
      .split('\n')
      .filter((m) => m.startsWith(dir))
      .sort((a, b) => b.length - a.length);
    for (const m of ours) await execa('umount', ['-l', m], { reject: false });
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForSocket(socket, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    dir,
    dockerHost,
    podman,
    stop,
    async buildStubImage() {
      const rootfs = join(dir, 'stub-rootfs');
      await mkdir(join(rootfs, 'bin'), { recursive: true });
      await mkdir(join(rootfs, 'etc'), { recursive: true });
      await mkdir(join(rootfs, 'tmp'), { recursive: true });
      await chmod(join(rootfs, 'tmp'), 0o1777);
      const busybox = (await execa('sh', ['-c', 'command -v busybox'])).stdout.trim();
      // The image has no libc: only a static busybox runs in it.
      const ldd = await execa('ldd', [busybox], { reject: false });
      if (!/not a dynamic executable/.test(`${ldd.stdout}${ldd.stderr}`)) {
        throw new Error(`${busybox} is dynamically linked: install busybox-static (scripts/debian-packages.txt), not busybox`);
      }
      await copyFile(busybox, join(rootfs, 'bin', 'busybox'));
      await chmod(join(rootfs, 'bin', 'busybox'), 0o755);
      const applets = (await execa(busybox, ['--list'])).stdout
        .split('\n')
        .map((a) => a.trim())
        .filter((a) => a && a !== 'busybox');
      for (const applet of applets) await symlink('busybox', join(rootfs, 'bin', applet));
      await writeFile(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/:/bin/sh\nnode:x:1000:1000:node:/tmp:/bin/sh\n');
      await writeFile(join(rootfs, 'etc', 'group'), 'root:x:0:\nnode:x:1000:\n');
      const tar = join(dir, 'stub.tar');
      await execa('tar', ['-C', rootfs, '-cf', tar, '.']);
      await podman(['import', '--change', 'CMD ["/bin/sh"]', '--change', 'ENV PATH=/bin', tar, STUB_IMAGE]);
      if ((await readdir(rootfs)).length === 0) throw new Error('stub rootfs is empty');
    },
  };
}

async function waitForSocket(socket: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await engineGet<unknown>({ socketPath: socket }, '/version', 2000);
      return;
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`podman's API socket ${socket} did not answer in ${timeoutMs} ms: ${String(last)}`);
}
