// The reduced platform the engine tests deploy: the reference's gateway plus
// Ollama, LiteLLM and n8n, at their reference addresses, with every image
// replaced by the busybox stub (no registry pulls) serving HTTP on the
// service's own port. Everything the engine creates is moat- prefixed.

import { wgetCheck } from '../../../src/catalog/define.js';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import type { Platform, PlatformInput, ServiceInput } from '../../../src/model/types.js';
import { STUB_IMAGE } from '../../support/podman.js';

export const E2E_PROJECT = 'moat-e2e';
export const E2E_NETWORK = 'moat-e2e-net';
const KEPT = ['nginx', 'ollama', 'litellm', 'n8n'];

/** A shell command for the stub: says who it is, then serves `name` on / and `ok` on /healthz. */
function stubCommand(name: string, port: number, healthPort?: number): string[] {
  const health = healthPort === undefined ? '' : ` && httpd -p 127.0.0.1:${healthPort} -h /tmp/www`;
  return [
    'sh',
    '-c',
    // sh stays PID 1 with a TERM trap: httpd as PID 1 ignores SIGTERM, and every stop would wait out the engine's 10 s.
    `trap 'exit 0' TERM; echo "stub ${name}: serving on port ${port}" && mkdir -p /tmp/www && echo ${name} > /tmp/www/index.html && echo ok > /tmp/www/healthz${health} && httpd -f -vv -p ${port} -h /tmp/www & wait`,
  ];
}

export interface ReducedOptions {
  /** Host port for the gateway's publication on 127.0.0.1. */
  readonly gatewayPort: number;
  /** A service whose health check asks for a page the stub does not have. */
  readonly failing?: string;
  /** A service that exits 1 at once: `restart: unless-stopped` makes it crash-loop. */
  readonly crashing?: string;
}

export function reducedPlatform(options: ReducedOptions): Platform {
  const input = referencePlatform();
  const services: ServiceInput[] = input.services
    .filter((s) => KEPT.includes(s.name))
    .map((s): ServiceInput => {
      const port = s.ports[0]?.port ?? 80;
      const isGateway = s.name === 'nginx';
      const failing = options.failing === s.name;
      const crashing = options.crashing === s.name;
      const probe = failing ? `http://127.0.0.1:${port}/missing` : isGateway ? 'http://127.0.0.1:8081/healthz' : `http://127.0.0.1:${port}/healthz`;
      const { volumes: _volumes, ...rest } = s;
      return {
        ...rest,
        network: E2E_NETWORK,
        image: STUB_IMAGE,
        // Dependencies on services the reduced platform drops (LiteLLM's dify-db) go too.
        dependsOn: (s.dependsOn ?? []).filter((d) => KEPT.includes(d)),
        command: crashing ? ['sh', '-c', `echo "stub ${s.name}: fatal: cannot start"; exit 1`] : stubCommand(s.name, port, isGateway ? 8081 : undefined),
        // Named volumes stay (down must keep them); bundle and host files are not needed by the stub.
        volumes: (s.volumes ?? []).filter((v) => v.bundleFile === undefined),
        healthcheck: {
          test: wgetCheck(probe),
          expects: s.healthcheck?.expects ?? 'the stub answers',
          intervalSeconds: 1,
          timeoutSeconds: 2,
          retries: 2,
          startPeriodSeconds: 1,
        },
        // A crash loop must be reported at once: its budget is the full 300 s so that waiting it out fails the test's timeout.
        startBudgetSeconds: crashing ? 300 : failing ? 15 : 60,
        ...(isGateway ? { publish: [{ hostAddress: '127.0.0.1', hostPort: options.gatewayPort, containerPort: 8443 }] } : {}),
      };
    });
  const platform: PlatformInput = {
    ...input,
    project: E2E_PROJECT,
    host: { ...input.host, tailscale: { ...input.host.tailscale, address: '127.0.0.1' } },
    networks: input.networks.map((n) => ({ ...n, name: E2E_NETWORK })),
    services,
    gateway: { ...input.gateway, routes: input.gateway.routes.filter((r) => KEPT.includes(r.service)) },
    internalProxies: [],
    policy: { ...input.policy, platformOnly: input.policy.platformOnly.filter((n) => KEPT.includes(n)) },
  };
  return normalizePlatform(platform);
}
