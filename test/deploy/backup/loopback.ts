// A BackupTarget over real servers on this machine, for the backup tests: a
// PostgreSQL 15 cluster (Debian's, the catalog image's major) in a moat- temp
// dir on a unix socket only, run as the postgres user (postgres refuses
// root); a redis-server on a random loopback port whose data dir is the
// "volume"; and plain directories for volumes of services that have no server
// here. `exec` runs the same argv the engine adapter sends into a container,
// with the env the container would have; the only addition is a redis-cli
// wrapper that adds the test's port (the container's Redis is on 6379).
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { BackupTarget, TargetExecIo, TargetExecResult } from '../../../src/deploy/backup/target.js';
import { freePort } from '../../support/free-port.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';

interface Run {
  readonly exitCode: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

function run(argv: readonly string[], options: { env: NodeJS.ProcessEnv; uid?: number; gid?: number; cwd?: string }, io: TargetExecIo = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = argv;
    const child = spawn(file ?? 'false', args, {
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => (io.stdout ? io.stdout.write(c) : out.push(c)));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.stdin.on('error', () => undefined);
    if (io.stdin === undefined || typeof io.stdin === 'string' || Buffer.isBuffer(io.stdin)) child.stdin.end(io.stdin ?? '');
    else io.stdin.pipe(child.stdin);
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? -1, stdout: Buffer.concat(out), stderr: err }));
  });
}

export interface Loopback {
  readonly target: BackupTarget;
  readonly root: string;
  readonly calls: { service: string; op: string }[];
  psql(database: string, sql: string): Promise<string>;
  redis(...args: string[]): Promise<string>;
  volumeDir(volume: string): string;
  cleanup(): Promise<void>;
}

/** `volumes`: service → its volume names (the Redis one is its data dir). */
export async function startLoopback(redisPassword: string, volumes: Readonly<Record<string, readonly string[]>>): Promise<Loopback> {
  const root = await mkdtemp(join(tmpdir(), 'moat-backup-loop-'));
  await chmod(root, 0o755);
  const uid = Number((await execa('id', ['-u', 'postgres'])).stdout);
  const gid = Number((await execa('id', ['-g', 'postgres'])).stdout);
  const pg = join(root, 'pg');
  await mkdir(pg);
  await chown(pg, uid, gid);
  const volumeDir = (v: string): string => join(root, 'volumes', v);
  for (const list of Object.values(volumes)) for (const v of list) await mkdir(volumeDir(v), { recursive: true });
  const calls: { service: string; op: string }[] = [];
  const asPostgres = (argv: readonly string[]) => run(argv, { env: { PATH: '/usr/bin:/bin' }, uid, gid, cwd: pg });
  const init = await asPostgres([
    join(PG_BIN, 'initdb'),
    '-D',
    join(pg, 'data'),
    '-U',
    'postgres',
    '--auth-local=trust',
    '--auth-host=reject',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  if (init.exitCode !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const pgStart = async (): Promise<void> => {
    const r = await asPostgres([
      join(PG_BIN, 'pg_ctl'),
      '-D',
      join(pg, 'data'),
      '-l',
      join(pg, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-k ${pg} -c listen_addresses=`,
      'start',
    ]);
    if (r.exitCode !== 0) throw new Error(`pg_ctl start: ${r.stderr}`);
  };
  const pgStop = async (): Promise<void> => {
    await asPostgres([join(PG_BIN, 'pg_ctl'), '-D', join(pg, 'data'), '-m', 'fast', '-w', 'stop']);
  };
  await pgStart();

  const redisVolume = volumes['dify-redis']?.[0] ?? 'dify-redis-data';
  const port = await freePort();
  const conf = join(root, 'redis.conf');
  await writeFile(conf, `requirepass ${redisPassword}\n`, { mode: 0o600 });
  const bin = join(root, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'redis-cli'), `#!/bin/sh\nexec /usr/bin/redis-cli -h 127.0.0.1 -p ${port} "$@"\n`, { mode: 0o755 });
  let redisProc: ChildProcess | undefined;
  const redisCli = async (...args: string[]): Promise<string> =>
    (await run(['/usr/bin/redis-cli', '-h', '127.0.0.1', '-p', String(port), ...args], { env: { REDISCLI_AUTH: redisPassword, PATH: '/usr/bin:/bin' } })).stdout
      .toString('utf8')
      .trim();
  const redisStart = async (): Promise<void> => {
    redisProc = spawn(
      'redis-server',
      [conf, '--port', String(port), '--bind', '127.0.0.1', '--dir', volumeDir(redisVolume), '--dbfilename', 'dump.rdb', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 200; i += 1) {
      if ((await redisCli('PING').catch(() => '')) === 'PONG') return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('redis-server did not answer PING');
  };
  const redisStop = async (): Promise<void> => {
    const proc = redisProc;
    redisProc = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  };
  await redisStart();

  const up = new Set(['dify-db', 'dify-redis', ...Object.keys(volumes)]);
  const env = (service: string): NodeJS.ProcessEnv =>
    service === 'dify-db'
      ? { PATH: '/usr/bin:/bin', PGHOST: pg, POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: 'unused-with-trust' }
      : { PATH: `${bin}:/usr/bin:/bin`, REDIS_PASSWORD: redisPassword };

  const target: BackupTarget = {
    async exec(service, argv, io): Promise<TargetExecResult> {
      calls.push({ service, op: 'exec' });
      if (!up.has(service)) throw new Error(`${service} is not running`);
      if (service !== 'dify-db' && service !== 'dify-redis') return { exitCode: 127, stdout: Buffer.alloc(0), stderr: `${service} has no server in this test` };
      return run(argv, { env: env(service), ...(service === 'dify-db' ? { uid, gid, cwd: pg } : {}) }, io);
    },
    async running() {
      return [...up];
    },
    async stop(services) {
      for (const s of services) {
        calls.push({ service: s, op: 'stop' });
        if (s === 'dify-db') await pgStop();
        if (s === 'dify-redis') await redisStop();
        up.delete(s);
      }
    },
    async start(services) {
      for (const s of services) {
        calls.push({ service: s, op: 'start' });
        if (up.has(s)) continue;
        if (s === 'dify-db') await pgStart();
        if (s === 'dify-redis') await redisStart();
        up.add(s);
      }
      return [];
    },
    async exportVolume(volume, sink) {
      calls.push({ service: volume, op: 'export' });
      const r = await run(['tar', '-C', volumeDir(volume), '-cf', '-', '.'], { env: { PATH: '/usr/bin:/bin' } }, { stdout: sink });
      if (r.exitCode !== 0) throw new Error(`tar: ${r.stderr}`);
    },
    async importVolume(volume, tarFile) {
      calls.push({ service: volume, op: 'import' });
      const dir = volumeDir(volume);
      for (const entry of await readdir(dir)) await rm(join(dir, entry), { recursive: true, force: true });
      const r = await run(['tar', '-C', dir, '-xf', tarFile], { env: { PATH: '/usr/bin:/bin' } });
      if (r.exitCode !== 0) throw new Error(`tar: ${r.stderr}`);
    },
  };

  return {
    target,
    root,
    calls,
    async psql(database, sql) {
      const r = await asPostgres(['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', pg, '-U', 'postgres', '-d', database, '-c', sql]);
      if (r.exitCode !== 0) throw new Error(`psql: ${r.stderr}`);
      return r.stdout.toString('utf8').trim();
    },
    redis: redisCli,
    volumeDir,
    async cleanup() {
      await redisStop().catch(() => undefined);
      await pgStop().catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}
