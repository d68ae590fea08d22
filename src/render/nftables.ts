// firewall/nftables.json: the host's INPUT policy, in moat's own `inet moat`
// table, as the JSON command batch `nft -j -f` applies in one transaction
// (libnftables-json(5); accepted by Debian bookworm's nft 1.0.6). JSON is what
// `nft -j list ruleset` prints too, so the proof reads the rendered file and a
// live host with the same ingester (src/ingest/nftables.ts).
// It guards host sockets only (sshd, tailscaled, a userland-proxied gateway);
// container ports are filtered in DOCKER-USER (docker-user.ts), because
// Docker DNATs them in prerouting and they never traverse INPUT.
import type { Platform } from '../model/types.js';
import { adminCidr, assertAddress, assertInterfaceName, type Family, gatewayPublications } from './firewall-model.js';
import { generatedHeader, type RenderedFile, type Renderer, type RenderResult } from './types.js';

export const NFTABLES_PATH = 'firewall/nftables.json';
export const NFT_TABLE = 'moat';

/** Until src/render/types.ts carries it: the model path each rendered line comes from. */
export type SourceMap = readonly { readonly line: number; readonly path: string }[];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const T = { family: 'inet', table: NFT_TABLE } as const;

const match = (left: Json, right: Json, op = '=='): Json => ({ match: { op, left, right } });
const payload = (protocol: string, field: string): Json => ({ payload: { protocol, field } });
const meta = (key: string): Json => ({ meta: { key } });
const anySet = (values: readonly Json[]): Json => (values.length === 1 ? values[0]! : { set: [...values] });
const prefix = (cidr: string): Json => {
  const [addr, len] = cidr.split('/');
  return { prefix: { addr: addr!, len: Number(len) } };
};
/** ICMP errors and echo: enough for PMTU discovery and ping, too little to flood. */
const ICMP_LIMIT: Json = { limit: { rate: 10, burst: 20, per: 'second' } };

interface Rule {
  readonly comment: string;
  readonly expr: Json[];
  /** Model paths the rule comes from. */
  readonly paths: readonly string[];
}

function rules(platform: Platform): Rule[] {
  const { host } = platform;
  const admin = adminCidr(platform);
  const ip: Family = admin.family;
  // JSON quotes everything, but a `*` in a name would be an nft wildcard: names are checked like everywhere else.
  assertInterfaceName(host.publicInterface, 'host.publicInterface');
  assertInterfaceName(host.tailscale.interface, 'host.tailscale.interface');
  assertAddress(admin.cidr, 'host.adminCidr', admin.family);
  const gateway = gatewayPublications(platform);
  const out: Rule[] = [
    { comment: 'loopback', expr: [match(meta('iif'), 'lo'), { accept: null }], paths: [] },
    {
      comment: "replies to the host's own connections",
      expr: [match({ ct: { key: 'state' } }, ['established', 'related'], 'in'), { accept: null }],
      paths: [],
    },
    // Neighbour discovery is untracked by conntrack and must never be rate-limited or IPv6 breaks;
    // hop limit 255 proves it came from the link (RFC 4861 section 7.1.1).
    {
      comment: 'ipv6 neighbour discovery',
      expr: [
        match(payload('icmpv6', 'type'), { set: ['nd-neighbor-solicit', 'nd-neighbor-advert', 'nd-router-solicit', 'nd-router-advert'] }),
        match(payload('ip6', 'hoplimit'), 255),
        { accept: null },
      ],
      paths: [],
    },
    // DHCPv6 replies come from a link-local server to our link-local address, not as conntrack replies.
    {
      comment: 'dhcpv6 client (link-local only)',
      expr: [
        match(payload('ip6', 'saddr'), prefix('fe80::/10')),
        match(payload('ip6', 'daddr'), prefix('fe80::/10')),
        match(payload('udp', 'sport'), 547),
        match(payload('udp', 'dport'), 546),
        { accept: null },
      ],
      paths: [],
    },
    { comment: 'invalid', expr: [match({ ct: { key: 'state' } }, 'invalid', 'in'), { drop: null }], paths: [] },
    {
      comment: admin.worldWide ? `ssh from the admin CIDR: WARNING, ${admin.cidr} is the whole internet (set host.adminCidr)` : 'ssh from the admin CIDR',
      expr: [match(payload(ip === 4 ? 'ip' : 'ip6', 'saddr'), `@${adminSetName(ip)}`), match(payload('tcp', 'dport'), host.sshPort), { accept: null }],
      paths: ['host.adminCidr', 'host.sshPort'],
    },
    // Tailscale WireGuard direct paths. Optional for Tailscale (it falls back to DERP relays); kept open because the reference requires it.
    {
      comment: 'tailscale wireguard',
      expr: [match(meta('iifname'), host.publicInterface), match(payload('udp', 'dport'), host.tailscale.udpPort), { accept: null }],
      paths: ['host.tailscale.udpPort', 'host.publicInterface'],
    },
  ];
  // The gateway normally reaches its container through Docker's DNAT (FORWARD, DOCKER-USER); these rules cover
  // the userland proxy path, one element per port the gateway publishes, and only from the tailnet interface.
  for (const protocol of ['tcp', 'udp'] as const) {
    const pubs = gateway.filter((p) => p.protocol === protocol);
    if (pubs.length === 0) continue;
    const ports: Json[] = pubs.map((p) => (p.hostPortEnd === undefined || p.hostPortEnd === p.hostPort ? p.hostPort : { range: [p.hostPort, p.hostPortEnd] }));
    out.push({
      comment: 'gateway, tailnet only',
      expr: [match(meta('iifname'), host.tailscale.interface), match(payload(protocol, 'dport'), anySet(ports)), { accept: null }],
      paths: [...pubs.map((p) => p.path), 'host.tailscale.interface'],
    });
  }
  out.push(
    {
      comment: 'icmp, rate-limited',
      expr: [
        match(payload('icmp', 'type'), { set: ['echo-request', 'destination-unreachable', 'time-exceeded', 'parameter-problem'] }),
        ICMP_LIMIT,
        { accept: null },
      ],
      paths: [],
    },
    {
      comment: 'icmpv6, rate-limited',
      expr: [
        match(payload('icmpv6', 'type'), { set: ['echo-request', 'destination-unreachable', 'packet-too-big', 'time-exceeded', 'parameter-problem'] }),
        ICMP_LIMIT,
        { accept: null },
      ],
      paths: [],
    },
    // Counted, not logged: every internet scan would otherwise flood the journal.
    { comment: 'default drop', expr: [{ counter: null }, { drop: null }], paths: [] },
  );
  return out;
}

const adminSetName = (f: Family): string => (f === 4 ? 'admin_v4' : 'admin_v6');

/**
 * One command per line. The first add-then-delete makes the batch replace
 * `inet moat` whether or not it existed (idempotent, atomic), and nothing
 * else: Docker (iptables-nft) and tailscaled keep their own tables. No forward
 * chain on purpose: a drop in any base chain is final across tables, so a
 * forward policy here would break the traffic Docker routes in its own tables.
 */
export function nftablesBatch(platform: Platform): { content: string; sourceMap: SourceMap } {
  const admin = adminCidr(platform);
  const header = generatedHeader('').replace(/^\s*/, '');
  const commands: { command: Json; paths: readonly string[] }[] = [
    { command: { metainfo: { json_schema_version: 1 } }, paths: [] },
    { command: { add: { table: { family: 'inet', name: NFT_TABLE } } }, paths: [] },
    { command: { delete: { table: { family: 'inet', name: NFT_TABLE } } }, paths: [] },
    { command: { add: { table: { family: 'inet', name: NFT_TABLE, comment: header.slice(0, 128) } } }, paths: [] },
    {
      command: {
        add: {
          set: {
            ...T,
            name: adminSetName(admin.family),
            type: admin.family === 4 ? 'ipv4_addr' : 'ipv6_addr',
            flags: ['interval'],
            elem: [prefix(admin.cidr)],
          },
        },
      },
      paths: ['host.adminCidr'],
    },
    { command: { add: { chain: { ...T, name: 'input', type: 'filter', hook: 'input', prio: 0, policy: 'drop' } } }, paths: [] },
    ...rules(platform).map((r) => ({ command: { add: { rule: { ...T, chain: 'input', comment: r.comment, expr: r.expr } } } as Json, paths: r.paths })),
  ];
  const lines = ['{"nftables": ['];
  const sourceMap: { line: number; path: string }[] = [];
  commands.forEach((c, i) => {
    lines.push(`${JSON.stringify(c.command)}${i < commands.length - 1 ? ',' : ''}`);
    for (const path of c.paths) sourceMap.push({ line: lines.length, path });
  });
  lines.push(']}', '');
  return { content: lines.join('\n'), sourceMap };
}

// A world-wide admin CIDR is reported once, by the cloud renderers; here it is in the rule's comment.
export const renderNftables: Renderer = (platform): RenderResult => {
  const { content, sourceMap } = nftablesBatch(platform);
  const file: RenderedFile & { sourceMap: SourceMap } = { path: NFTABLES_PATH, content, sourceMap };
  return { files: [file], warnings: [] };
};
