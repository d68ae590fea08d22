// Helpers to run the rendered nginx configs with the real (Debian) nginx: a
// temp prefix, a self-signed certificate, and a test copy whose absolute paths
// point into the temp dir. Fails loudly when nginx or openssl is missing.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface NginxDir {
  readonly dir: string;
  readonly tls: string;
}

export async function nginxVersion(): Promise<[number, number, number]> {
  const result = await execa('nginx', ['-v'], { reject: false });
  if (result.failed && result.exitCode === undefined) {
    throw new Error('nginx is not installed: apt-get install -y nginx-light (scripts/debian-packages.txt)');
  }
  const match = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(`${result.stderr}${result.stdout}`);
  if (!match) throw new Error(`cannot read the nginx version from: ${result.stderr}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** A temp prefix with a self-signed certificate for `certName`/`keyName`. */
export async function nginxDir(certName: string, keyName: string): Promise<NginxDir> {
  const dir = mkdtempSync(join(tmpdir(), 'moat-nginx-'));
  const tls = join(dir, 'tls');
  for (const sub of ['tls', 'cache', 'run', 'logs']) mkdirSync(join(dir, sub));
  await execa('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=ai-platform.example.ts.net',
    '-keyout',
    join(tls, keyName),
    '-out',
    join(tls, certName),
  ]);
  return { dir, tls };
}

/**
 * The test copy: absolute paths (TLS, temp, pid, logs) moved into the temp dir. nginx before 1.25.1
 * (Debian 12 ships 1.22) lacks the `http2` directive that the pinned image's
 * 1.27 wants; there the copy says `listen ... ssl http2` instead, same meaning.
 */
export function testCopy(conf: string, d: NginxDir, version: readonly number[], extra: (text: string) => string = (t) => t): string {
  let text = conf
    .replaceAll('/etc/nginx/tls', d.tls)
    .replaceAll('/var/cache/nginx', join(d.dir, 'cache'))
    .replaceAll('/var/run/nginx.pid', join(d.dir, 'run', 'nginx.pid'))
    // Node gives a child sockets for stdio, which /dev/stderr cannot reopen (ENXIO); a container gets pipes.
    .replaceAll('/dev/stderr', join(d.dir, 'logs', 'error.log'))
    .replaceAll('/dev/stdout', join(d.dir, 'logs', 'access.log'));
  const [major = 0, minor = 0, patch = 0] = version;
  const hasHttp2Directive = major > 1 || minor > 25 || (minor === 25 && patch >= 1);
  if (!hasHttp2Directive) {
    text = text.replace(/^\s*http2 on;\n/gm, '').replace(/listen (\S+) ssl( default_server)?;/g, 'listen $1 ssl http2$2;');
  }
  return extra(text);
}

export function writeConf(d: NginxDir, name: string, text: string): string {
  const path = join(d.dir, name);
  writeFileSync(path, text);
  return path;
}

export async function nginxTest(d: NginxDir, confPath: string) {
  return execa('nginx', ['-t', '-p', `${d.dir}/`, '-c', confPath], { reject: false, all: true });
}

/**
 * Starts nginx in the foreground on a test config and waits (not a timing
 * assertion) until `ready` says yes, or throws with nginx's own stderr.
 * Returns how to stop exactly the master this started (its workers follow it).
 */
export async function startNginx(d: NginxDir, confPath: string, ready: () => Promise<boolean>): Promise<() => Promise<unknown>> {
  const started = execa('nginx', ['-p', `${d.dir}/`, '-c', confPath, '-g', 'daemon off;'], { reject: false });
  const stop = async () => {
    started.kill('SIGQUIT');
    await started;
  };
  let exited = false;
  void started.finally(() => {
    exited = true;
  });
  for (let i = 0; i < 100 && !exited; i++) {
    if (await ready().catch(() => false)) return stop;
    await new Promise((r) => setTimeout(r, 100));
  }
  started.kill('SIGKILL');
  throw new Error(`nginx did not start: ${String((await started).stderr)}`);
}
