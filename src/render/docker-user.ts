// firewall/docker-user.sh: the rules for Docker's published ports. Docker DNATs
// them in prerouting, so they bypass INPUT (moby#22054) and only FORWARD, via
// the DOCKER-USER chain Docker leaves to us, can filter them. Rules match the
// ORIGINAL destination (conntrack), because after DNAT the packet is addressed
// to the container. Written for IPv4 (iptables) and IPv6 (ip6tables) alike.
import type { Platform } from '../model/types.js';
import { platformSubnets, portText, tailnetPublications, type Family } from './firewall-model.js';
import { generatedHeader, type RenderResult, type Renderer } from './types.js';
import { isWildcardAddress } from '../model/net.js';

export const DOCKER_USER_PATH = 'firewall/docker-user.sh';

/** The `-A DOCKER-USER ...` rule bodies for one family, in order, with comments. */
export function dockerUserRules(platform: Platform, family: Family): string[] {
  const { host } = platform;
  const tsAddress = family === 4 ? host.tailscale.address : host.tailscale.address6;
  const subnets = family === 4 ? platformSubnets(platform).v4 : platformSubnets(platform).v6;
  const out: string[] = [
    '# Replies to connections already allowed (containers\' own outbound traffic included).',
    '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  ];
  for (const p of tailnetPublications(platform)) {
    const familyMatches = isWildcardAddress(p.hostAddress) || p.hostAddress === tsAddress;
    if (!familyMatches) continue;
    if (tsAddress === undefined) continue;
    const port = portText(p, ':');
    const bound = isWildcardAddress(p.hostAddress) ? ` (bound to ${p.hostAddress || 'all addresses'}: only its Tailscale address is allowed)` : '';
    out.push(
      `# ${p.service}: ${p.path}, ${port}/${p.protocol}${bound}`,
      `-A DOCKER-USER -i ${host.tailscale.interface} -p ${p.protocol} -m conntrack --ctorigdst ${tsAddress} --ctorigdstport ${port} -j ACCEPT`,
    );
  }
  if (tsAddress === undefined) {
    out.push('# The model has no IPv6 Tailscale address (host.tailscale.address6): no IPv6 publication is allowed.');
  }
  for (const subnet of subnets) {
    out.push(
      `# Nothing from the internet reaches the platform network ${subnet} directly.`,
      `-A DOCKER-USER -i ${host.publicInterface} -d ${subnet} -j DROP`,
    );
  }
  out.push(
    '# Any other port Docker DNATs (a network moat does not know of) stays closed to the internet.',
    `-A DOCKER-USER -i ${host.publicInterface} -m conntrack --ctstate DNAT -j DROP`,
    '# Everything else (container to container, container to the internet) is Docker\'s business.',
    '-A DOCKER-USER -j RETURN',
  );
  return out;
}

function restoreBlock(platform: Platform, family: Family): string[] {
  const tool = family === 4 ? '"$IPTABLES"' : '"$IP6TABLES"';
  return [
    `hook_forward ${tool}`,
    // `:DOCKER-USER - [0:0]` creates the chain or, with --noflush, flushes it: one transaction.
    `${tool}-restore --noflush <<'RULES'`,
    '*filter',
    ':DOCKER-USER - [0:0]',
    ...dockerUserRules(platform, family),
    'COMMIT',
    'RULES',
  ];
}

export function dockerUserScript(platform: Platform): string {
  const lines = [
    '#!/usr/bin/env bash',
    generatedHeader('#'),
    '#',
    `# DOCKER-USER rules for ${platform.project}: published container ports are reachable only over`,
    `# ${platform.host.tailscale.interface}, matched on their original destination (the Tailscale address).`,
    '# Safe before Docker starts (it creates the chain and the FORWARD jump) and after (Docker keeps',
    '# DOCKER-USER and replaces, not duplicates, the jump). Each family is replaced in one',
    '# iptables-restore transaction, so running it again yields the same rules.',
    'set -euo pipefail',
    '',
    '# The iptables Docker uses (iptables-nft on current distributions); overridable for tests.',
    'IPTABLES="${IPTABLES:-iptables}"',
    'IP6TABLES="${IP6TABLES:-ip6tables}"',
    '',
    '# Make FORWARD consult DOCKER-USER first, as Docker does, if nothing does yet.',
    'hook_forward() {',
    '  local tool="$1"',
    '  "$tool" -w -n -L DOCKER-USER >/dev/null 2>&1 || "$tool" -w -N DOCKER-USER',
    '  "$tool" -w -C FORWARD -j DOCKER-USER 2>/dev/null || "$tool" -w -I FORWARD 1 -j DOCKER-USER',
    '}',
    '',
    '# IPv4',
    ...restoreBlock(platform, 4),
    '',
    '# IPv6',
    ...restoreBlock(platform, 6),
    '',
  ];
  return lines.join('\n');
}

export const renderDockerUser: Renderer = (platform): RenderResult => ({
  files: [{ path: DOCKER_USER_PATH, content: dockerUserScript(platform), mode: 0o755 }],
  warnings: [],
});
