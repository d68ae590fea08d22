// A Tailscale policy file (HuJSON) → the tailnet layer: `grants` (src, dst,
// ip), legacy `acls` (action accept, src/users, dst/ports "target:ports",
// proto), `groups`, `tagOwners`, and `hosts` aliases (a destination or source
// that names an alias gets the aliased address beside it). Syntax:
// https://tailscale.com/kb/1337/policy-syntax and
// https://tailscale.com/kb/1538/grants-syntax. `tests`/`sshTests` assert,
// they grant nothing; `ssh` rules are Tailscale SSH's and not read here.
//
// Soundness: the policy only allows, so a grant moat cannot read becomes
// "everyone to everything on every port", and a port entry it cannot read
// becomes every port. ICMP and other non-TCP/UDP entries grant no port and are
// left out. A port without a protocol (`"443"`, `"8000-8010"`) is read as
// every protocol, the widest meaning it can have.
import type { Origin, PortRange, TailnetGrant } from '../analyze/state.js';
import type { Finding, Severity } from '../model/findings.js';
import { describe, field, items, type LNode, parseJsonc, text } from './cloud-tree.js';
import { type Artifact, artifactProblem, type Ingester, type IngestResult } from './types.js';

export const TAILNET_FINDING_DOCS = [
  {
    code: 'ingest.tailnet.syntax',
    title: 'Tailscale policy does not parse',
    help: 'The policy file is not valid HuJSON (JSON with comments and trailing commas) at this line. Tailscale would refuse it; the proof counts one grant there as everyone to everything until it parses.',
    severity: 'high',
  },
  {
    code: 'ingest.tailnet.unreadable-grant',
    title: 'Grant or ACL not understood',
    help: 'A grant or ACL entry has a shape moat cannot read (not an object, src or dst not a list of strings). The proof counts it as everyone to everything on every port; fix it or check it by hand.',
    severity: 'medium',
  },
  {
    code: 'ingest.tailnet.unreadable-port',
    title: 'Grant port not understood',
    help: 'A port entry of a grant (`ip`) or ACL destination is not in a form moat reads (`*`, `tcp:443`, `udp:41641`, `8000-8010`, `tcp:*`). The proof counts it as every port of every protocol.',
    severity: 'low',
  },
] as const satisfies readonly { code: string; title: string; help: string; severity: Severity }[];

interface Ctx {
  readonly file: string;
  readonly grants: TailnetGrant[];
  readonly problems: Finding[];
  readonly hosts: Readonly<Record<string, string>>;
}

type PortSpec = { readonly protocol: TailnetGrant['protocol']; readonly ports?: PortRange } | 'none' | 'bad';

/** Names of protocols that are neither TCP nor UDP (IANA names the policy accepts); an unknown name widens instead. */
const OTHER_PROTOCOLS = new Set(['icmp', 'ipv6-icmp', 'icmpv6', 'igmp', 'ipv4', 'ip-in-ip', 'egp', 'igp', 'gre', 'esp', 'ah', 'sctp']);

const PROTOCOLS: Readonly<Record<string, 'tcp' | 'udp'>> = { tcp: 'tcp', '6': 'tcp', udp: 'udp', '17': 'udp' };

function portRange(t: string): PortRange | undefined | 'bad' {
  if (t === '*') return undefined;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(t);
  if (!m) return 'bad';
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from > 65535 || to > 65535 || to < from) return 'bad';
  return { from, to };
}

/** One port list (`22`, `22,80`, `8000-8010`, `*`) for a protocol. */
function portList(protocol: TailnetGrant['protocol'], list: string): PortSpec[] {
  return list.split(',').map((p): PortSpec => {
    const range = portRange(p.trim());
    if (range === 'bad') return 'bad';
    return range === undefined ? { protocol } : { protocol, ports: range };
  });
}

/** A grant's `ip` entry: `*`, `tcp:443`, `udp:*`, `8000-8010`, `icmp:*`. */
export function parseIpEntry(entry: string): PortSpec[] {
  const t = entry.trim().toLowerCase();
  if (t === '*') return [{ protocol: 'any' }];
  const colon = t.indexOf(':');
  if (colon < 0) return portList('any', t);
  const proto = t.slice(0, colon);
  const protocol = PROTOCOLS[proto];
  if (protocol === undefined) return OTHER_PROTOCOLS.has(proto) || /^\d{1,3}$/.test(proto) ? ['none'] : ['bad'];
  return portList(protocol, t.slice(colon + 1));
}

function strings(node: LNode | undefined): string[] | undefined {
  if (node?.kind !== 'array') return undefined;
  const out: string[] = [];
  for (const item of node.items) {
    const t = text(item);
    if (t === undefined) return undefined;
    out.push(t);
  }
  return out;
}

function withAliases(ctx: Ctx, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    if (!out.includes(n)) out.push(n);
    const address = Object.hasOwn(ctx.hosts, n) ? ctx.hosts[n] : undefined;
    if (address !== undefined && !out.includes(address)) out.push(address);
  }
  return out;
}

function everything(origin: Origin): TailnetGrant {
  return { sources: ['*'], destinations: ['*'], protocol: 'any', origin };
}

function unreadableGrant(ctx: Ctx, node: LNode, what: string): void {
  const origin = { file: ctx.file, line: node.line };
  ctx.grants.push(everything(origin));
  ctx.problems.push(
    artifactProblem(
      'ingest.tailnet.unreadable-grant',
      'medium',
      origin,
      `${ctx.file}:${node.line}: ${what} is not understood; counted as everyone to everything`,
      'write src and dst as lists of strings, and ip as a list of port entries',
    ),
  );
}

function addSpecs(ctx: Ctx, specs: readonly PortSpec[], base: Omit<TailnetGrant, 'protocol' | 'ports'>, words: string): void {
  for (const spec of specs) {
    if (spec === 'none') continue;
    if (spec === 'bad') {
      ctx.grants.push({ ...base, protocol: 'any' });
      ctx.problems.push(
        artifactProblem(
          'ingest.tailnet.unreadable-port',
          'low',
          base.origin,
          `${ctx.file}:${base.origin.line}: port entry ${JSON.stringify(words)} is not understood; counted as every port`,
          'write it as *, tcp:PORT, udp:PORT, PORT-PORT or tcp:*',
        ),
      );
      continue;
    }
    ctx.grants.push({ ...base, protocol: spec.protocol, ...(spec.ports === undefined ? {} : { ports: spec.ports }) });
  }
}

function grant(ctx: Ctx, g: LNode, key: string): void {
  if (g.kind !== 'object') return unreadableGrant(ctx, g, `grant ${describe(g)}`);
  const src = strings(field(g, 'src'));
  const dst = strings(field(g, 'dst'));
  const ip = field(g, 'ip');
  if (src === undefined || dst === undefined) return unreadableGrant(ctx, g, `grant ${describe(g)}`);
  // A grant with only `app` capabilities opens no network port.
  if (ip === undefined) return;
  if (ip.kind !== 'array') return unreadableGrant(ctx, g, `grant ip ${describe(ip)}`);
  ip.items.forEach((item, i) => {
    const base = { sources: withAliases(ctx, src), destinations: withAliases(ctx, dst), origin: { file: ctx.file, line: item.line, key: `${key}.ip[${i}]` } };
    const t = text(item);
    addSpecs(ctx, t === undefined ? ['bad'] : parseIpEntry(t), base, t ?? describe(item));
  });
}

function acl(ctx: Ctx, a: LNode, key: string): void {
  if (a.kind !== 'object') return unreadableGrant(ctx, a, `ACL ${describe(a)}`);
  const action = text(field(a, 'action'));
  if (action !== undefined && action !== 'accept') return;
  const src = strings(field(a, 'src') ?? field(a, 'users'));
  const dstNode = field(a, 'dst') ?? field(a, 'ports');
  const dst = strings(dstNode);
  if (src === undefined || dst === undefined) return unreadableGrant(ctx, a, `ACL ${describe(a)}`);
  const protoText = text(field(a, 'proto'))?.toLowerCase();
  const protocol = protoText === undefined ? 'any' : PROTOCOLS[protoText];
  // An ACL for another protocol (icmp, sctp...) opens no TCP or UDP port.
  if (protocol === undefined) return;
  items(dstNode).forEach((item, i) => {
    const words = dst[i] ?? '';
    const colon = words.lastIndexOf(':');
    const target = colon < 0 ? words : words.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
    const base = {
      sources: withAliases(ctx, src),
      destinations: withAliases(ctx, [target]),
      origin: { file: ctx.file, line: item.line, key: `${key}.dst[${i}]` },
    };
    addSpecs(ctx, colon < 0 ? ['bad'] : portList(protocol, words.slice(colon + 1)), base, words);
  });
}

/** Sets an own property even for a hostile key (`__proto__` would otherwise replace the prototype). */
function own<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function record(node: LNode | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (node?.kind !== 'object') return out;
  for (const e of node.entries)
    own(
      out,
      e.key,
      items(e.value).map((i) => text(i) ?? describe(i)),
    );
  return out;
}

export function ingestTailscalePolicy(artifact: Artifact): IngestResult {
  const file = artifact.file;
  const problems: Finding[] = [];
  const grants: TailnetGrant[] = [];
  let origin: Origin = { file, line: 1 };
  let groups: Record<string, string[]> = {};
  let tagOwners: Record<string, string[]> = {};
  try {
    const parsed = parseJsonc(artifact.text);
    for (const e of parsed.errors.slice(0, 1)) {
      const at = { file, line: e.line };
      problems.push(
        artifactProblem(
          'ingest.tailnet.syntax',
          'high',
          at,
          `${file}:${e.line}: not valid HuJSON (${e.message})`,
          'fix the syntax (Tailscale refuses the file as it is); until then moat counts it as everyone to everything',
        ),
      );
      grants.push(everything(at));
    }
    const root = parsed.root;
    if (root) origin = { file, line: root.line };
    const hosts: Record<string, string> = {};
    const hostsNode = field(root, 'hosts');
    if (hostsNode?.kind === 'object')
      for (const e of hostsNode.entries) {
        const address = text(e.value);
        if (address !== undefined) own(hosts, e.key, address);
      }
    const ctx: Ctx = { file, grants, problems, hosts };
    groups = record(field(root, 'groups'));
    tagOwners = record(field(root, 'tagOwners'));
    const grantList = field(root, 'grants');
    if (grantList !== undefined && grantList.kind !== 'array') unreadableGrant(ctx, grantList, `grants ${describe(grantList)}`);
    items(grantList).forEach((g, i) => grant(ctx, g, `grants[${i}]`));
    const aclList = field(root, 'acls');
    if (aclList !== undefined && aclList.kind !== 'array') unreadableGrant(ctx, aclList, `acls ${describe(aclList)}`);
    items(aclList).forEach((a, i) => acl(ctx, a, `acls[${i}]`));
    if (root !== undefined && root.kind !== 'object') unreadableGrant(ctx, root, 'the policy (not an object)');
  } catch (error) {
    grants.push(everything(origin));
    problems.push(
      artifactProblem(
        'ingest.tailnet.unreadable-grant',
        'medium',
        origin,
        `${file}:1: the policy could not be read (${error instanceof Error ? error.message : String(error)})`,
        'check the file by hand',
      ),
    );
  }
  return { kind: 'tailscale-policy', fragment: { tailnet: { grants, tagOwners, groups, origin } }, problems };
}

export const tailscalePolicyIngester: Ingester = {
  kind: 'tailscale-policy',
  detect: (artifact) => {
    if (!/"(grants|acls|tagOwners|ssh|groups|hosts|nodeAttrs)"\s*:/.test(artifact.text) || /"(SecurityGroups|IpPermissions|nftables)"\s*:/.test(artifact.text))
      return false;
    return /^\s*(\/\/[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*\{/.test(artifact.text);
  },
  ingest: (artifact) => ingestTailscalePolicy(artifact),
};
