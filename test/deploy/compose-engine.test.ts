// The two Compose adapters against stubs: a `docker` / `docker-compose` on PATH
// that record how they were called (and what they read on stdin), and an
// Engine API stub on a unix socket that answers the network look-up.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeEngine } from '../../src/deploy/compose-engine.js';
import { detectCompose } from '../../src/deploy/detect-engine.js';
import { EngineCommandError } from '../../src/deploy/engine.js';

let dir = '';
let bin = '';
let savedPath: string | undefined;
let server: Server | undefined;
let networks: Record<string, unknown> = {};

const COMPOSE = `# header
name: moat-x
services:
  app:
    image: busybox:1.36
    environment:
      FLAG: "on"
networks:
  moat-x-net:
    name: moat-x-net
    driver: bridge
    ipam:
      driver: default
      config:
        - subnet: 172.20.0.0/16
          gateway: 172.20.0.1
`;

/** A stub CLI: appends its argv (and stdin, if any) to a log; `compose version` answers only when allowed. */
async function stubCli(name: string, opts: { composeVersion?: boolean; fail?: string } = {}): Promise<void> {
  const script = [
    '#!/bin/sh',
    `log="${join(dir, `${name}.log`)}"`,
    'echo "ARGS $*" >> "$log"',
    name === 'docker' && !opts.composeVersion ? 'if [ "$1" = compose ]; then echo "docker: unknown command: docker compose" >&2; exit 1; fi' : '',
    'case "$*" in *version*) echo "stub 2.29.7"; exit 0;; esac',
    opts.fail ? `case "$*" in *${opts.fail}*) echo "stub failure for ${opts.fail}" >&2; exit 1;; esac` : '',
    'case "$*" in *" -f - "*) cat >> "$log"; echo "END-STDIN" >> "$log";; esac',
    'exit 0',
  ].join('\n');
  await writeFile(join(bin, name), `${script}\n`);
  await chmod(join(bin, name), 0o755);
}

const log = (name: string): Promise<string> => readFile(join(dir, `${name}.log`), 'utf8').catch(() => '');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moat-compose-stub-'));
  bin = join(dir, 'bin');
  await mkdir(bin);
  await mkdir(join(dir, 'deploy'));
  await writeFile(join(dir, 'deploy', 'compose.yaml'), COMPOSE);
  savedPath = process.env.PATH;
  process.env.PATH = `${bin}:/usr/bin:/bin`;
  networks = {};
  server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '').replace(/^\/networks\//, ''));
    const found = networks[name];
    res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(found ?? { message: 'not found' }));
  });
  await new Promise<void>((resolve) => server!.listen(join(dir, 'api.sock'), resolve));
});

afterEach(async () => {
  process.env.PATH = savedPath;
  await new Promise((resolve) => server?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const target = () => ({ project: 'moat-x', bundleDir: join(dir, 'deploy'), composeFile: join(dir, 'deploy', 'compose.yaml') });
const endpoint = () => ({ socketPath: join(dir, 'api.sock') });

describe('Compose detection and adapters (stub CLIs, stub Engine API)', () => {
  it('prefers Compose v2 and hands it the bundle file as it is', async () => {
    await stubCli('docker', { composeVersion: true });
    await stubCli('docker-compose');
    expect((await detectCompose()).flavour).toBe('compose-v2');
    const engine = composeEngine('compose-v2', target(), endpoint());
    await engine.up(['app', 'db']);
    await engine.down({ volumes: false });
    const calls = (await log('docker')).split('\n').filter((l) => l.startsWith('ARGS compose') && !l.includes('version'));
    const prefix = `ARGS compose -p moat-x --project-directory ${join(dir, 'deploy')} -f ${join(dir, 'deploy', 'compose.yaml')}`;
    expect(calls).toEqual([`${prefix} up -d --no-deps --remove-orphans app db`, `${prefix} down --remove-orphans`]);
    expect(await log('docker-compose')).not.toContain('up');
  });

  it("v2 reads state where the docker CLI's current context points when DOCKER_HOST is unset (rootless Docker)", async () => {
    await writeFile(
      join(bin, 'docker'),
      '#!/bin/sh\ncase "$*" in "compose version") echo v2;; "context inspect"*) echo unix:///run/user/1000/docker.sock;; *) exit 1;; esac\n',
      { mode: 0o755 },
    );
    const saved = process.env.DOCKER_HOST;
    delete process.env.DOCKER_HOST;
    try {
      expect((await detectCompose()).endpoint).toEqual({ socketPath: '/run/user/1000/docker.sock' });
      process.env.DOCKER_HOST = 'tcp://127.0.0.1:2375';
      expect((await detectCompose()).endpoint).toEqual({ host: '127.0.0.1', port: 2375 });
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it('falls back to docker-compose v1: no top-level name, quoting kept, file on stdin', async () => {
    await stubCli('docker');
    await stubCli('docker-compose');
    expect((await detectCompose()).flavour).toBe('compose-v1');
    await composeEngine('compose-v1', target(), endpoint()).up(['app']);
    const text = await log('docker-compose');
    expect(text).toContain(`ARGS -p moat-x --project-directory ${join(dir, 'deploy')} -f - up -d --no-deps --remove-orphans app`);
    const stdin = text.slice(text.indexOf('\n') + 1, text.indexOf('END-STDIN'));
    expect(stdin).not.toMatch(/^name:/m);
    expect(stdin).toContain('FLAG: "on"');
    expect(stdin).toContain('subnet: 172.20.0.0/16');
  });

  it('v1: leaves IPAM out for a network that exists with the same subnet, refuses one with another', async () => {
    await stubCli('docker-compose');
    networks['moat-x-net'] = {
      Name: 'moat-x-net',
      IPAM: { Driver: 'default', Options: { driver: 'host-local' }, Config: [{ Subnet: '172.20.0.0/16', Gateway: '172.20.0.1' }] },
    };
    await composeEngine('compose-v1', target(), endpoint()).up(['app']);
    const stdin = await log('docker-compose');
    expect(stdin).not.toContain('ipam');
    expect(stdin).toContain('name: moat-x-net');

    networks['moat-x-net'] = { Name: 'moat-x-net', IPAM: { Config: [{ Subnet: '10.9.0.0/16', Gateway: '10.9.0.1' }] } };
    const error = await composeEngine('compose-v1', target(), endpoint())
      .up(['app'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineCommandError);
    expect((error as Error).message).toContain('exists with subnet 10.9.0.0/16');
  });

  it.each([
    ['a crash-looping container kept the network busy', '"moat-x-net" has associated containers with it: network is being used'],
    // What CI saw from podman 4.3: the container exited between podman's state check and its read of the process's cgroup.
    ['a container exited while it was being stopped', 'Stopping moat-x_app_1 ... done\nread /proc/19851/cgroup: no such process'],
  ])('runs down again when %s (stub CLI)', async (_, failure) => {
    // Fails the first `down` as podman does, then succeeds.
    const marker = join(dir, 'down-failed-once');
    const script = [
      '#!/bin/sh',
      `echo "ARGS $*" >> "${join(dir, 'docker-compose.log')}"`,
      'case "$*" in *" -f - "*) cat > /dev/null;; esac',
      `case "$*" in *down*) if [ ! -e "${marker}" ]; then touch "${marker}"; printf '%s\\n' '${failure}' >&2; exit 1; fi;; esac`,
      'exit 0',
    ].join('\n');
    await writeFile(join(bin, 'docker-compose'), `${script}\n`);
    await chmod(join(bin, 'docker-compose'), 0o755);
    await composeEngine('compose-v1', target(), endpoint()).down({ volumes: false });
    expect((await log('docker-compose')).match(/ARGS .* down --remove-orphans/g)).toHaveLength(2);
  });

  it('turns a failing Compose call into an error that carries its output', async () => {
    await stubCli('docker-compose', { fail: 'down' });
    const error = await composeEngine('compose-v1', target(), endpoint())
      .down({ volumes: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineCommandError);
    expect((error as EngineCommandError).command).toBe('docker-compose down --remove-orphans --volumes');
    expect((error as Error).message).toContain('stub failure for down');
  });
});
