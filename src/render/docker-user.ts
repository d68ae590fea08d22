// firewall/docker-user.{v4,v6}.rules and firewall/docker-user.sh: the rules
// for Docker's published ports. Docker DNATs them in prerouting, so they
// bypass INPUT (moby#22054) and only FORWARD, via the DOCKER-USER chain Docker
// leaves to us, can filter them. Rules match the ORIGINAL destination
// (conntrack), because after DNAT the packet is addressed to the container.
//
// The rules are iptables-restore files, the syntax iptables-save prints, so
// the proof reads the rendered files and a live host's iptables-save with the
// same ingester (src/ingest/iptables.ts). The script only applies them.

import { isWildcardAddress } from '../model/net.js';
import type { Platform } from '../model/types.js';
import { assertAddress, assertInterfaceName, type Family, portText, tailnetPublications } from './firewall-model.js';
import type { SourceMap } from './nftables.js';
import { generatedHeader, type RenderedFile, type Renderer, type RenderResult } from './types.js';

export const DOCKER_USER_PATH = 'firewall/docker-user.sh';
export const DOCKER_USER_RULES_PATHS = { 4: 'firewall/docker-user.v4.rules', 6: 'firewall/docker-user.v6.rules' } as const;
/** File names only: the script finds them beside itself. */
const RULES_NAME = { 4: 'docker-user.v4.rules', 6: 'docker-user.v6.rules' } as const;
const TOOL = { 4: 'iptables', 6: 'ip6tables' } as const;

/** Text from the model inside a `#` comment: one line, whatever the model holds (a newline would start a rule or a command). */
const inComment = (text: string): string => text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, '?');

interface Line {
  readonly text: string;
  readonly paths?: readonly string[];
}

/** The `-A DOCKER-USER ...` rules for one family, in order, each after a comment saying why. */
export function dockerUserRules(platform: Platform, family: Family): Line[] {
  const { host } = platform;
  const pub = assertInterfaceName(host.publicInterface, 'host.publicInterface');
  const ts = assertInterfaceName(host.tailscale.interface, 'host.tailscale.interface');
  const tsAddress = family === 4 ? host.tailscale.address : host.tailscale.address6;
  const tsPath = family === 4 ? 'host.tailscale.address' : 'host.tailscale.address6';
  if (tsAddress !== undefined) assertAddress(tsAddress, tsPath, family);
  const out: Line[] = [
    { text: "# Replies to connections already allowed (containers' own outbound traffic included)." },
    { text: '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT' },
  ];
  for (const p of tailnetPublications(platform)) {
    if (!(isWildcardAddress(p.hostAddress) || p.hostAddress === tsAddress) || tsAddress === undefined) continue;
    if (p.protocol !== 'tcp' && p.protocol !== 'udp') throw new Error(`${p.path}: protocol ${JSON.stringify(p.protocol)} is not tcp or udp`);
    const port = portText(p, ':');
    const bound = isWildcardAddress(p.hostAddress) ? ` (bound to ${p.hostAddress || 'all addresses'}: only its Tailscale address is allowed)` : '';
    out.push(
      { text: inComment(`# ${p.service}: ${p.path}, ${port}/${p.protocol}${bound}`) },
      { text: `-A DOCKER-USER -i ${ts} -p ${p.protocol} -m conntrack --ctorigdst ${tsAddress} --ctorigdstport ${port} -j ACCEPT`, paths: [p.path, tsPath] },
    );
  }
  if (tsAddress === undefined) {
    out.push({ text: '# The model has no IPv6 Tailscale address (host.tailscale.address6): no IPv6 publication is allowed.' });
  }
  platform.networks.forEach((network, i) => {
    const path = `networks[${i}].subnet`;
    if (network.subnet.includes(':') !== (family === 6)) return;
    assertAddress(network.subnet, path, family);
    out.push(
      { text: `# Nothing from the internet reaches the platform network ${network.subnet} directly.` },
      { text: `-A DOCKER-USER -i ${pub} -d ${network.subnet} -j DROP`, paths: [path, 'host.publicInterface'] },
    );
  });
  out.push(
    { text: '# Any other port Docker DNATs (a network moat does not know of) stays closed to the internet.' },
    { text: `-A DOCKER-USER -i ${pub} -m conntrack --ctstate DNAT -j DROP`, paths: ['host.publicInterface'] },
    { text: "# Everything else (container to container, container to the internet) is Docker's business." },
    { text: '-A DOCKER-USER -j RETURN' },
  );
  return out;
}

/** One family's iptables-restore file, with the model path of each rule line. */
export function dockerUserRulesFile(platform: Platform, family: Family): { content: string; sourceMap: SourceMap } {
  const lines: Line[] = [
    { text: generatedHeader('#') },
    // The tool's name on this line is how src/ingest/iptables.ts tells IPv4 from IPv6 files.
    { text: `# Apply with: ${TOOL[family]}-restore --noflush ${DOCKER_USER_RULES_PATHS[family]} (firewall/docker-user.sh does).` },
    { text: inComment(`# DOCKER-USER for ${platform.project}, IPv${family}: published container ports are reachable only over`) },
    {
      text: `# ${assertInterfaceName(platform.host.tailscale.interface, 'host.tailscale.interface')}, matched on their original destination (the Tailscale address).`,
    },
    { text: '# With --noflush only DOCKER-USER is replaced: the declaration below empties it, in the same' },
    { text: '# transaction as the rules that refill it, so applying it again yields the same chain.' },
    { text: '*filter' },
    { text: ':DOCKER-USER - [0:0]' },
    ...dockerUserRules(platform, family),
    { text: 'COMMIT' },
  ];
  const sourceMap = lines.flatMap((l, i) => (l.paths ?? []).map((path) => ({ line: i + 1, path })));
  return { content: `${lines.map((l) => l.text).join('\n')}\n`, sourceMap };
}

export function dockerUserScript(platform: Platform): string {
  const lines = [
    '#!/usr/bin/env bash',
    generatedHeader('#'),
    '#',
    inComment(`# DOCKER-USER rules for ${platform.project}: applies ${RULES_NAME[4]} and ${RULES_NAME[6]}`),
    '# (iptables-restore files beside this script, or in $MOAT_FIREWALL_DIR) and makes FORWARD consult',
    '# DOCKER-USER first. Safe before Docker starts (it creates the chain and the FORWARD jump) and after',
    '# (Docker keeps DOCKER-USER and replaces, not duplicates, the jump). Each family is replaced in one',
    '# iptables-restore transaction, so running it again yields the same rules.',
    'set -euo pipefail',
    '',
    '# The iptables Docker uses (iptables-nft on current distributions); overridable for tests.',
    'IPTABLES="${IPTABLES:-iptables}"',
    'IP6TABLES="${IP6TABLES:-ip6tables}"',
    'RULES_DIR="${MOAT_FIREWALL_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"',
    '',
    '# Make FORWARD consult DOCKER-USER first, as Docker does, if nothing does yet.',
    'hook_forward() {',
    '  local tool="$1"',
    '  "$tool" -w -n -L DOCKER-USER >/dev/null 2>&1 || "$tool" -w -N DOCKER-USER',
    '  "$tool" -w -C FORWARD -j DOCKER-USER 2>/dev/null || "$tool" -w -I FORWARD 1 -j DOCKER-USER',
    '}',
    '',
    "# --noflush: only the chains the file declares (DOCKER-USER) are replaced; Docker's stay.",
    'apply() {',
    '  local tool="$1" rules="$2"',
    '  hook_forward "$tool"',
    '  "$tool-restore" -w --noflush "$rules"',
    '}',
    '',
    `apply "$IPTABLES" "$RULES_DIR/${RULES_NAME[4]}"`,
    `apply "$IP6TABLES" "$RULES_DIR/${RULES_NAME[6]}"`,
    '',
  ];
  return lines.join('\n');
}

export const renderDockerUser: Renderer = (platform): RenderResult => {
  const v4 = dockerUserRulesFile(platform, 4);
  const v6 = dockerUserRulesFile(platform, 6);
  const files: (RenderedFile & { sourceMap?: SourceMap })[] = [
    { path: DOCKER_USER_PATH, content: dockerUserScript(platform), mode: 0o755 },
    { path: DOCKER_USER_RULES_PATHS[4], content: v4.content, sourceMap: v4.sourceMap },
    { path: DOCKER_USER_RULES_PATHS[6], content: v6.content, sourceMap: v6.sourceMap },
  ];
  return { files, warnings: [] };
};
