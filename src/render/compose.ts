// compose.yaml: every service on the platform network at its static address.
// Secret values never appear here: services with secrets read them from
// secrets/<service>.env, which `moat up` writes (mode 0600) from its store.
import { type HostEnv, hostDependentEnv } from '../catalog/host-env.js';
import type { Finding } from '../model/findings.js';
import { serviceByName } from '../model/lookup.js';
import type { Platform, Publish, Service, Volume } from '../model/types.js';
import { generatedHeader, type RenderedFile, type Renderer, type SourceMapEntry } from './types.js';
import { yamlFile, yamlSourceMap } from './yaml-out.js';

export const COMPOSE_FILE = 'compose.yaml';
export const SECRETS_GITIGNORE = 'secrets/.gitignore';

/** Where `moat up` writes a service's secrets, relative to the bundle. */
export function secretsEnvFile(service: Service): string {
  return `secrets/${service.name}.env`;
}

type Mapping = Record<string, unknown>;

export const renderCompose: Renderer = (platform) => {
  const warnings: Finding[] = [];
  const services: Mapping = {};
  const volumes: Mapping = {};
  const hostEnv = hostDependentEnv(platform);
  for (const service of platform.services) {
    services[service.name] = composeService(platform, service, hostEnv);
    for (const volume of service.volumes) if (volumeKind(volume) === 'named') volumes[volume.name] = {};
    service.publish.forEach((publish, i) => {
      if (service.name === platform.gateway.service) return;
      warnings.push({
        code: 'render.compose.published-backend',
        severity: 'high',
        path: `services.${service.name}.publish[${i}]`,
        message: `${service.name} publishes ${publishSpec(publish)} on the host; only the gateway (${platform.gateway.service}) should`,
        hint: `remove the publish of ${service.name} and route it through the gateway, or reach it over \`docker exec\``,
      });
    });
    warnings.push(...broadCapabilityWarnings(service));
  }
  const networks: Mapping = {};
  for (const [name, subnet] of internalNetworks(platform, warnings)) {
    // No route out: Docker gives an internal bridge no gateway to the host's uplink.
    networks[name] = { name, driver: 'bridge', internal: true, ipam: { driver: 'default', config: [{ subnet }] } };
  }
  for (const network of platform.networks) {
    networks[network.name] = {
      // A fixed name (not <project>_<network>), so the firewall renderers can refer to it.
      name: network.name,
      driver: network.driver,
      internal: network.internal,
      ipam: { driver: 'default', config: [{ subnet: network.subnet, gateway: network.gateway }] },
    };
  }
  const doc: Mapping = { name: platform.project, services, networks };
  if (Object.keys(volumes).length > 0) doc['volumes'] = volumes;
  const comments = [
    'Secrets are not in this file: services with secrets read secrets/<service>.env (written by `moat up`, mode 0600).',
    'Only the gateway publishes a port, on the Tailscale address.',
  ];
  const content = yamlFile(doc, comments);
  // Each publication's line → its model path, so a finding at a `ports:` entry points at moat.yaml.
  // Computed on first read: it parses the whole file again, and the proof reads it only when a
  // finding is located in compose.yaml (on a large platform, that parse is most of the render).
  let sourceMap: readonly SourceMapEntry[] | undefined;
  const mapped = (): readonly SourceMapEntry[] =>
    (sourceMap ??= yamlSourceMap(
      content,
      platform.services.flatMap((s) => [
        [['services', s.name], `services.${s.name}`] as const,
        ...s.publish.map((_, i) => [['services', s.name, 'ports', i], `services.${s.name}.publish[${i}]`] as const),
        ...s.ports.map((_, i) => [['services', s.name, 'expose', i], `services.${s.name}.ports[${i}]`] as const),
      ]),
    ));
  const files: RenderedFile[] = [
    {
      path: COMPOSE_FILE,
      content,
      get sourceMap() {
        return mapped();
      },
    },
  ];
  // The secret env files must never reach git (the scripts this replaces committed theirs).
  if (platform.services.some((s) => s.secrets.length > 0)) files.push({ path: SECRETS_GITIGNORE, content: `${generatedHeader('#')}\n*\n!.gitignore\n` });
  return { files, warnings };
};

// Capabilities that give a container most of root's power over the host kernel.
const BROAD_CAPABILITIES = ['SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE'];

/** Say so when a service gets back a broad capability after `cap_drop: ALL`. */
function broadCapabilityWarnings(service: Service): Finding[] {
  return service.hardening.capAdd
    .map((cap, i) => ({ cap, i }))
    .filter(({ cap }) => BROAD_CAPABILITIES.includes(cap))
    .map(({ cap, i }) => ({
      code: 'render.compose.broad-capability',
      severity: 'medium' as const,
      path: `services.${service.name}.hardening.capAdd[${i}]`,
      message: `${service.name} runs with ${cap}, which undoes much of cap_drop: ALL`,
      hint: `keep it only if ${service.name} needs it (see the catalog entry's comment), and keep the service off the gateway if it is not needed`,
    }));
}

function composeService(platform: Platform, service: Service, hostEnv: HostEnv): Mapping {
  const h = service.hardening;
  const out: Mapping = {
    image: service.image,
    hostname: service.name,
    networks: serviceNetworks(service),
    restart: 'unless-stopped',
    logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } },
  };
  if (service.command) out['command'] = [...service.command];
  // Values that depend on the host (public URLs, the chosen model) win over the catalog's.
  const merged = { ...service.env, ...hostEnv[service.name] };
  const env = Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, escapeDollar(v)]));
  if (Object.keys(env).length > 0) out['environment'] = env;
  if (service.secrets.length > 0) out['env_file'] = [secretsEnvFile(service)];
  if (service.volumes.length > 0) out['volumes'] = service.volumes.map(volumeSpec).sort();
  if (service.healthcheck) {
    const c = service.healthcheck;
    out['healthcheck'] = {
      test: [...c.test],
      interval: `${c.intervalSeconds}s`,
      timeout: `${c.timeoutSeconds}s`,
      retries: c.retries,
      start_period: `${c.startPeriodSeconds}s`,
    };
  }
  if (service.dependsOn.length > 0) {
    const deps: Mapping = {};
    for (const name of service.dependsOn) {
      const dep = serviceByName(platform, name);
      deps[name] = { condition: dep?.healthcheck ? 'service_healthy' : 'service_started' };
    }
    out['depends_on'] = deps;
  }
  if (h.noNewPrivileges) out['security_opt'] = ['no-new-privileges:true'];
  if (h.capDrop.length > 0) out['cap_drop'] = [...new Set(h.capDrop)].sort();
  if (h.capAdd.length > 0) out['cap_add'] = [...new Set(h.capAdd)].sort();
  if (h.readOnlyRootFs) out['read_only'] = true;
  if (h.tmpfs.length > 0) out['tmpfs'] = [...new Set(h.tmpfs)].sort();
  if (h.user !== undefined) out['user'] = h.user;
  // What the container listens on, stated: the proof reads it back as the service's sockets.
  if (service.ports.length > 0) out['expose'] = service.ports.map((p) => (p.protocol === 'udp' ? `${p.port}/udp` : `${p.port}`));
  if (service.publish.length > 0) out['ports'] = service.publish.map(publishSpec);
  return out;
}

/** The platform network (unless isolated) and the service's internal networks, which get Docker-assigned addresses. */
function serviceNetworks(service: Service): Mapping {
  const out: Mapping = service.isolated ? {} : { [service.network]: { ipv4_address: service.address } };
  for (const n of service.internalNetworks) out[n.name] = {};
  return out;
}

/** Every internal network services name, once; one name with two subnets is a finding. */
function internalNetworks(platform: Platform, warnings: Finding[]): Map<string, string> {
  const seen = new Map<string, string>();
  for (const service of platform.services) {
    service.internalNetworks.forEach((n, i) => {
      const subnet = seen.get(n.name);
      if (subnet === undefined) seen.set(n.name, n.subnet);
      else if (subnet !== n.subnet) {
        warnings.push({
          code: 'render.compose.internal-network-conflict',
          severity: 'high',
          path: `services.${service.name}.internalNetworks[${i}]`,
          message: `${service.name} puts internal network ${n.name} on ${n.subnet}, another service on ${subnet}`,
          hint: `give every service the same subnet for ${n.name}`,
        });
      }
    });
  }
  return new Map([...seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Bundle files are relative (`nginx/nginx.conf`); absolute ones live on the host (`/etc/moat/tls`). */
function volumeKind(volume: Volume): 'bundle' | 'host' | 'named' {
  if (volume.bundleFile === undefined) return 'named';
  return volume.bundleFile.startsWith('/') ? 'host' : 'bundle';
}

function volumeSpec(volume: Volume): string {
  const mode = volume.readOnly ? ':ro' : '';
  switch (volumeKind(volume)) {
    case 'named':
      return `${volume.name}:${volume.target}${mode}`;
    case 'host':
      return `${volume.bundleFile}:${volume.target}${mode}`;
    case 'bundle':
      return `./${volume.bundleFile}:${volume.target}${mode}`;
  }
}

/** Compose short syntax; IPv6 host addresses in brackets. */
export function publishSpec(p: Publish): string {
  const host = p.hostAddress.includes(':') ? `[${p.hostAddress}]` : p.hostAddress;
  const span = p.hostPortEnd === undefined ? 0 : p.hostPortEnd - p.hostPort;
  const hostPorts = span > 0 ? `${p.hostPort}-${p.hostPort + span}` : `${p.hostPort}`;
  const containerPorts = span > 0 ? `${p.containerPort}-${p.containerPort + span}` : `${p.containerPort}`;
  return `${host}:${hostPorts}:${containerPorts}${p.protocol === 'udp' ? '/udp' : ''}`;
}

/** Environment values are literal: compose would otherwise interpolate `$`. */
function escapeDollar(value: string): string {
  return value.replaceAll('$', () => '$$');
}

export const COMPOSE_NETWORK_FINDING_DOCS = [
  {
    code: 'render.compose.internal-network-conflict',
    title: 'One internal network, two subnets',
    help: 'Two services name the same internal network (internalNetworks) with different subnets. Compose creates the network once, with the first subnet, so the egress policy that names the other one is wrong. Give every service the same subnet for that network.',
    severity: 'high',
  },
] as const satisfies readonly { code: string; title: string; help: string; severity: 'high' }[];
