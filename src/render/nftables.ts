// firewall/nftables.conf: the host's INPUT policy, in moat's own `inet moat`
// table. It guards host sockets only (sshd, tailscaled, a userland-proxied
// gateway); container ports are filtered in DOCKER-USER (docker-user.ts),
// because Docker DNATs them in prerouting and they never traverse INPUT.
import type { Platform } from '../model/types.js';
import { adminCidr, adminCidrWarningLines } from './firewall-model.js';
import { generatedHeader, type RenderResult, type Renderer } from './types.js';

export const NFTABLES_PATH = 'firewall/nftables.conf';
export const NFT_TABLE = 'moat';

/** Rate for ICMP/ICMPv6 errors and echo: enough for PMTU discovery and ping, too little to flood. */
const ICMP_LIMIT = 'limit rate 10/second burst 20 packets';

function quote(name: string): string {
  return JSON.stringify(name);
}

export function nftablesConf(platform: Platform): string {
  const { host, gateway } = platform;
  const admin = adminCidr(platform);
  const adminSet = admin.family === 4 ? 'admin_v4' : 'admin_v6';
  const addrType = admin.family === 4 ? 'ipv4_addr' : 'ipv6_addr';
  const saddr = admin.family === 4 ? 'ip saddr' : 'ip6 saddr';
  const pub = quote(host.publicInterface);
  const ts = quote(host.tailscale.interface);
  const lines = [
    generatedHeader('#'),
    '#',
    `# Host firewall for ${platform.project}: INPUT only, default drop. Apply with \`nft -f ${NFTABLES_PATH}\`.`,
    '# The file never flushes the ruleset: Docker (iptables-nft) and tailscaled keep their own',
    '# tables. The first two statements create-then-delete `inet moat`, so the definition below',
    '# replaces moat\'s table in one transaction whether or not it existed (idempotent, atomic).',
    ...adminCidrWarningLines(platform, '#'),
    '',
    `table inet ${NFT_TABLE} {}`,
    `delete table inet ${NFT_TABLE}`,
    '',
    `table inet ${NFT_TABLE} {`,
    `\t# The admin's address (IPv${admin.family}): the only source that may reach sshd.`,
    `\tset ${adminSet} {`,
    `\t\ttype ${addrType}`,
    '\t\tflags interval',
    `\t\telements = { ${admin.cidr} }`,
    '\t}',
    '',
    '\tchain input {',
    '\t\ttype filter hook input priority filter; policy drop;',
    '',
    '\t\tiif "lo" accept comment "loopback"',
    '\t\tct state established,related accept comment "replies to the host\'s own connections"',
    '\t\t# Neighbour discovery is untracked by conntrack and must never be rate-limited or IPv6 breaks;',
    '\t\t# hop limit 255 proves it came from the link (RFC 4861).',
    '\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } ip6 hoplimit 255 accept comment "ipv6 neighbour discovery"',
    '\t\t# DHCPv6 replies come from a link-local server to our link-local address, not as conntrack replies.',
    '\t\tip6 saddr fe80::/10 ip6 daddr fe80::/10 udp sport 547 udp dport 546 accept comment "dhcpv6 client (link-local only)"',
    '\t\tct state invalid drop comment "invalid"',
    `\t\t${saddr} @${adminSet} tcp dport ${host.sshPort} accept comment "ssh from the admin CIDR"`,
    '\t\t# Tailscale WireGuard direct paths. Optional for Tailscale (it falls back to DERP relays);',
    '\t\t# kept open because the reference requires it.',
    `\t\tiifname ${pub} udp dport ${host.tailscale.udpPort} accept comment "tailscale wireguard"`,
    '\t\t# The gateway normally reaches its container through Docker\'s DNAT (FORWARD, DOCKER-USER);',
    '\t\t# this rule covers the userland proxy path, and only from the tailnet interface.',
    `\t\tiifname ${ts} tcp dport ${gateway.listenPort} accept comment "gateway, tailnet only"`,
    `\t\ticmp type { echo-request, destination-unreachable, time-exceeded, parameter-problem } ${ICMP_LIMIT} accept comment "icmp, rate-limited"`,
    `\t\ticmpv6 type { echo-request, destination-unreachable, packet-too-big, time-exceeded, parameter-problem } ${ICMP_LIMIT} accept comment "icmpv6, rate-limited"`,
    '\t\t# Counted, not logged: every internet scan would otherwise flood the journal.',
    '\t\tcounter drop comment "default drop"',
    '\t}',
    '',
    '\t# No forward chain on purpose. A drop in any base chain is final across tables, so a forward',
    '\t# policy here would break the container traffic Docker routes in its own tables. Published',
    '\t# container ports are filtered in DOCKER-USER instead (firewall/docker-user.sh).',
    '}',
    '',
  ];
  return lines.join('\n');
}

// A world-wide admin CIDR is reported once, by the cloud renderers; here it is a comment.
export const renderNftables: Renderer = (platform): RenderResult => ({
  files: [{ path: NFTABLES_PATH, content: nftablesConf(platform) }],
  warnings: [],
});
