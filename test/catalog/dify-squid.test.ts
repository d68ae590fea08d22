// The Dify SSRF proxy policy, run by real squid (Debian's `squid`, 5.7 on
// bookworm; the image has Ubuntu's 6.6: every directive the rendered file uses
// exists in both). Squid starts as root and drops to its effective user
// (`proxy`) as in the image; only the test-only paths (pid, logs, core dumps)
// are moved into a temp dir. In a network namespace of its own (not connected
// to the root namespace; no dummy module here, so every address sits on the
// namespace's loopback), it forwards to a public address but refuses the
// platform network, other private ranges, the tailnet (CGNAT), loopback and
// link-local (the cloud metadata address); it keeps running after a reconfigure.
// The review's form (`access_log stdio:/dev/stdout` with a root-owned stdout)
// is shown to kill squid at start.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as dify from '../../src/catalog/dify.js';
import { difySquidConf } from '../../src/catalog/dify-squid.js';
import { referencePlatform } from '../../src/catalog/reference.js';
import { normalizePlatform } from '../../src/model/normalize.js';

const NS = `moat-dify-${process.pid}`;
const PROXY = '172.20.0.39';
const CLIENT = '172.20.0.5'; // inside the platform network: an allowed client and a denied destination
const SANDBOX_CLIENT = '172.29.94.5'; // on the sandbox's internal network: an allowed client
const PUBLIC = '198.51.100.10'; // TEST-NET-2: stands in for the internet, exists only in the namespace
const PRIVATE = ['10.0.0.5', '172.20.0.10'];
const CGNAT = '100.64.0.10';
const METADATA = '169.254.169.254';
const PORT = 8000;

function need(tool: string, args: string[]): void {
  const r = spawnSync(tool, args, { stdio: 'ignore' });
  if (r.error) throw new Error(`${tool} is missing: install the Debian packages in scripts/debian-packages.txt`);
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
const inNs = (cmd: string, args: string[]) => spawnSync('ip', ['netns', 'exec', NS, cmd, ...args], { encoding: 'utf8' });

/** HTTP status of a GET from CLIENT (or `from`), through the proxy unless `direct`. */
function status(url: string, opts: { direct?: boolean; from?: string; connect?: boolean } = {}): string {
  // For CONNECT the proxy's answer is %{http_connect}; %{http_code} is the tunnelled request's.
  const code = opts.connect ? '%{http_connect}' : '%{http_code}';
  const args = ['-s', '-o', '/dev/null', '-w', code, '--max-time', '5', '--interface', opts.from ?? CLIENT];
  if (!opts.direct) args.push('-x', `http://${PROXY}:3128`);
  if (opts.connect) args.push('-p');
  return inNs('curl', [...args, url]).stdout.trim();
}

const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const tmp = mkdtempSync(path.join(tmpdir(), 'moat-dify-squid-'));
const conf = path.join(tmp, 'squid.conf');
const rendered = difySquidConf(
  normalizePlatform({ ...referencePlatform(), services: [...referencePlatform().services.filter((s) => s.name !== 'dify-worker-beat'), dify.difyWorkerBeat] }),
);
const children: ChildProcess[] = [];
let squid: ChildProcess;

describe('Dify SSRF proxy policy (real squid)', () => {
  beforeAll(async () => {
    need('squid', ['-v']);
    need('ip', ['-V']);
    need('busybox', ['true']);
    need('curl', ['--version']);
    chmodSync(tmp, 0o777); // squid drops to its own user
    // Test-only lines after the rendered policy: files in the temp dir, fast shutdown.
    const test = [
      `pid_filename ${tmp}/squid.pid`,
      `coredump_dir ${tmp}`,
      `access_log ${tmp}/access.log`,
      `cache_log ${tmp}/cache.log`,
      'shutdown_lifetime 0 seconds',
      '',
    ];
    writeFileSync(conf, rendered + test.join('\n'));
    writeFileSync(path.join(tmp, 'index.html'), 'ok\n');
    chmodSync(path.join(tmp, 'index.html'), 0o644);

    ip('netns', 'add', NS);
    ip('-n', NS, 'link', 'set', 'lo', 'up');
    for (const a of [PROXY, CLIENT, SANDBOX_CLIENT, PUBLIC, ...PRIVATE, CGNAT, METADATA]) ip('-n', NS, 'addr', 'add', `${a}/32`, 'dev', 'lo');

    children.push(spawn('ip', ['netns', 'exec', NS, 'busybox', 'httpd', '-f', '-p', String(PORT), '-h', tmp], { stdio: 'ignore' }));
    squid = spawn('ip', ['netns', 'exec', NS, 'squid', '-N', '-f', conf], { stdio: 'ignore' });
    children.push(squid);
    // Wait until both answer (squid takes a moment to start); no timing is asserted.
    for (let i = 0; i < 100; i++) {
      if (status(`http://${PUBLIC}:${PORT}/`) === '200') return;
      await sleep(200);
    }
    throw new Error(`squid or httpd did not come up in the test namespace: ${existsSync(`${tmp}/cache.log`) ? readFileSync(`${tmp}/cache.log`, 'utf8') : ''}`);
  });

  afterAll(() => {
    for (const c of children) if (c.pid !== undefined && alive(c)) c.kill('SIGKILL');
    try {
      ip('netns', 'del', NS);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("the rendered policy parses, with no stdio log and upstream's request buffer", () => {
    const r = spawnSync('squid', ['-k', 'parse', '-f', conf], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/ERROR|FATAL/);
    expect(rendered).not.toMatch(/stdio:|\/dev\/std(out|err)/);
    expect(rendered).toMatch(/^client_request_buffer_max_size 100 MB$/m);
  });

  it("every destination answers directly, so a refusal below is the proxy's", () => {
    for (const host of [PUBLIC, CLIENT, ...PRIVATE, CGNAT, METADATA, '127.0.0.1'])
      expect(status(`http://${host}:${PORT}/`, { direct: true }), host).toBe('200');
  });

  it('forwards a platform client and a sandbox-network client to a public address', () => {
    expect(status(`http://${PUBLIC}:${PORT}/`)).toBe('200');
    expect(status(`http://${PUBLIC}:${PORT}/`, { from: SANDBOX_CLIENT })).toBe('200');
  });

  it('refuses private, CGNAT, loopback and link-local destinations', () => {
    for (const host of [CLIENT, PROXY, ...PRIVATE, CGNAT, '127.0.0.1', METADATA]) expect(status(`http://${host}:${PORT}/`), host).toBe('403');
  });

  it('refuses CONNECT to a port other than 443', () => {
    expect(status(`http://${PUBLIC}:${PORT}/`, { connect: true })).toBe('403');
  });

  it('refuses a client outside the platform and sandbox networks', () => {
    expect(status(`http://${PUBLIC}:${PORT}/`, { from: PUBLIC })).toBe('403');
  });

  it('runs as its effective user, logs to its file, and keeps running after a reconfigure', async () => {
    await sleep(3000);
    expect(alive(squid)).toBe(true);
    const ps = spawnSync('ps', ['-o', 'user=', '--ppid', String(squid.pid)], { encoding: 'utf8' }).stdout;
    // `ip netns exec` execs squid in place; its kid (the worker) runs as proxy.
    const users = `${ps}${spawnSync('ps', ['-o', 'user=', '-p', String(squid.pid)], { encoding: 'utf8' }).stdout}`;
    expect(users).toMatch(/proxy/);
    expect(readFileSync(`${tmp}/access.log`, 'utf8')).toMatch(/198\.51\.100\.10/);
    const r = inNs('squid', ['-k', 'reconfigure', '-f', conf]);
    expect(r.status, r.stderr).toBe(0);
    await sleep(2000);
    expect(alive(squid)).toBe(true);
    expect(status(`http://${PUBLIC}:${PORT}/`)).toBe('200');
    expect(status(`http://${METADATA}:${PORT}/`)).toBe('403');
  });

  it("the review's stdio log kills squid at start when stdout is root's 0600 file (the container case)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'moat-dify-squid-stdio-'));
    chmodSync(dir, 0o777);
    try {
      const bad = path.join(dir, 'squid.conf');
      const lines = rendered.replace(/^http_port .*$/m, 'http_port 3129').split('\n');
      writeFileSync(
        bad,
        [...lines, 'access_log stdio:/dev/stdout', `pid_filename ${dir}/squid.pid`, `coredump_dir ${dir}`, `cache_log ${dir}/cache.log`, ''].join('\n'),
      );
      const out = path.join(dir, 'stdout');
      const fd = openSync(out, 'w', 0o600);
      const child = spawn('ip', ['netns', 'exec', NS, 'squid', '-N', '-f', bad], { stdio: ['ignore', fd, 'pipe'] });
      children.push(child);
      closeSync(fd);
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      for (let i = 0; i < 50 && alive(child); i++) await sleep(200);
      expect(alive(child), 'squid kept running with a stdio log it cannot open').toBe(false);
      expect(`${stderr}${existsSync(`${dir}/cache.log`) ? readFileSync(`${dir}/cache.log`, 'utf8') : ''}`).toMatch(/Cannot open '\/dev\/stdout'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
