// The Dify SSRF proxy policy, checked by real squid (Debian's `squid`): it
// parses, and in a network namespace of its own (not connected to the root
// namespace) it forwards to a public address but refuses the platform network,
// the tailnet (CGNAT), loopback and the cloud metadata address.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { difySquidConf } from '../../src/catalog/dify-squid.js';
import { normalizePlatform } from '../../src/model/normalize.js';

const NS = `moat-h7sq-${process.pid}`;
const PROXY = '172.20.0.39';
const CLIENT = '172.20.0.5'; // inside the platform network: an allowed client and a denied destination
const PUBLIC = '198.51.100.1'; // TEST-NET-2: stands in for the internet, exists only in the namespace
const METADATA = '169.254.169.254';
const TAILNET = '100.64.0.10';
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

const tmp = mkdtempSync(path.join(tmpdir(), 'moat-h7-squid-'));
const conf = path.join(tmp, 'squid.conf');
const children: ChildProcess[] = [];

describe('Dify SSRF proxy policy (real squid)', () => {
  beforeAll(async () => {
    need('squid', ['-v']);
    need('ip', ['-V']);
    need('busybox', ['true']);
    need('curl', ['--version']);
    chmodSync(tmp, 0o777); // squid drops to its own user
    // Test-only lines after the rendered policy: files in the temp dir, fast shutdown.
    const test = [`pid_filename ${tmp}/squid.pid`, `coredump_dir ${tmp}`, 'shutdown_lifetime 0 seconds', ''];
    writeFileSync(conf, difySquidConf(normalizePlatform(referencePlatform())) + test.join('\n'));
    writeFileSync(path.join(tmp, 'index.html'), 'ok\n');
    chmodSync(path.join(tmp, 'index.html'), 0o644);

    ip('netns', 'add', NS);
    ip('-n', NS, 'link', 'set', 'lo', 'up');
    // All addresses on the namespace's loopback (no dummy module needed): local, never routed out.
    for (const a of [`${PROXY}/32`, `${CLIENT}/32`, `${PUBLIC}/32`, `${METADATA}/32`, `${TAILNET}/32`]) ip('-n', NS, 'addr', 'add', a, 'dev', 'lo');

    children.push(spawn('ip', ['netns', 'exec', NS, 'busybox', 'httpd', '-f', '-p', String(PORT), '-h', tmp], { stdio: 'ignore' }));
    children.push(spawn('ip', ['netns', 'exec', NS, 'squid', '-N', '-f', conf], { stdio: 'ignore' }));
    // Wait until both answer (squid takes a moment to start); no timing is asserted.
    for (let i = 0; i < 100; i++) {
      if (status(`http://${PUBLIC}:${PORT}/`) === '200') return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('squid or httpd did not come up in the test namespace');
  });

  afterAll(() => {
    for (const c of children) if (c.pid !== undefined && c.exitCode === null) c.kill('SIGKILL');
    try { ip('netns', 'del', NS); } finally { rmSync(tmp, { recursive: true, force: true }); }
  });

  it('the rendered policy parses', () => {
    const r = spawnSync('squid', ['-k', 'parse', '-f', conf], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/ERROR|FATAL/);
  });

  it('every destination answers directly, so a refusal below is the proxy\'s', () => {
    for (const host of [PUBLIC, CLIENT, METADATA, TAILNET, '127.0.0.1']) expect(status(`http://${host}:${PORT}/`, { direct: true }), host).toBe('200');
  });

  it('forwards a platform client to a public address', () => {
    expect(status(`http://${PUBLIC}:${PORT}/`)).toBe('200');
  });

  it('refuses the platform network, the tailnet, loopback and the metadata address', () => {
    for (const host of [CLIENT, PROXY, TAILNET, '127.0.0.1', METADATA]) expect(status(`http://${host}:${PORT}/`), host).toBe('403');
  });

  it('refuses CONNECT to a port other than 443', () => {
    expect(status(`http://${PUBLIC}:${PORT}/`, { connect: true })).toBe('403');
  });

  it('refuses a client outside the platform network', () => {
    expect(status(`http://${PUBLIC}:${PORT}/`, { from: PUBLIC })).toBe('403');
  });
});
