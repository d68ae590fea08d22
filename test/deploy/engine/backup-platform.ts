// The platform the backup round trip deploys: the reference's PostgreSQL
// (dify-db) and Redis (dify-redis) on the stand-in images built from Debian's
// packages (test/support/debian-images.ts) with the catalog's own command,
// env, secrets, volumes, hardening and health checks; LiteLLM as a busybox
// stub, so that `moat up` creates its role and database in dify-db as it
// does on a real host; AnythingLLM as a busybox stub that owns a named volume
// (and never-rotate keys); and the gateway stub. Only the health checks'
// timing is shortened.
import { wgetCheck } from '../../../src/catalog/define.js';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import type { Platform, PlatformInput, ServiceInput } from '../../../src/model/types.js';
import { POSTGRES_IMAGE, REDIS_IMAGE } from '../../support/debian-images.js';
import { STUB_IMAGE } from '../../support/podman.js';

export const BACKUP_PROJECT = 'moat-e2e-bk';
const NETWORK = 'moat-e2e-bk-net';
// The reference's 172.20.0.0/16 moved to a /16 of its own: netavark refuses a subnet that another engine
// test's bridge (another private podman on this host) holds at the same moment.
const SUBNET_FROM = '172.20.';
const SUBNET_TO = '172.27.';
const moved = (address: string): string => (address.startsWith(SUBNET_FROM) ? `${SUBNET_TO}${address.slice(SUBNET_FROM.length)}` : address);
const REAL: Readonly<Record<string, string>> = { 'dify-db': POSTGRES_IMAGE, 'dify-redis': REDIS_IMAGE };
const STUBS = ['nginx', 'litellm', 'anythingllm'];
const KEPT = [...Object.keys(REAL), ...STUBS];

/** The stub serves `name` on its port (and the gateway's health page on 8081); sh stays PID 1 with a TERM trap. */
function stubCommand(name: string, port: number, gateway: boolean): string[] {
  const health = gateway ? ' && httpd -p 127.0.0.1:8081 -h /tmp/www' : '';
  return [
    'sh',
    '-c',
    `trap 'exit 0' TERM; mkdir -p /tmp/www && echo ${name} > /tmp/www/index.html && echo ok > /tmp/www/healthz${health} && httpd -f -p ${port} -h /tmp/www & wait`,
  ];
}

export function backupPlatform(gatewayPort: number): Platform {
  const input = referencePlatform();
  const services = input.services
    .filter((s) => KEPT.includes(s.name))
    .map((s): ServiceInput => {
      const dependsOn = (s.dependsOn ?? []).filter((d) => KEPT.includes(d));
      const image = REAL[s.name];
      const address = moved(s.address);
      if (image !== undefined && s.healthcheck) {
        return {
          ...s,
          address,
          network: NETWORK,
          image,
          dependsOn,
          healthcheck: { ...s.healthcheck, intervalSeconds: 1, timeoutSeconds: 3, retries: 5, startPeriodSeconds: 2 },
          startBudgetSeconds: 90,
        };
      }
      const port = s.ports[0]?.port ?? 80;
      const gateway = s.name === 'nginx';
      return {
        ...s,
        address,
        network: NETWORK,
        image: STUB_IMAGE,
        dependsOn,
        command: stubCommand(s.name, port, gateway),
        volumes: (s.volumes ?? []).filter((v) => v.bundleFile === undefined),
        healthcheck: {
          test: wgetCheck(gateway ? 'http://127.0.0.1:8081/healthz' : `http://127.0.0.1:${port}/healthz`),
          expects: 'the stub answers',
          intervalSeconds: 1,
          timeoutSeconds: 2,
          retries: 2,
          startPeriodSeconds: 1,
        },
        startBudgetSeconds: 60,
        ...(gateway ? { publish: [{ hostAddress: '127.0.0.1', hostPort: gatewayPort, containerPort: 8443 }] } : {}),
      };
    });
  const platform: PlatformInput = {
    ...input,
    project: BACKUP_PROJECT,
    host: { ...input.host, tailscale: { ...input.host.tailscale, address: '127.0.0.1' } },
    networks: input.networks.map((n) => ({ ...n, name: NETWORK, subnet: moved(n.subnet), gateway: moved(n.gateway) })),
    services,
    gateway: { ...input.gateway, routes: input.gateway.routes.filter((r) => KEPT.includes(r.service)) },
    internalProxies: [],
    policy: { ...input.policy, platformOnly: input.policy.platformOnly.filter((n) => KEPT.includes(n)) },
  };
  return normalizePlatform(platform);
}
