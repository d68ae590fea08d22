// The real rclone (Debian's package) runs `rcd` with the flags and env that
// compose renders for the gdrive service; only the listen address moves to a
// loopback port and the config path into a temp dir. Debian ships rclone
// 1.60.1, the image pins 1.75.0: the rc server's auth (--rc-user/--rc-pass and
// their RCLONE_RC_* env twins, basic auth on every call) is the same in both
// (lib/http/auth.go at v1.75.0; `rclone rcd --help` of 1.60.1).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { referencePlatform } from '../../src/catalog/reference.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import { COMPOSE_FILE, renderCompose } from '../../src/render/compose.js';
import { freePort } from '../support/free-port.js';

const run = promisify(execFile);

interface GdriveService {
  readonly command: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly healthcheck: { readonly test: readonly string[] };
}

const compose = parse(renderCompose(normalizePlatform(referencePlatform()), {}).files.find((f) => f.path === COMPOSE_FILE)?.content ?? '') as {
  services: Record<string, GdriveService>;
};
const rendered = compose.services['gdrive'];
if (!rendered) throw new Error('the built-in platform renders no gdrive service');

const PASS = 'moat-test-rc-pass-0123456789abcdef';
const USER = rendered.environment['RCLONE_RC_USER'] ?? '';
const dir = mkdtempSync(join(tmpdir(), `moat-rclone-${process.pid}-`));
let port = 0;
let child: ChildProcess | undefined;
let url = '';

/** Compose unescapes `$$` to `$`; environment values were escaped the same way. */
const unescape = (value: string): string => value.replaceAll('$$', '$');

/** A clean environment: the rendered one (paths moved into the temp dir) plus the secret, no RCLONE_* of the caller. */
function rcloneEnv(pass = PASS): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RCLONE_')));
  const env = Object.fromEntries(Object.entries(rendered?.environment ?? {}).map(([k, v]) => [k, unescape(v)]));
  return { ...base, ...env, RCLONE_CACHE_DIR: join(dir, 'cache'), RCLONE_RC_PASS: pass, HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg') };
}

function adaptedArgs(): string[] {
  return (rendered?.command ?? []).map((arg) => {
    if (arg.startsWith('--rc-addr=')) return `--rc-addr=127.0.0.1:${port}`;
    if (arg.startsWith('--config=')) return `--config=${join(dir, 'rclone.conf')}`;
    return arg;
  });
}

async function post(path: string, auth?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth !== undefined) headers['authorization'] = `Basic ${Buffer.from(auth).toString('base64')}`;
  return fetch(`${url}${path}`, { method: 'POST', headers, body: '{}' });
}

beforeAll(async () => {
  port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  child = spawn('rclone', adaptedArgs(), { env: rcloneEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`rclone rcd exited: ${stderr}`);
    try {
      await fetch(url, { method: 'POST' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`rclone rcd did not listen on ${url}: ${stderr}`);
}, 20_000);

afterAll(() => {
  if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describe('real rclone rcd with the rendered gdrive flags (Debian rclone; the image pins 1.75.0)', () => {
  it('renders rcd with an address, a config path and credentials, never --rc-no-auth', () => {
    expect(rendered.command[0]).toBe('rcd');
    expect(adaptedArgs()).toEqual(['rcd', `--rc-addr=127.0.0.1:${port}`, '--rc-serve', `--config=${join(dir, 'rclone.conf')}`]);
    expect(rendered.command.join(' ')).not.toContain('no-auth');
    expect(USER).toBe('moat');
  });

  it('answers an authenticated `rclone rc core/version`', async () => {
    const { stdout } = await run('rclone', ['rc', '--url', url, '--user', USER, '--pass', PASS, 'core/version'], { env: rcloneEnv() });
    expect(JSON.parse(stdout)).toHaveProperty('version');
  });

  it('answers an authenticated raw POST with basic auth, and writes the rendered config path', async () => {
    const version = await post('core/version', `${USER}:${PASS}`);
    expect(version.status).toBe(200);
    expect(await version.json()).toHaveProperty('version');
    // config/create writes the rendered --config path (on the image: the writable gdrive-config volume).
    const create = await fetch(`${url}config/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}` },
      body: JSON.stringify({ name: 'moattest', type: 'local', parameters: {} }),
    });
    expect(create.status).toBe(200);
    expect(readFileSync(join(dir, 'rclone.conf'), 'utf8')).toContain('[moattest]');
  });

  it('refuses an unauthenticated call and a wrong password with 401', async () => {
    expect((await post('core/version')).status).toBe(401);
    expect((await post('rc/noop')).status).toBe(401);
    expect((await post('core/version', `${USER}:wrong-${PASS}`)).status).toBe(401);
    expect((await post('core/version', `someone:${PASS}`)).status).toBe(401);
    // `rclone rc` falls back to RCLONE_RC_USER/RCLONE_RC_PASS, so the unauthenticated client runs without them.
    const bare = Object.fromEntries(Object.entries(rcloneEnv()).filter(([k]) => !k.startsWith('RCLONE_RC_')));
    await expect(run('rclone', ['rc', '--url', url, 'core/version'], { env: bare })).rejects.toThrow();
  });

  it('the rendered health check passes with the service env, fails with a wrong password', async () => {
    expect(rendered.healthcheck.test[0]).toBe('CMD-SHELL');
    const script = unescape(rendered.healthcheck.test[1] ?? '').replace('http://127.0.0.1:5572/', url);
    expect(script).toContain(url);
    await expect(run('sh', ['-c', script], { env: rcloneEnv() })).resolves.toBeDefined();
    await expect(run('sh', ['-c', script], { env: rcloneEnv(`wrong-${PASS}`) })).rejects.toThrow();
  });
});
