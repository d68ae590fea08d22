// Real Redis (Debian's redis-server) started the way the rendered dify-redis
// service starts: its compose command, translated (compose's `$$` is a literal
// `$`; the test adds a loopback port so it does not clash with anything), run
// as the user the service runs as (the image's redis, uid 999 / gid 1000) in a
// data dir owned as the image's /data and so the new named volume: 999:1000,
// 0755. Keys are set and BGSAVE writes the RDB into the data dir.
// And the form the review found (root, through `sh -c`, so the entrypoint's
// step-down is skipped, with cap_drop ALL: no DAC_OVERRIDE) fails to save there.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { difyRedis } from '../../src/catalog/dify.js';
import { referencePlatform } from '../../src/catalog/reference.js';
import { normalizePlatform } from '../../src/model/normalize.js';

const PASSWORD = 'moat-test-password';
const service = normalizePlatform(referencePlatform()).services.find((s) => s.name === 'dify-redis');
const children: ChildProcess[] = [];
const dirs: string[] = [];

function need(tool: string): void {
  if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error)
    throw new Error(`${tool} is missing: install the Debian packages in scripts/debian-packages.txt`);
}

/** The compose command as the container's shell gets it, plus a test port. */
function shellCommand(port: number): string[] {
  const command = service?.command ?? [];
  expect(command.slice(0, 2)).toEqual(['sh', '-c']);
  const script = (command[2] ?? '').replaceAll('$$', '$');
  return ['sh', '-c', `${script} --port ${port} --bind 127.0.0.1 --save ''`];
}

/** A data dir owned as the image's /data (redis:redis, 0755). */
function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'moat-dify-redis-'));
  dirs.push(dir);
  chownSync(dir, 999, 1000);
  chmodSync(dir, 0o755);
  return dir;
}

const cli = (port: number, ...args: string[]) =>
  spawnSync('redis-cli', ['-p', String(port), '--no-auth-warning', '-a', PASSWORD, ...args], { encoding: 'utf8' }).stdout.trim();

async function start(prefix: string[], port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('setpriv', [...prefix, ...shellCommand(port)], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', REDIS_PASSWORD: PASSWORD },
    stdio: 'ignore',
  });
  children.push(child);
  for (let i = 0; i < 50; i++) {
    if (cli(port, 'PING') === 'PONG') return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis-server did not answer');
}

async function bgsave(port: number): Promise<string> {
  cli(port, 'SET', 'moat:key', 'value');
  cli(port, 'BGSAVE');
  for (let i = 0; i < 50; i++) {
    const info = cli(port, 'INFO', 'persistence');
    if (
      (/rdb_bgsave_in_progress:0/.test(info) && /rdb_last_bgsave_status:(ok|err)/.test(info) && !/rdb_changes_since_last_save:1\b/.test(info)) ||
      /rdb_last_bgsave_status:err/.test(info)
    ) {
      return /rdb_last_bgsave_status:(\w+)/.exec(info)?.[1] ?? '';
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return 'timeout';
}

afterAll(() => {
  for (const c of children) if (c.pid !== undefined && c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('dify-redis with real redis-server', () => {
  it('the rendered service runs as the image user with no capabilities back', () => {
    expect(service?.hardening.user).toBe('999:1000');
    expect(service?.hardening.capAdd).toEqual([]);
    expect(difyRedis.image).toMatch(/^redis:6\.2\.\d+-alpine$/);
  });

  it('as 999:1000 (the rendered user), BGSAVE succeeds and the RDB lands in the data dir', async () => {
    need('redis-server');
    const dir = dataDir();
    const port = 16379 + (process.pid % 1000);
    await start(['--reuid', '999', '--regid', '1000', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all'], port, dir);
    expect(cli(port, 'GET', 'moat:key')).toBe('');
    expect(await bgsave(port)).toBe('ok');
    expect(existsSync(path.join(dir, 'dump.rdb'))).toBe(true);
  });

  it("today's form fails: root without DAC_OVERRIDE cannot save into the 999-owned 0755 dir", async () => {
    const dir = dataDir();
    const port = 17379 + (process.pid % 1000);
    // Root (uid 0), but with every capability dropped, as cap_drop: ALL leaves it
    // (the review's form added back only SETUID/SETGID, which do not help here).
    await start(['--reuid', '0', '--regid', '0', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all'], port, dir);
    expect(await bgsave(port)).toBe('err');
    expect(existsSync(path.join(dir, 'dump.rdb'))).toBe(false);
  });
});
