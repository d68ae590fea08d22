// A validated moat.yaml over the reference platform → platform input, with the
// cross-field problems the schema cannot see: unknown services (did-you-mean),
// new services missing what they need, disabled dependencies, unpinned images,
// publish entries compose would reject. Routes to services that do not exist
// are kept: the analyzer reports those as `moat check` findings.
import { parsePublishEntry } from './config-publish.js';
import type { Config, ServiceConfig } from './config-schema.js';
import { PublishEntry } from './config-schema.js';
import { formatPath } from './config-yaml.js';
import { didYouMean } from './did-you-mean.js';
import type { Finding } from './findings.js';
import { firstHostAddress, toCidr } from './net.js';
import { Service as ServiceSchema } from './schema.js';
import type { PlatformInput, ServiceInput } from './types.js';

export interface MergeResult {
  readonly input: PlatformInput;
  readonly findings: Finding[];
  /** How many gateway routes and policy rules come before the user's (for locate). */
  readonly referenceRoutes: number;
  readonly referenceAllow: number;
}

/** Whether the user wrote a config key path (even if its value was invalid). */
export type Written = (path: string) => boolean;

const listing = (names: readonly string[]): string => (names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

const high = (code: Finding['code'], path: string, message: string, hint: string): Finding => ({ code, severity: 'high', path, message, hint });

function imageFinding(name: string, image: string): Finding | undefined {
  const path = `services.${name}.image`;
  const last = image.slice(image.lastIndexOf('/') + 1).split('@')[0] ?? '';
  const colon = last.indexOf(':');
  const tag = colon >= 0 ? last.slice(colon + 1) : '';
  if (tag === '' || tag === 'latest') {
    return high(
      'config.image-unpinned',
      path,
      `${name}: image ${image} is not pinned to a version`,
      `use a version tag (e.g. ${image.split('@')[0]?.replace(/:latest$/, '')}:1.2.3); ${tag === 'latest' ? ':latest' : 'no tag'} changes under you on the next pull`,
    );
  }
  if (!ServiceSchema.shape.image.safeParse(image).success) {
    return high(
      'config.invalid-value',
      path,
      `${name}: image reference ${image} is not one moat can use`,
      'write NAME:TAG or NAME:TAG@sha256:DIGEST (no registry port)',
    );
  }
  return undefined;
}

/** Drops keys whose value is undefined (an optional field the user left out). */
function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

function envOf(base: Readonly<Record<string, string>> | undefined, overrides: ServiceConfig['env']): Record<string, string> {
  const env: Record<string, string> = { ...base };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value === null) delete env[key];
    else env[key] = String(value);
  }
  return env;
}

function applyOverride(base: ServiceInput, o: ServiceConfig, publish: ServiceInput['publish']): ServiceInput {
  return {
    ...base,
    ...(o.image !== undefined ? { image: o.image } : {}),
    ...(o.address !== undefined ? { address: o.address } : {}),
    ...(publish !== undefined ? { publish } : {}),
    ...(o.env !== undefined ? { env: envOf(base.env, o.env) } : {}),
    ...(o.ports !== undefined ? { ports: o.ports } : {}),
    ...(o.healthcheck !== undefined ? { healthcheck: o.healthcheck } : {}),
    ...(o.command !== undefined ? { command: o.command } : {}),
    ...(o.dependsOn !== undefined ? { dependsOn: o.dependsOn } : {}),
    ...(o.title !== undefined ? { title: o.title } : {}),
    ...(o.description !== undefined ? { description: o.description } : {}),
    ...(o.exposure !== undefined ? { exposure: o.exposure } : {}),
    ...(o.volumes !== undefined ? { volumes: o.volumes } : {}),
    ...(o.startBudgetSeconds !== undefined ? { startBudgetSeconds: o.startBudgetSeconds } : {}),
  };
}

function rawPublish(raw: unknown, name: string): readonly unknown[] | undefined {
  const services = (raw as { services?: unknown } | null)?.services;
  const service = typeof services === 'object' && services !== null ? (services as Record<string, unknown>)[name] : undefined;
  const publish = typeof service === 'object' && service !== null ? (service as { publish?: unknown }).publish : undefined;
  return Array.isArray(publish) ? publish : undefined;
}

/** `raw` is the file's data as written (before invalid parts were dropped). */
export function mergeConfig(config: Config, reference: PlatformInput, written: Written, raw: unknown = config): MergeResult {
  const findings: Finding[] = [];
  const catalog = new Map(reference.services.map((s) => [s.name, s]));
  const network = reference.networks[0];
  if (!network) throw new Error('the reference platform has no network (this is a bug in moat)');
  const gatewayName = reference.gateway.service;
  const overrides = Object.entries(config.services ?? {});

  // Publish entries, parsed once; a bad one is reported and the rest still merge.
  // Entries come from the file as written, so indices match even when a
  // sibling entry failed the schema (reported already, skipped here).
  const publishOf = (name: string, o: ServiceConfig): ServiceInput['publish'] => {
    const entries = rawPublish(raw, name) ?? o.publish;
    if (entries === undefined) return undefined;
    return entries.flatMap((item, i) => {
      const entry = PublishEntry.safeParse(item);
      if (!entry.success) return [];
      const result = parsePublishEntry(entry.data);
      if (result.ok) return [result.value];
      findings.push(
        high(
          'config.bad-publish',
          formatPath(['services', name, 'publish', i]),
          `${name}: publish entry ${JSON.stringify(entry.data)}: ${result.problem}`,
          'write "[HOST_IP:]HOST_PORT:CONTAINER_PORT[/udp]" or { target, published, host_ip, protocol }; only the gateway should publish',
        ),
      );
      return [];
    });
  };

  const disabled = new Set<string>();
  const services = new Map<string, ServiceInput>([...catalog].map(([n, s]) => [n, s]));
  for (const [name, o] of overrides) {
    const imageProblem = o.image !== undefined ? imageFinding(name, o.image) : undefined;
    if (imageProblem) findings.push(imageProblem);
    const base = catalog.get(name);
    if (base) {
      if (o.enabled === false) {
        if (name === gatewayName)
          findings.push(
            high(
              'config.invalid-value',
              `services.${name}.enabled`,
              `${name} is the gateway and cannot be disabled`,
              "remove `enabled: false`; the gateway is the platform's only door",
            ),
          );
        else disabled.add(name);
      }
      // A rejected image is reported; the catalog's stays so the rest can be checked.
      services.set(name, applyOverride(base, imageProblem ? { ...o, image: undefined } : o, publishOf(name, o)));
      continue;
    }
    if (o.image === undefined && !written(`services.${name}.image`)) {
      findings.push(
        high(
          'config.unknown-service',
          `services.${name}`,
          `unknown service "${name}"`,
          didYouMean(name, catalog.keys(), `a new service needs image, address and ports; known services: ${[...catalog.keys()].join(', ')}`),
        ),
      );
      continue;
    }
    const missing = (['address', 'ports'] as const).filter((k) => o[k] === undefined && !written(`services.${name}.${k}`));
    if (missing.length > 0) {
      findings.push(
        high(
          'config.invalid-value',
          `services.${name}`,
          `${name} is not in the catalog, so it needs ${missing.join(' and ')}`,
          `add ${missing.join(' and ')} (image, address and ports define a new service)`,
        ),
      );
      continue;
    }
    if (o.enabled === false || imageProblem || o.image === undefined || o.address === undefined || o.ports === undefined) continue;
    services.set(
      name,
      applyOverride(
        {
          kind: 'service',
          name,
          title: name,
          description: 'added in moat.yaml',
          origin: 'user',
          image: o.image,
          network: network.name,
          address: o.address,
          ports: o.ports,
          hardening: { readOnlyRootFs: false },
          exposure: 'internal',
        },
        o,
        publishOf(name, o),
      ),
    );
  }
  for (const name of disabled) services.delete(name);

  // Dependencies: on a disabled service (name the dependants), or on nothing known.
  const dependants = new Map<string, string[]>();
  for (const service of services.values()) {
    for (const [i, dep] of (service.dependsOn ?? []).entries()) {
      if (disabled.has(dep)) dependants.set(dep, [...(dependants.get(dep) ?? []), service.name]);
      else if (!services.has(dep) && written(`services.${service.name}.dependsOn`)) {
        findings.push(
          high(
            'config.unknown-service',
            formatPath(['services', service.name, 'dependsOn', i]),
            `${service.name} depends on unknown service "${dep}"`,
            didYouMean(dep, services.keys(), 'name a service of the platform'),
          ),
        );
      }
    }
  }
  for (const [dep, names] of dependants) {
    findings.push(
      high(
        'config.dependency-disabled',
        `services.${dep}.enabled`,
        `${dep} is disabled, but ${listing(names)} ${names.length === 1 ? 'depends' : 'depend'} on it`,
        `keep ${dep} enabled, or disable ${listing(names)} too`,
      ),
    );
  }

  // Network: a new subnet without a gateway gets Docker's default gateway.
  const subnet = config.network?.subnet !== undefined ? (toCidr(config.network.subnet)?.text ?? config.network.subnet) : network.subnet;
  const gateway = config.network?.gateway ?? (config.network?.subnet !== undefined ? firstHostAddress(subnet) : undefined) ?? network.gateway;

  const refRoutes = reference.gateway.routes.filter((r) => !disabled.has(r.service));
  // The reference's SSH rule follows the SSH port: moving sshd moves what the policy allows.
  const sshPort = config.host?.sshPort ?? reference.host.sshPort;
  const refAllow = reference.policy.allow.map((r) =>
    r.zone === 'admin' && r.protocol === 'tcp' && r.port === reference.host.sshPort && (r.target ?? 'host') === 'host' ? { ...r, port: sshPort } : r,
  );
  const host = config.host ?? {};
  const input: PlatformInput = {
    ...reference,
    ...(config.project !== undefined ? { project: config.project } : {}),
    host: {
      ...reference.host,
      ...(host.adminCidr !== undefined ? { adminCidr: toCidr(host.adminCidr)?.text ?? host.adminCidr } : {}),
      ...(host.region !== undefined ? { region: host.region } : {}),
      ...(host.instanceType !== undefined ? { instanceType: host.instanceType } : {}),
      ...(host.sshPort !== undefined ? { sshPort: host.sshPort } : {}),
      ...(host.publicInterface !== undefined ? { publicInterface: host.publicInterface } : {}),
      tailscale: { ...reference.host.tailscale, ...definedOnly(host.tailscale ?? {}) },
    },
    networks: [{ ...network, subnet, gateway }, ...reference.networks.slice(1)],
    services: [...services.values()],
    gateway: {
      ...reference.gateway,
      ...(config.gateway?.originPerApp !== undefined ? { originPerApp: config.gateway.originPerApp } : {}),
      routes: [...refRoutes, ...(config.routes ?? [])],
    },
    internalProxies: reference.internalProxies
      .filter((p) => !disabled.has(p.service))
      .map((p) => ({ ...p, routes: p.routes.filter((r) => !disabled.has(r.service)) })),
    policy: {
      allow: [...refAllow, ...(config.policy?.allow ?? [])],
      platformOnly: reference.policy.platformOnly.filter((n) => !disabled.has(n)),
    },
    llm: {
      ...reference.llm,
      models: config.models ?? reference.llm.models,
      ...(config.llm?.providers !== undefined ? { providers: config.llm.providers } : {}),
      ...(config.llm?.routing !== undefined ? { routing: { mode: config.llm.routing.mode, fallbacks: config.llm.routing.fallbacks ?? [] } } : {}),
    },
    knowledge: { ...reference.knowledge, ...definedOnly(config.knowledge ?? {}) },
    ...(config.kubernetes !== undefined ? { kubernetes: config.kubernetes } : {}),
  };
  return { input, findings, referenceRoutes: refRoutes.length, referenceAllow: refAllow.length };
}
