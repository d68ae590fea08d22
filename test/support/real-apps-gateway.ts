// The rendered bundle of the built-in platform, and its gateway nginx running
// for real inside an app-test namespace. The nginx config is the rendered one,
// changed only where a test host differs from the container (adaptNginxConfig,
// test/support/lab-nginx.ts): listen lines bound to the Tailscale address (the
// container's published port), the certificate and key paths to a self-signed
// certificate for the tailnet name, pid/log/temp paths into the temp dir, and
// `listen ... ssl http2` for Debian's nginx 1.22 (which lacks `http2 on`).
// Whether the upstreams are names through `resolver 127.0.0.11` or static
// addresses, both work here: the namespace has the addresses and the DNS stub.
import { join } from 'node:path';
import { parse } from 'yaml';
import { renderBundle } from '../../src/render/registry.js';
import type { RenderedFile } from '../../src/render/types.js';
import { goldenPlatform } from './golden.js';
import { adaptNginxConfig, makeCertificate, writeConfig } from './lab-nginx.js';
import { type AppNamespace, type NsProcess, runInNamespace, startInNamespace, TAILNET_NAME, TAILSCALE_ADDRESS, waitUntil } from './real-apps.js';

export interface ComposeService {
  readonly environment?: Record<string, string | number | boolean | null>;
  readonly networks?: Record<string, { ipv4_address?: string } | null>;
  readonly command?: readonly string[];
}

export interface RenderedPlatform {
  readonly files: readonly RenderedFile[];
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly platform: ReturnType<typeof goldenPlatform>;
  file(path: string): string;
}

export function renderedPlatform(): RenderedPlatform {
  const platform = goldenPlatform('');
  const { files } = renderBundle(platform);
  const file = (path: string): string => {
    const f = files.find((x) => x.path === path);
    if (f === undefined) throw new Error(`the bundle has no ${path}`);
    return f.content;
  };
  const compose = parse(file('compose.yaml')) as {
    services: Record<string, ComposeService>;
  };
  return { files, services: compose.services, platform, file };
}

export function serviceAddress(r: RenderedPlatform, name: string): string {
  const nets = r.services[name]?.networks ?? {};
  for (const n of Object.values(nets)) if (n?.ipv4_address) return n.ipv4_address;
  throw new Error(`compose.yaml gives ${name} no static address`);
}

/** compose's `environment` of a service, as the strings a process gets. */
export function serviceEnvironment(r: RenderedPlatform, name: string): Record<string, string> {
  const env = r.services[name]?.environment;
  if (env === undefined) throw new Error(`compose.yaml has no environment for ${name}`);
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** Every service name with its static address (what Docker's DNS answers), plus the tailnet name. */
export function dnsNames(r: RenderedPlatform): Record<string, string> {
  const names: Record<string, string> = { [TAILNET_NAME]: TAILSCALE_ADDRESS };
  for (const [name, s] of Object.entries(r.services)) {
    for (const n of Object.values(s.networks ?? {})) if (n?.ipv4_address) names[name] = n.ipv4_address;
  }
  return names;
}

export interface Gateway {
  readonly proc: NsProcess;
  readonly ca: string;
  readonly config: string;
}

export async function startGateway(ns: AppNamespace, r: RenderedPlatform): Promise<Gateway> {
  const tls = makeCertificate(ns.dir, [TAILNET_NAME], [TAILSCALE_ADDRESS]);
  const text = adaptNginxConfig(r.file('nginx/nginx.conf'), {
    name: 'gateway',
    dir: ns.dir,
    address: TAILSCALE_ADDRESS,
    certFile: { from: '/etc/nginx/tls/gateway.crt', to: tls.cert },
    keyFile: { from: '/etc/nginx/tls/gateway.key', to: tls.key },
  });
  const config = writeConfig(ns.dir, 'gateway-nginx', text);
  const prefix = `${join(ns.dir, 'gateway')}/`;
  runInNamespace(ns, 'nginx', ['-t', '-p', prefix, '-c', config]);
  const proc = startInNamespace(
    ns,
    'gateway-nginx',
    'nginx',
    ['-p', prefix, '-c', config, '-g', 'daemon off;'],
    { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    ns.dir,
  );
  // The container's own health check: loopback 8081 inside the gateway.
  await waitUntil('the gateway health check', () => runInNamespace(ns, 'curl', ['-sf', 'http://127.0.0.1:8081/healthz']) === 'ok\n', 30_000, proc);
  return { proc, ca: tls.cert, config };
}

/**
 * Runs a service's rendered compose health check inside the namespace, the way
 * the engine would inside the container (`CMD` argv), and says whether it
 * passed. `programs`: the CMD's program → the argv that runs it here (the
 * image's `node` → the test's Node 24, `wget` → busybox's). `loopbackAt`: the
 * service's static address, for one that listens there here instead of on its
 * container's own loopback.
 */
export function healthcheckPasses(
  ns: AppNamespace,
  r: RenderedPlatform,
  name: string,
  programs: Readonly<Record<string, readonly string[]>>,
  loopbackAt?: string,
): boolean {
  const test = (r.services[name] as { healthcheck?: { test?: readonly string[] } } | undefined)?.healthcheck?.test ?? [];
  const [form, cmd = '', ...args] = loopbackAt === undefined ? test : test.map((word) => word.replace('127.0.0.1', loopbackAt));
  const program = programs[cmd];
  if (form !== 'CMD' || program === undefined)
    throw new Error(`${name}'s rendered health check is not a CMD of ${Object.keys(programs).join(' or ')}: ${JSON.stringify(test)}`);
  const [file = '', ...prefix] = program;
  try {
    runInNamespace(ns, file, [...prefix, ...args], { timeoutMs: 10_000 });
    return true;
  } catch {
    return false;
  }
}
