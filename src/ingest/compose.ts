// Compose files (compose-spec, and the JSON `docker compose config --format
// json` prints) into the publishing and sockets layers and the service facts.
// Several files of one project merge the way `docker compose -f a -f b` does
// (compose-merge.ts). `env_file`s are never read: they hold secrets.
import type { Binding, Listener, ServiceFacts } from '../analyze/state.js';
import type { Finding } from '../model/findings.js';
import { mergeNode, mergeProject, normalize } from './compose-merge.js';
import { readService, staticAddresses } from './compose-service.js';
import { COMPOSE_YAML_FINDING_DOCS, get, keyOrigin, type LNode, mapEntries, parseLocated, seqItems, text } from './compose-yaml.js';
import { type Artifact, artifactProblem, type IngestContext, type Ingester, type IngestResult, type StateFragment } from './types.js';

export const COMPOSE_FINDING_DOCS = [
  ...COMPOSE_YAML_FINDING_DOCS,
  {
    code: 'ingest.compose.not-compose',
    title: 'The file has no `services` mapping',
    help: 'A compose file lists its containers under a top-level `services` mapping. This file has none, so it says nothing about publications or sockets; pass the compose file itself (or `docker compose config --format json`).',
    severity: 'medium',
  },
  {
    code: 'ingest.compose.unreadable-port',
    title: 'A port entry cannot be read',
    help: 'A `ports` or `expose` entry is neither the short syntax `[HOST_IP:]HOST[-END]:CONTAINER[-END][/PROTO]` nor the long syntax (target, published, host_ip, protocol), or names a protocol other than tcp and udp. A publication moat cannot read may expose anything, so the proof cannot be trusted until it is fixed.',
    severity: 'high',
  },
  {
    code: 'ingest.compose.unresolved-port',
    title: 'A port entry is interpolated',
    help: 'The host address or host port of a `ports` entry is not a literal (`${BIND_IP}:5432:5432`). moat counts it as every address or every port. Ingest the output of `docker compose config --format json`, where compose has resolved the variables.',
    severity: 'medium',
  },
  {
    code: 'ingest.compose.host-network',
    title: 'A service shares the host network and its ports are unknown',
    help: 'With `network_mode: host` a container has no network of its own: every socket it opens is a host socket on every address, and `ports` are ignored. The file lists no port for it (`expose` or `ports`), so any port may be open: the analyzer counts it as all ports. Give the service its own network, or list its ports.',
    severity: 'high',
  },
  {
    code: 'ingest.compose.too-large',
    title: 'The project declares too many sockets',
    help: 'The services expose so many ports at so many addresses that moat stops reading (a bound against hostile files). The services after the one named are unknown, so the proof cannot be trusted; narrow the `expose` ranges.',
    severity: 'high',
  },
  {
    code: 'ingest.compose.unfollowed-reference',
    title: 'A file the compose file refers to was not read',
    help: 'An `extends` with a `file`, or a top-level `include`, names another compose file that was not given or could not be read. What that file defines is unknown; pass it too (or ingest `docker compose config --format json`, which has it merged in).',
    severity: 'medium',
  },
] as const;

/** Whether the text is a compose file: a top-level `services` mapping of mappings. */
function detect(artifact: Artifact): boolean {
  if (!artifact.text.includes('services')) return false;
  try {
    const { root, problems } = parseLocated(artifact);
    // A compose file with a syntax error is still claimed, so its error is reported, not skipped.
    if (root === undefined && problems.some((p) => p.code === 'ingest.yaml.syntax')) return /^services:\s*(#.*)?$/m.test(artifact.text);
    const services = get(root, 'services');
    if (services?.kind !== 'map') return false;
    // CloudFormation and Kubernetes manifests do not have `services` at the top; a
    // compose file's services are mappings (or empty).
    return mapEntries(services).every(([, s]) => s.kind === 'map' || (s.kind === 'scalar' && s.value === null));
  } catch {
    return false;
  }
}

export const composeIngester: Ingester = {
  kind: 'compose',
  detect,
  ingest: (artifact, context) => ingestComposeProject([artifact], context),
};

const MAX_EXTENDS_DEPTH = 10;
/** Listening sockets one project may declare (a `1-65535` expose on a few networks is far below). */
const MAX_LISTENERS = 2_000_000;

/** Resolves `extends` (same file, or a `file` the context can read), base first, the service's own keys last. */
function resolveExtends(name: string, service: LNode, services: LNode | undefined, from: Artifact, ctx: IngestContext, problems: Finding[], depth = 0): LNode {
  const ext = get(service, 'extends');
  if (ext === undefined || depth >= MAX_EXTENDS_DEPTH) return service;
  const baseName = text(ext) ?? text(get(ext, 'service'));
  const file = text(get(ext, 'file'));
  let pool = services;
  let poolArtifact = from;
  if (file !== undefined) {
    const other = ctx.readFile?.(file, from);
    const parsed = other ? parseLocated(other) : undefined;
    if (!other || !parsed?.root) {
      problems.push(
        artifactProblem(
          'ingest.compose.unfollowed-reference',
          'medium',
          { file: ext.file, line: ext.line, key: `services.${name}.extends` },
          `${name} extends ${baseName ?? '?'} from ${file}, which moat could not read; what it adds is unknown`,
          `pass ${file} too, or ingest \`docker compose config --format json\``,
        ),
      );
      return service;
    }
    problems.push(...parsed.problems);
    pool = get(normalize(parsed.root), 'services');
    poolArtifact = other;
  }
  const base = baseName === undefined ? undefined : get(pool, baseName);
  if (base === undefined || base === service) return service;
  const resolvedBase = resolveExtends(baseName as string, base, pool, poolArtifact, ctx, problems, depth + 1);
  const own: LNode = service.kind === 'map' ? { ...service, entries: new Map([...service.entries].filter(([k]) => k !== 'extends')) } : service;
  return mergeNode(resolvedBase, own, ['services', name]) ?? service;
}

/** Top-level networks: their subnets and bridge names, for the host facts. */
function hostFacts(root: LNode): StateFragment['host'] {
  const subnets: string[] = [];
  const bridges: string[] = [];
  for (const [, net] of mapEntries(get(root, 'networks'))) {
    for (const c of seqItems(get(get(net, 'ipam'), 'config'))) {
      const s = text(get(c, 'subnet'));
      if (s) subnets.push(s);
    }
    // Docker names a network's bridge br-<id> unless the driver option sets it (moby libnetwork drivers/bridge).
    const bridge = text(get(get(net, 'driver_opts'), 'com.docker.network.bridge.name'));
    const driver = text(get(net, 'driver')) ?? 'bridge';
    if (bridge) bridges.push(bridge);
    else if (driver === 'bridge' && text(get(net, 'external')) !== 'true') bridges.push('br-*');
  }
  // A service with neither networks nor a network_mode is on the project's `default` bridge network.
  const onDefault = mapEntries(get(root, 'services')).some(([, svc]) => get(svc, 'networks') === undefined && get(svc, 'network_mode') === undefined);
  if (onDefault && get(get(root, 'networks'), 'default') === undefined) bridges.push('br-*');
  if (subnets.length === 0 && bridges.length === 0) return undefined;
  return { platformSubnets: subnets, platformInterfaces: [...new Set(bridges)] };
}

/** The files of one compose project (`-f a -f b`, first to last) as one fragment. */
export function ingestComposeProject(artifacts: readonly Artifact[], context: IngestContext): IngestResult {
  const problems: Finding[] = [];
  const roots: LNode[] = [];
  for (const artifact of artifacts) {
    const parsed = parseLocated(artifact);
    problems.push(...parsed.problems);
    if (!parsed.root) continue;
    if (get(parsed.root, 'services')?.kind !== 'map') {
      if (parsed.problems.length === 0) {
        problems.push(
          artifactProblem(
            'ingest.compose.not-compose',
            'medium',
            { file: artifact.file, line: parsed.root.line },
            `${artifact.file} has no \`services\` mapping, so it says nothing about containers`,
            'pass the compose file itself, or the output of `docker compose config --format json`',
          ),
        );
      }
      continue;
    }
    const include = get(parsed.root, 'include');
    if (include !== undefined) {
      problems.push(
        artifactProblem(
          'ingest.compose.unfollowed-reference',
          'medium',
          { file: include.file, line: include.line, key: 'include' },
          `${artifact.file} includes other compose files, which moat does not follow; what they define is unknown`,
          'pass the included files too, or ingest `docker compose config --format json`',
        ),
      );
    }
    roots.push(parsed.root);
  }
  const root = mergeProject(roots);
  const services = get(root, 'services');
  const first = artifacts[0] ?? { file: '<none>', text: '' };
  const resolved = new Map<string, LNode>();
  for (const [name, service] of mapEntries(services)) {
    if (service.kind !== 'map') continue;
    const from = artifacts.find((a) => a.file === service.file) ?? first;
    resolved.set(name, resolveExtends(name, service, services, from, context, problems));
  }
  const bindings: Binding[] = [];
  const listeners: Listener[] = [];
  const facts: ServiceFacts[] = [];
  const addressesOf = (other: string) => {
    const s = resolved.get(other);
    return s === undefined ? undefined : staticAddresses(s);
  };
  for (const [name, service] of resolved) {
    if (listeners.length > MAX_LISTENERS) {
      problems.push(
        artifactProblem(
          'ingest.compose.too-large',
          'high',
          { file: service.file, line: service.line, key: `services.${name}` },
          `the project declares more than ${MAX_LISTENERS} listening sockets; moat stops reading at ${name}, and what follows is unknown`,
          'expose port ranges only as wide as the services need',
        ),
      );
      break;
    }
    const read = readService(name, service, addressesOf, keyOrigin(services, name));
    // Loops, not push(...xs): a service may have 131070 sockets, beyond spread's argument limit.
    for (const b of read.bindings) bindings.push(b);
    for (const l of read.listeners) listeners.push(l);
    facts.push(read.facts);
    for (const p of read.problems) problems.push(p);
  }
  const host = root === undefined ? undefined : hostFacts(root);
  const fragment: StateFragment = roots.length === 0 ? {} : { publishing: bindings, sockets: listeners, services: facts, ...(host ? { host } : {}) };
  return { kind: 'compose', fragment, problems };
}
