// The rendered nginx configs, adapted for the lab in the lab's own copy only:
// the container's absolute paths become paths in the lab directory, listens
// are bound to the service's static address (both nginx share one namespace),
// and nginx 1.25's `http2 on;` becomes the `listen ... http2` of Debian's
// nginx 1.22. Everything else is the rendered file as is.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './lab-net.js';

export interface NginxRewrite {
  readonly name: string;
  readonly dir: string;
  readonly address: string;
  readonly certFile?: { readonly from: string; readonly to: string };
  readonly keyFile?: { readonly from: string; readonly to: string };
}

export function adaptNginxConfig(source: string, r: NginxRewrite): string {
  const base = join(r.dir, r.name);
  for (const sub of ['cache', 'logs']) mkdirSync(join(base, sub), { recursive: true, mode: 0o777 });
  run('chmod', ['-R', '0777', base]);
  let text = source;
  const http2 = /^\s*http2 on;\s*$/m.test(text);
  text = text.replace(/^\s*http2 on;\s*\n/gm, '');
  text = text.replace(/^(\s*)pid [^;]+;/m, `$1pid ${join(base, 'nginx.pid')};`);
  text = text.replace(/^(\s*)error_log [^;]+;/m, `$1error_log ${join(base, 'logs/error.log')} warn;`);
  text = text.replace(/^(\s*)access_log \/dev\/stdout;/gm, `$1access_log ${join(base, 'logs/access.log')};`);
  text = text.replaceAll('/var/cache/nginx/', `${join(base, 'cache')}/`);
  if (r.certFile) text = text.replaceAll(r.certFile.from, r.certFile.to);
  if (r.keyFile) text = text.replaceAll(r.keyFile.from, r.keyFile.to);
  // `listen 8443 ssl default_server;` → `listen 172.20.0.2:8443 ssl http2 default_server;`
  text = text.replace(
    /^(\s*)listen (\d+)(?=[\s;])( ssl)?([^;]*);/gm,
    (_m, indent: string, port: string, ssl: string | undefined, rest: string) =>
      `${indent}listen ${r.address}:${port}${ssl ?? ''}${ssl && http2 ? ' http2' : ''}${rest};`,
  );
  return text;
}

/** A self-signed certificate for the gateway's tailnet name and address. */
export function makeCertificate(dir: string, names: readonly string[], addresses: readonly string[], days = 30): { cert: string; key: string } {
  const cert = join(dir, 'tls', 'gateway.crt');
  const key = join(dir, 'tls', 'gateway.key');
  mkdirSync(join(dir, 'tls'), { recursive: true });
  const san = [...names.map((n) => `DNS:${n}`), ...addresses.map((a) => `IP:${a}`)].join(',');
  run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    String(days),
    '-subj',
    `/CN=${names[0] ?? 'moat-lab'}`,
    '-addext',
    `subjectAltName=${san}`,
  ]);
  return { cert, key };
}

export function writeConfig(dir: string, name: string, text: string): string {
  const path = join(dir, `${name}.conf`);
  writeFileSync(path, text);
  return path;
}
