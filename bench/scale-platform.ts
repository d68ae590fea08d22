// A platform of the built-in reference plus `n` user services, as moat.yaml
// input (parsed by the schema like a real config): every service backend-only
// on the platform's /16, one port each, every tenth one routed by the gateway
// under its own path, so every layer (compose, gateway, firewall, policy)
// grows with n.
import { NETWORK } from '../src/catalog/define.js';
import { referencePlatform } from '../src/catalog/reference.js';
import { normalizePlatform } from '../src/model/normalize.js';
import type { Platform, PlatformInput } from '../src/model/types.js';

/** 172.20.(10 + i / 250).(1 + i % 250): clear of the catalog's 172.20.0.x addresses; room for 60,000. */
export function scaleAddress(i: number): string {
  return `172.20.${10 + Math.floor(i / 250)}.${1 + (i % 250)}`;
}

export function scalePlatformInput(n: number): PlatformInput {
  const base = referencePlatform();
  const users = Array.from({ length: n }, (_, i) => ({
    kind: 'service' as const,
    name: `svc-${i}`,
    title: `App ${i}`,
    description: 'a user service of the scale benchmark',
    origin: 'user' as const,
    network: NETWORK,
    hardening: { readOnlyRootFs: true },
    image: 'ghcr.io/example/app:1.0.0',
    address: scaleAddress(i),
    ports: [{ port: 8000 + (i % 1000), protocol: 'tcp' as const, purpose: 'app HTTP API' }],
    env: { APP_PORT: String(8000 + (i % 1000)) },
    exposure: i % 10 === 0 ? ('routed' as const) : ('never-route' as const),
  }));
  const routes = users
    .filter((_, i) => i % 10 === 0)
    .map((u) => ({ path: `/${u.name}`, service: u.name, port: u.ports[0]?.port ?? 8000, prefix: 'strip' as const }));
  return {
    ...base,
    services: [...base.services, ...users],
    gateway: { ...base.gateway, routes: [...base.gateway.routes, ...routes] },
    policy: { ...base.policy, platformOnly: [...(base.policy.platformOnly ?? []), ...users.filter((_, i) => i % 10 !== 0).map((u) => u.name)] },
  } as PlatformInput;
}

export function scalePlatform(n: number): Platform {
  return normalizePlatform(scalePlatformInput(n));
}
