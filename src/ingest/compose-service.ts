// One compose service (already merged across files) into facts: its host
// publications, the sockets it listens on, and what it is.
import type { Binding, Listener, Origin, ServiceFacts } from '../analyze/state.js';
import type { Finding } from '../model/findings.js';
import type { Protocol } from '../model/types.js';
import { keptValue } from './compose-env.js';
import { type PortEntry, parseExpose, parseLongPort, parseShortPort, portKey } from './compose-ports.js';
import { get, type LNode, mapEntries, seqItems, text } from './compose-yaml.js';
import { artifactProblem } from './types.js';

export interface ServiceRead {
  readonly bindings: Binding[];
  readonly listeners: Listener[];
  readonly facts: ServiceFacts;
  readonly problems: Finding[];
}

const at = (node: LNode, key?: string): Origin => (key === undefined ? { file: node.file, line: node.line } : { file: node.file, line: node.line, key });

/** Static addresses of a service on its networks (`networks.<n>.ipv4_address` / `ipv6_address`). */
export function staticAddresses(service: LNode): string[] {
  const out: string[] = [];
  for (const [, net] of mapEntries(get(service, 'networks'))) {
    for (const key of ['ipv4_address', 'ipv6_address']) {
      const a = text(get(net, key));
      if (a !== undefined && a !== '') out.push(a);
    }
  }
  return out;
}

/** `ports` entries, deduplicated by compose's merge key (the later entry wins), each with its index in its own file. */
function portEntries(name: string, service: LNode, problems: Finding[]): { entry: PortEntry; origin: Origin }[] {
  const seen = new Map<string, { entry: PortEntry; origin: Origin }>();
  const perFile = new Map<string, number>();
  for (const item of seqItems(get(service, 'ports'))) {
    const index = perFile.get(item.file) ?? 0;
    perFile.set(item.file, index + 1);
    const origin = at(item, `services.${name}.ports[${index}]`);
    const raw = text(item);
    const parsed =
      item.kind === 'map'
        ? parseLongPort(item)
        : raw !== undefined
          ? parseShortPort(raw)
          : { ok: false as const, reason: 'it is neither a string nor a mapping' };
    if (!parsed.ok) {
      problems.push(
        artifactProblem(
          'ingest.compose.unreadable-port',
          'high',
          origin,
          `${origin.key} of ${name} cannot be read: ${parsed.reason}; a publication moat cannot read may expose anything`,
          'write it as `[HOST_IP:]HOST:CONTAINER[/PROTO]` or in the long syntax (target, published, host_ip, protocol)',
        ),
      );
      continue;
    }
    if (parsed.entry.widened.length > 0) {
      problems.push(
        artifactProblem(
          'ingest.compose.unresolved-port',
          'medium',
          origin,
          `${origin.key} of ${name}: ${parsed.entry.widened.join(', ')} is not a literal (interpolated?); counted as every address or port`,
          'check with `docker compose config`, and ingest its output (`docker compose config --format json`) instead',
        ),
      );
    }
    seen.delete(portKey(parsed.entry));
    seen.set(portKey(parsed.entry), { entry: parsed.entry, origin });
  }
  return [...seen.values()];
}

interface ContainerPort {
  readonly port: number;
  readonly protocol: Protocol;
  readonly origin: Origin;
}

/** `expose` entries plus the container side of `ports`. */
function containerPorts(name: string, service: LNode, ports: readonly { entry: PortEntry; origin: Origin }[], problems: Finding[]): ContainerPort[] {
  const out = new Map<string, ContainerPort>();
  const add = (from: number, to: number, protocol: Protocol, origin: Origin) => {
    for (let p = from; p <= to; p++) {
      const key = `${p}/${protocol}`;
      if (!out.has(key)) out.set(key, { port: p, protocol, origin });
    }
  };
  const perFile = new Map<string, number>();
  for (const item of seqItems(get(service, 'expose'))) {
    const index = perFile.get(item.file) ?? 0;
    perFile.set(item.file, index + 1);
    const origin = at(item, `services.${name}.expose[${index}]`);
    const parsed = parseExpose(text(item) ?? '');
    if (!parsed) {
      problems.push(
        artifactProblem(
          'ingest.compose.unreadable-port',
          'high',
          origin,
          `${origin.key} of ${name} is not a port, a range or PORT/PROTO`,
          'write it as `3000`, `3000-3005` or `3000/udp`',
        ),
      );
      continue;
    }
    add(parsed.ports.from, parsed.ports.to, parsed.protocol, origin);
  }
  for (const { entry, origin } of ports) add(entry.containerPorts.from, entry.containerPorts.to, entry.protocol, origin);
  return [...out.values()];
}

function environment(service: LNode): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of mapEntries(get(service, 'environment'))) {
    // `- NAME` or `NAME:` without a value: compose takes it from the shell; keep the reference.
    const value = text(v);
    env[k] = value === undefined ? `\${${k}}` : keptValue(k, value);
  }
  return env;
}

function aliases(name: string, service: LNode): string[] {
  const out = new Set<string>([name]);
  for (const key of ['hostname', 'container_name']) {
    const v = text(get(service, key));
    if (v) out.add(v);
  }
  for (const [, net] of mapEntries(get(service, 'networks'))) for (const a of seqItems(get(net, 'aliases'))) if (text(a)) out.add(text(a) as string);
  return [...out];
}

/**
 * Reads one service. `addressesOf` gives another service's static addresses
 * (for `network_mode: service:NAME`, which shares that service's network stack).
 */
export function readService(
  name: string,
  service: LNode,
  addressesOf: (other: string) => string[] | undefined,
  written?: { file: string; line: number },
): ServiceRead {
  const problems: Finding[] = [];
  const origin: Origin = { ...(written ?? { file: service.file, line: service.line }), key: `services.${name}` };
  const addresses = staticAddresses(service);
  const image = text(get(service, 'image'));
  const facts: ServiceFacts = {
    name,
    ...(image === undefined ? {} : { image }),
    addresses,
    aliases: aliases(name, service),
    env: environment(service),
    origin,
  };
  const ports = portEntries(name, service, problems);
  const listened = containerPorts(name, service, ports, problems);
  const modeNode = get(service, 'network_mode');
  const mode = text(modeNode) ?? '';
  const bindings: Binding[] = [];
  const listeners: Listener[] = [];
  if (mode === 'host') {
    // The container shares the host's network stack: its sockets are host sockets,
    // and Docker ignores `ports` ("port-mapping does not take effect ... Published
    // ports are discarded when using host network mode", docker/docs
    // content/manuals/engine/network/drivers/host.md).
    for (const p of listened)
      for (const address of ['0.0.0.0', '::']) listeners.push({ kind: 'host', owner: name, address, port: p.port, protocol: p.protocol, origin: p.origin });
    if (listened.length === 0) {
      const where = modeNode ? at(modeNode, `services.${name}.network_mode`) : origin;
      problems.push(
        artifactProblem(
          'ingest.compose.host-network',
          'high',
          where,
          `${name} runs with network_mode: host and no known ports: any port it opens is a host socket on every address (unknown: all ports)`,
          `give ${name} its own network and publish only what it must serve, or list its ports under \`expose\` so the proof can check them`,
        ),
      );
    }
    return { bindings, listeners, facts, problems };
  }
  if (mode === 'none') return { bindings, listeners, facts, problems };
  const shared = mode.startsWith('service:') ? addressesOf(mode.slice('service:'.length)) : undefined;
  const listenAt = shared ?? addresses;
  const containerAddress = addresses.find((a) => !a.includes(':'));
  for (const { entry, origin: o } of ports) {
    bindings.push({
      service: name,
      hostAddress: entry.hostAddress,
      hostPorts: entry.hostPorts,
      ...(containerAddress === undefined ? {} : { containerAddress }),
      containerPort: entry.containerPorts.from,
      protocol: entry.protocol,
      origin: o,
    });
  }
  // No static address: '' means "on the platform network, address unknown".
  for (const address of listenAt.length > 0 ? listenAt : ['']) {
    for (const p of listened) listeners.push({ kind: 'container', owner: name, address, port: p.port, protocol: p.protocol, origin: p.origin });
  }
  return { bindings, listeners, facts, problems };
}
