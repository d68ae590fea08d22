// The lab: the reference topology on one machine, in network namespaces that
// are not connected to the root namespace (see lab-net.ts for the picture).
// The host runs the rendered nftables and DOCKER-USER rules, the services are
// stubs at their static addresses, and the real nginx runs the rendered
// gateway and Dify configs. Everything is prefixed `moat-lab-` and torn down
// by close(), also after a failed start.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { referencePlatform } from '../../src/catalog/reference.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import type { Platform } from '../../src/model/types.js';
import { type ExpectedPort, expectedFor, type Vantage } from '../../src/probe/expected.js';
import { gatewayName } from '../../src/probe/index.js';
import { renderBundle } from '../../src/render/registry.js';
import { ADDR, buildNetwork, deleteNamespaces, emulateDocker, inNs, type LabNamespaces, type LabNs, labNamespaces, requireTools, run } from './lab-net.js';
import { adaptNginxConfig, makeCertificate, writeConfig } from './lab-nginx.js';

export { waitUntil } from './lab-procs.js';
export { wgNames } from './lab-wg.js';

import { type LabProcess, startInNs, stopProcess, waitUntil } from './lab-procs.js';
import type { StubConfig } from './lab-stubs.js';
import { startTailnet, wgNames } from './lab-wg.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const LAB_TOOLS = ['ip', 'nft', 'iptables', 'iptables-restore', 'wireguard-go', 'wg', 'nginx', 'openssl', 'bash'];

/** The namespace role each vantage point runs in. */
export const VANTAGE_ROLE = { internet: 'client', admin: 'admin', tailnet: 'peer' } as const satisfies Record<Vantage, string>;
export const TARGET: Readonly<Record<Vantage, string>> = { internet: ADDR.hostPublic, admin: ADDR.hostPublic, tailnet: ADDR.hostTailnet };

/** A host socket the firewall must hide: something listening on all addresses that nobody published. */
export const DECOY_PORT = 11434;

export interface Lab {
  readonly id: string;
  readonly dir: string;
  readonly ns: LabNamespaces;
  readonly platform: Platform;
  readonly bundle: ReadonlyMap<string, string>;
  readonly servername: string;
  expected(vantage: Vantage): ExpectedPort[];
  /** Runs the moat CLI (from source) inside a namespace. */
  moat(ns: LabNs, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Runs a lab-client script in a namespace and returns its parsed JSON output. */
  client<T>(ns: LabNs, ops: unknown): Promise<T>;
  stopService(name: string): Promise<void>;
  startService(name: string): Promise<void>;
  reloadGateway(): void;
  applyFirewall(): void;
  startNginx(name: string, configText: string): Promise<LabProcess>;
  readonly processes: LabProcess[];
  close(): Promise<void>;
}

export function labPlatform(): Platform {
  const input = referencePlatform();
  // The lab's admin and tailnet addresses are the placeholders' documentation
  // ranges; set them explicitly so the lab does not depend on the defaults.
  return normalizePlatform({
    ...input,
    host: { ...input.host, adminCidr: `${ADDR.admin}/32`, tailscale: { ...input.host.tailscale, address: ADDR.hostTailnet } },
  });
}

function healthPath(service: Platform['services'][number]): string | undefined {
  const url = service.healthcheck?.test.find((arg) => /https?:\/\/127\.0\.0\.1/.test(arg));
  const match = url ? /https?:\/\/127\.0\.0\.1:\d+(\/[^'"\s)]*)/.exec(url) : null;
  return match?.[1];
}

/** Deletes what crashed labs left (those whose owner process is gone), or one lab by id. */
export function cleanLeftovers(id?: string): void {
  run('bash', [join(ROOT, 'scripts/lab-clean.sh'), ...(id ? [id] : [])]);
}

export async function startLab(): Promise<Lab> {
  requireTools(LAB_TOOLS);
  cleanLeftovers();
  // Always under /tmp: scripts/lab-clean.sh looks for labs there.
  const dir = mkdtempSync('/tmp/moat-lab-');
  const id = dir.slice(dir.lastIndexOf('moat-lab-') + 'moat-lab-'.length);
  const ns = labNamespaces(id);
  run('chmod', ['0755', dir]);
  // lab-clean.sh leaves a lab alone while the process that owns it runs.
  writeFileSync(join(dir, 'owner'), `${process.pid}\n`);
  const processes: LabProcess[] = [];
  const close = async (): Promise<void> => {
    for (const p of [...processes].reverse()) await stopProcess(p);
    processes.length = 0;
    try {
      deleteNamespaces(ns);
    } finally {
      rmSync(`/etc/netns/${ns.svc}`, { recursive: true, force: true });
      for (const dev of Object.values(wgNames(id))) rmSync(`/var/run/wireguard/${dev}.sock`, { force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    return await build(id, ns, dir, processes, close);
  } catch (error) {
    await close();
    throw error;
  }
}

async function build(id: string, NS: LabNamespaces, dir: string, processes: LabProcess[], close: () => Promise<void>): Promise<Lab> {
  const platform = labPlatform();
  const bundle = new Map(renderBundle(platform).files.map((f) => [f.path, f.content] as const));
  const need = (path: string): string => {
    const content = bundle.get(path);
    if (content === undefined) throw new Error(`the lab needs the rendered ${path}, but renderBundle() produced none`);
    return content;
  };
  const gatewayService = platform.services.find((s) => s.name === platform.gateway.service);
  const difyNginx = platform.services.find((s) => s.name === 'dify-nginx');
  if (!gatewayService || !difyNginx) throw new Error('the lab needs the gateway and dify-nginx services in the platform');
  const addresses = [...new Set(platform.services.map((s) => s.address))];

  buildNetwork(NS, addresses, platform.host.publicInterface);

  // Name resolution inside the service namespace: only the small DNS on
  // 127.0.0.11 (Docker's), which Dify's nginx asks through its `resolver`.
  // /etc/hosts names no service: the gateway names its upstreams by static
  // address, and a service name in it would fail nginx -t here.
  const names = Object.fromEntries(platform.services.map((s) => [s.name, s.address]));
  mkdirSync(`/etc/netns/${NS.svc}`, { recursive: true });
  writeFileSync(`/etc/netns/${NS.svc}/hosts`, '127.0.0.1 localhost\n');

  const spawnEnv = { NODE_OPTIONS: '' };
  const tsx = ['--import', 'tsx'];
  const stubConfig: StubConfig = {
    services: platform.services
      .filter((s) => s.name !== gatewayService.name && s.name !== difyNginx.name && s.ports.some((p) => p.protocol === 'tcp'))
      .map((s) => {
        const health = healthPath(s);
        return {
          name: s.name,
          address: s.address,
          ports: s.ports.filter((p) => p.protocol === 'tcp').map((p) => p.port),
          ...(health ? { healthPath: health } : {}),
        };
      }),
    dns: { address: '127.0.0.11', names },
  };
  const stubs = startInNs(dir, NS.svc, 'stubs', process.execPath, [...tsx, join(ROOT, 'test/support/lab-stubs.ts'), JSON.stringify(stubConfig)], spawnEnv);
  processes.push(stubs);
  // The host's own listeners, as the bundle configures them (the files the
  // bootstrap installs): sshd on every address at the port of sshd-moat.conf,
  // tailscaled's WireGuard at the port of tailscaled.defaults.
  const listeners = hostListeners(need('host/sshd-moat.conf'), need('host/tailscaled.defaults'));
  const hostConfig: StubConfig = {
    services: [],
    listeners: [
      { name: 'sshd', address: '0.0.0.0', port: listeners.sshPort, banner: 'SSH-2.0-moat-lab\r\n' },
      { name: 'decoy', address: '0.0.0.0', port: DECOY_PORT, banner: 'not for you\n' },
    ],
  };
  const hostSockets = startInNs(
    dir,
    NS.host,
    'host-sockets',
    process.execPath,
    [...tsx, join(ROOT, 'test/support/lab-stubs.ts'), JSON.stringify(hostConfig)],
    spawnEnv,
  );
  processes.push(hostSockets);

  // The tailnet: wireguard-go as the host's tailscale0, its peer in the peer namespace.
  await startTailnet(id, NS, dir, platform, listeners.wireguardPort, processes);

  // The host firewall, as rendered, over an emulation of Docker's own chains:
  // the nft JSON batch for the host, the DOCKER-USER rules (both families)
  // applied by the rendered script, which finds them beside itself.
  if (gatewayService.publish.length === 0) throw new Error('the gateway service has no publication (normalizePlatform adds them)');
  emulateDocker(
    NS,
    gatewayService.publish
      .filter((p) => p.protocol === 'tcp')
      .map((p) => ({ hostAddress: p.hostAddress, hostPort: p.hostPort, containerPort: p.containerPort })),
    gatewayService.address,
  );
  const nftPath = join(dir, 'nftables.json');
  const dockerUserPath = join(dir, 'docker-user.sh');
  writeFileSync(nftPath, need('firewall/nftables.json'));
  for (const f of ['docker-user.v4.rules', 'docker-user.v6.rules']) writeFileSync(join(dir, f), need(`firewall/${f}`));
  writeFileSync(dockerUserPath, need('firewall/docker-user.sh'), { mode: 0o755 });
  const applyFirewall = (): void => {
    inNs(NS.host, 'nft', ['-j', '-f', nftPath]);
    inNs(NS.host, 'bash', [dockerUserPath]);
  };
  applyFirewall();

  // The real nginx, twice: the gateway and Dify's own proxy.
  const servername = gatewayName(platform);
  const tls = makeCertificate(dir, [servername], [ADDR.hostTailnet]);
  const startNginx = async (name: string, configText: string): Promise<LabProcess> => {
    const conf = writeConfig(dir, name, configText);
    inNs(NS.svc, 'nginx', ['-t', '-q', '-p', dir, '-c', conf, '-g', 'daemon off;']);
    const p = startInNs(dir, NS.svc, name, 'nginx', ['-p', dir, '-c', conf, '-g', 'daemon off;']);
    processes.push(p);
    return p;
  };
  const gatewayConf = adaptNginxConfig(need('nginx/nginx.conf'), {
    name: 'gateway',
    dir,
    address: gatewayService.address,
    certFile: { from: platform.gateway.tls.certFile, to: tls.cert },
    keyFile: { from: platform.gateway.tls.keyFile, to: tls.key },
  });
  const difyConf = adaptNginxConfig(need('dify/nginx.conf'), { name: 'dify-nginx', dir, address: difyNginx.address });
  await stubs.waitFor(/^ready$/);
  await hostSockets.waitFor(/^ready$/);
  const gateway = await startNginx('gateway', gatewayConf);
  await startNginx('dify-nginx', difyConf);

  const lab: Lab = {
    id,
    ns: NS,
    dir,
    platform,
    bundle,
    servername,
    processes,
    expected: (vantage) => expectedFor(platform, vantage),
    client: (ns, ops) => runClient(dir, ns, ops),
    moat: (ns, args) => runMoat(ns, args),
    async stopService(name) {
      stubs.child.stdin?.write(`stop ${name}\n`);
      await stubs.waitFor(new RegExp(`^stopped ${name}$`));
    },
    async startService(name) {
      stubs.child.stdin?.write(`start ${name}\n`);
      await stubs.waitFor(new RegExp(`^started ${name}$`));
    },
    reloadGateway() {
      process.kill(gateway.pid, 'SIGHUP');
    },
    applyFirewall,
    startNginx,
    close,
  };
  // Ready when the tailnet carries a request to the gateway end to end.
  await waitUntil(
    async () => {
      const [r] = await lab.client<{ status: number }[]>(NS.peer, [
        { op: 'get', host: ADDR.hostTailnet, port: platform.gateway.listenPort, path: '/n8n/healthz', servername, tls: true, timeoutMs: 2000 },
      ]);
      return r?.status === 200;
    },
    30_000,
    () => `the gateway did not answer over the tailnet:\n${processes.map((p) => `--- ${p.name}\n${p.output().slice(-2000)}`).join('\n')}`,
  );
  return lab;
}

/** The ports of the bundle's host-listener files; the lab refuses files it cannot read. */
export function hostListeners(sshdConf: string, tailscaledDefaults: string): { sshPort: number; wireguardPort: number } {
  const sshPorts = [...sshdConf.matchAll(/^\s*Port\s+(\d+)\s*$/gim)].map((m) => Number(m[1]));
  const wg = /^\s*PORT="?(\d+)"?\s*$/m.exec(tailscaledDefaults);
  const [sshPort] = sshPorts;
  if (sshPorts.length !== 1 || sshPort === undefined)
    throw new Error(`the lab expects one Port line in host/sshd-moat.conf, found ${sshPorts.length}:\n${sshdConf}`);
  if (/^\s*ListenAddress\b/im.test(sshdConf)) throw new Error("host/sshd-moat.conf names a ListenAddress: the lab's sshd stand-in listens on every address");
  if (!wg?.[1]) throw new Error(`the lab found no PORT= in host/tailscaled.defaults:\n${tailscaledDefaults}`);
  return { sshPort, wireguardPort: Number(wg[1]) };
}

function runMoat(ns: LabNs, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(
      'ip',
      ['netns', 'exec', ns, process.execPath, '--import', 'tsx', join(ROOT, 'test/support/lab-moat.ts'), ...args],
      { maxBuffer: 64 * 1024 * 1024, timeout: 300_000, cwd: ROOT },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
  });
}

async function runClient<T>(dir: string, ns: LabNs, ops: unknown): Promise<T> {
  const opsFile = join(dir, `ops-${process.hrtime.bigint()}.json`);
  writeFileSync(opsFile, JSON.stringify(ops));
  return new Promise((resolvePromise, reject) => {
    execFile(
      'ip',
      ['netns', 'exec', ns, process.execPath, '--import', 'tsx', join(ROOT, 'test/support/lab-client.ts'), opsFile],
      { maxBuffer: 64 * 1024 * 1024, timeout: 300_000, cwd: ROOT },
      (error, stdout, stderr) => {
        rmSync(opsFile, { force: true });
        if (error) reject(new Error(`lab-client in ${ns} failed: ${stderr || error.message}`));
        else resolvePromise(JSON.parse(stdout) as T);
      },
    );
  });
}
