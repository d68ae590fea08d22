// `docker inspect` output (a JSON array of containers) into the publishing and
// sockets layers and the service facts. Field names are the Engine API's
// ContainerInspect response (moby api/swagger.yaml, ContainerConfig,
// HostConfig, NetworkSettings; API v1.41-1.47).
//
// NetworkSettings.Ports is what the daemon bound (running containers, one
// entry per family: HostIp "0.0.0.0" and "::"); HostConfig.PortBindings is
// what was asked (HostIp "" = every address, HostPort "" = ephemeral). A port
// only PortBindings names (a stopped container) still counts: it is published
// when the container starts.
import { findNodeAtLocation, type Node, type ParseError, parseTree } from 'jsonc-parser';
import type { Binding, Listener, Origin, PortRange, ServiceFacts } from '../analyze/state.js';
import type { Finding } from '../model/findings.js';
import type { Protocol } from '../model/types.js';
import { keptValue } from './compose-env.js';
import { EPHEMERAL_HOST_PORTS, parsePortRange } from './compose-ports.js';
import { type Artifact, artifactProblem, type Ingester, type IngestResult } from './types.js';

export const DOCKER_INSPECT_FINDING_DOCS = [
  {
    code: 'ingest.docker-inspect.syntax',
    title: 'The docker inspect output does not parse',
    help: 'The file is not the JSON array `docker inspect` prints. Nothing in it is read, so publications stay unknown. Run `docker inspect $(docker ps -aq) > containers.json` again and pass that file.',
    severity: 'high',
  },
  {
    code: 'ingest.docker-inspect.unreadable-port',
    title: 'A port of a container cannot be read',
    help: 'A key of `NetworkSettings.Ports`, `HostConfig.PortBindings` or `Config.ExposedPorts` is not `PORT/PROTO` with tcp or udp, or a host port is not a number. A publication moat cannot read may expose anything.',
    severity: 'high',
  },
  {
    code: 'ingest.docker-inspect.host-network',
    title: 'A container shares the host network and its ports are unknown',
    help: 'The container runs with `NetworkMode: host`: every socket it opens is a host socket on every address. Its image declares no ports, so any port may be open; the analyzer counts it as all ports. Compare with `ss -tulpn`, or give it its own network.',
    severity: 'high',
  },
] as const;

const lineStarts = (text: string): number[] => {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
};

function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

const str = (n: Node | undefined): string | undefined => (n?.type === 'string' ? (n.value as string) : undefined);
const props = (n: Node | undefined): [string, Node][] =>
  n?.type === 'object'
    ? (n.children ?? []).flatMap((p) =>
        p.children?.[0]?.type === 'string' && p.children[1] ? [[p.children[0].value as string, p.children[1]] as [string, Node]] : [],
      )
    : [];

function detect(artifact: Artifact): boolean {
  const t = artifact.text.trim();
  if (t === '[]') return true; // `docker inspect` of no containers (moat audit --live on an empty host)
  if (!t.startsWith('[') || !t.includes('"Id"')) return false;
  try {
    const errors: ParseError[] = [];
    const root = parseTree(t, errors, { disallowComments: true });
    const first = root?.type === 'array' ? root.children?.[0] : undefined;
    // Broken JSON that still looks like docker inspect is claimed, so its error is reported, not skipped.
    if (errors.length > 0) return t.includes('"NetworkSettings"') || t.includes('"HostConfig"');
    return (
      first?.type === 'object' &&
      findNodeAtLocation(first, ['Id']) !== undefined &&
      (findNodeAtLocation(first, ['NetworkSettings']) !== undefined || findNodeAtLocation(first, ['HostConfig']) !== undefined)
    );
  } catch {
    return false;
  }
}

/** `5432/tcp` → the port and protocol; undefined for sctp and junk. */
function portKey(key: string): { port: number; protocol: Protocol } | undefined {
  const m = /^(\d{1,5})\/(tcp|udp)$/.exec(key);
  const port = Number(m?.[1]);
  return m && port >= 1 && port <= 65535 ? { port, protocol: m[2] as Protocol } : undefined;
}

interface Ctx {
  readonly file: string;
  readonly starts: readonly number[];
  readonly problems: Finding[];
}

const origin = (c: Ctx, n: Node, key: string): Origin => ({ file: c.file, line: lineAt(c.starts, n.offset), key });

function hostPorts(raw: string): PortRange | undefined {
  return raw === '' || raw === '0' ? EPHEMERAL_HOST_PORTS : parsePortRange(raw);
}

function readContainer(c: Ctx, node: Node, index: number, out: { bindings: Binding[]; listeners: Listener[]; services: ServiceFacts[] }): void {
  const at = (n: Node, key: string) => origin(c, n, `[${index}].${key}`);
  const labels = findNodeAtLocation(node, ['Config', 'Labels']);
  const composeService = str(labels && findNodeAtLocation(labels, ['com.docker.compose.service']));
  const containerName = (str(findNodeAtLocation(node, ['Name'])) ?? '').replace(/^\//, '');
  const id = str(findNodeAtLocation(node, ['Id'])) ?? `container ${index}`;
  const name = composeService ?? (containerName || id.slice(0, 12));
  const networks = props(findNodeAtLocation(node, ['NetworkSettings', 'Networks']));
  const addresses = networks.flatMap(([, n]) => ['IPAddress', 'GlobalIPv6Address'].map((k) => str(findNodeAtLocation(n, [k])) ?? '')).filter((a) => a !== '');
  const aliases = new Set<string>([name]);
  if (containerName) aliases.add(containerName);
  const hostname = str(findNodeAtLocation(node, ['Config', 'Hostname']));
  if (hostname) aliases.add(hostname);
  for (const [, n] of networks)
    for (const key of ['Aliases', 'DNSNames']) for (const a of findNodeAtLocation(n, [key])?.children ?? []) if (str(a)) aliases.add(str(a) as string);
  const env: Record<string, string> = {};
  for (const e of findNodeAtLocation(node, ['Config', 'Env'])?.children ?? []) {
    const raw = str(e);
    if (raw === undefined) continue;
    const eq = raw.indexOf('=');
    const k = eq < 0 ? raw : raw.slice(0, eq);
    env[k] = keptValue(k, eq < 0 ? '' : raw.slice(eq + 1));
  }
  const image = str(findNodeAtLocation(node, ['Config', 'Image']));
  out.services.push({ name, ...(image ? { image } : {}), addresses, aliases: [...aliases], env, origin: at(findNodeAtLocation(node, ['Id']) ?? node, 'Id') });

  const listened = new Map<string, { port: number; protocol: Protocol; origin: Origin }>();
  const unreadable = (n: Node, key: string, what: string) =>
    c.problems.push(
      artifactProblem(
        'ingest.docker-inspect.unreadable-port',
        'high',
        at(n, key),
        `${name}: ${what} cannot be read`,
        'pass the unedited output of `docker inspect`',
      ),
    );
  const published = new Set<string>();
  const bind = (section: 'NetworkSettings.Ports' | 'HostConfig.PortBindings') => {
    const path = section.split('.');
    for (const [key, list] of props(findNodeAtLocation(node, path))) {
      const p = portKey(key);
      if (!p) {
        unreadable(list, `${section}["${key}"]`, `port ${key}`);
        continue;
      }
      if (!listened.has(key)) listened.set(key, { ...p, origin: at(list, `${section}["${key}"]`) });
      if (section === 'HostConfig.PortBindings' && published.has(key)) continue;
      (list.children ?? []).forEach((b, i) => {
        const key2 = `${section}["${key}"][${i}]`;
        const hp = hostPorts(str(findNodeAtLocation(b, ['HostPort'])) ?? '');
        if (!hp) {
          unreadable(b, key2, `host port ${str(findNodeAtLocation(b, ['HostPort']))}`);
          return;
        }
        published.add(key);
        const hostAddress = str(findNodeAtLocation(b, ['HostIp'])) ?? '';
        const containerAddress = addresses.find((a) => !a.includes(':'));
        out.bindings.push({
          service: name,
          hostAddress,
          hostPorts: hp,
          ...(containerAddress ? { containerAddress } : {}),
          containerPort: p.port,
          protocol: p.protocol,
          origin: at(b, key2),
        });
      });
    }
  };
  const mode = str(findNodeAtLocation(node, ['HostConfig', 'NetworkMode'])) ?? '';
  for (const [key, n] of props(findNodeAtLocation(node, ['Config', 'ExposedPorts']))) {
    const p = portKey(key);
    if (!p) unreadable(n, `Config.ExposedPorts["${key}"]`, `exposed port ${key}`);
    else if (!listened.has(key)) listened.set(key, { ...p, origin: at(n, `Config.ExposedPorts["${key}"]`) });
  }
  if (mode === 'host') {
    // A host-network container's sockets are the host's; Docker ignores its port bindings.
    for (const l of listened.values())
      for (const address of ['0.0.0.0', '::']) out.listeners.push({ kind: 'host', owner: name, address, port: l.port, protocol: l.protocol, origin: l.origin });
    if (listened.size === 0) {
      const m = findNodeAtLocation(node, ['HostConfig', 'NetworkMode']) ?? node;
      c.problems.push(
        artifactProblem(
          'ingest.docker-inspect.host-network',
          'high',
          at(m, 'HostConfig.NetworkMode'),
          `${name} runs with NetworkMode host and declares no ports: any port it opens is a host socket on every address (unknown: all ports)`,
          `give ${name} its own network, or compare with \`ss -tulpn\``,
        ),
      );
    }
    return;
  }
  if (mode === 'none') return;
  bind('NetworkSettings.Ports');
  bind('HostConfig.PortBindings');
  for (const address of addresses.length > 0 ? addresses : ['']) {
    for (const l of listened.values()) out.listeners.push({ kind: 'container', owner: name, address, port: l.port, protocol: l.protocol, origin: l.origin });
  }
}

function ingest(artifact: Artifact): IngestResult {
  const problems: Finding[] = [];
  const c: Ctx = { file: artifact.file, starts: lineStarts(artifact.text), problems };
  const out = { bindings: [] as Binding[], listeners: [] as Listener[], services: [] as ServiceFacts[] };
  try {
    const errors: ParseError[] = [];
    const root = parseTree(artifact.text, errors, { disallowComments: true });
    if (errors.length > 0 || root?.type !== 'array') {
      const line = errors[0] ? lineAt(c.starts, errors[0].offset) : 1;
      problems.push(
        artifactProblem(
          'ingest.docker-inspect.syntax',
          'high',
          { file: artifact.file, line },
          `${artifact.file} is not the JSON array \`docker inspect\` prints`,
          'run `docker inspect $(docker ps -aq) > containers.json` and pass that file',
        ),
      );
      return { kind: 'docker-inspect', fragment: {}, problems };
    }
    (root.children ?? []).forEach((n, i) => {
      if (n.type === 'object') readContainer(c, n, i, out);
    });
  } catch (error) {
    problems.push(
      artifactProblem(
        'ingest.docker-inspect.syntax',
        'high',
        { file: artifact.file, line: 1 },
        `${artifact.file} could not be read: ${error instanceof Error ? error.message : String(error)}`,
        'pass the unedited output of `docker inspect`',
      ),
    );
    return { kind: 'docker-inspect', fragment: {}, problems };
  }
  return { kind: 'docker-inspect', fragment: { publishing: out.bindings, sockets: out.listeners, services: out.services }, problems };
}

export const dockerInspectIngester: Ingester = { kind: 'docker-inspect', detect, ingest };
