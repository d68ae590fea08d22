// The fragments of several artifacts → one exposure state. Lists concatenate
// (several security groups are a union, several base chains all filter, two
// compose files' publications all bind). A layer no artifact spoke for stays
// `present: false`, and the report says so: unknown counts as open.
import type { ExposureState, FirewallChain, HostFacts, Layer, Origin } from '../analyze/state.js';
import type { ArtifactKind, IngestResult } from './types.js';

/** Which artifact kinds speak for which layer. */
export const LAYER_SOURCES: { readonly [L in Layer]: readonly ArtifactKind[] } = {
  cloud: ['aws-security-groups', 'cloudformation', 'terraform'],
  firewall: ['nftables-json', 'iptables-save'],
  publishing: ['compose', 'docker-inspect'],
  sockets: ['ss'],
  tailnet: ['tailscale-policy'],
  gateway: ['nginx'],
};

/** What the host is, where no artifact says: from moat.yaml, the command line, or defaults. */
export interface HostHints extends Partial<HostFacts> {
  /** Tags (`tag:ai-platform`) and addresses that name this host in the tailnet policy. */
  readonly tailnetIdentities?: readonly string[];
  /** The service that runs the gateway (compose's nginx), when known. */
  readonly gatewayService?: string;
  /**
   * The artifacts list everything that listens on the host (moat's own bundle:
   * the host runs sshd, tailscaled and the containers, nothing else). Without
   * this or an `ss` listing, host sockets are unknown.
   */
  readonly socketsComplete?: boolean;
}

// Docker's default bridge and its default address pools (dockerd's
// `default-address-pools`: 172.17.0.0/16 for docker0, then 172.18.0.0/16 …
// 172.31.0.0/16 and 192.168.0.0/16 in /20s): where containers live when the
// artifacts name no subnet.
// Source: https://docs.docker.com/engine/network/drivers/bridge/, moby daemon/config default pools.
const DOCKER_DEFAULT_SUBNETS = ['172.16.0.0/12', '192.168.0.0/16'];

export interface MergedState {
  readonly state: ExposureState;
  /** Layers no artifact spoke for (they count as open). */
  readonly missing: readonly Layer[];
}

export function mergeFragments(results: readonly IngestResult[], hints: HostHints = {}): MergedState {
  const kinds = new Set(results.map((r) => r.kind));
  const present = (layer: Layer): boolean => LAYER_SOURCES[layer].some((k) => kinds.has(k));
  const fragments = results.map((r) => r.fragment);
  const hostParts = fragments.flatMap((f) => (f.host ? [f.host] : []));
  const pick = <K extends keyof HostFacts>(key: K): HostFacts[K] | undefined => hints[key] ?? hostParts.find((h) => h[key] !== undefined)?.[key];
  const list = (key: 'publicAddresses' | 'tailscaleAddresses' | 'platformInterfaces' | 'platformSubnets' | 'adminCidrs'): string[] => [
    ...new Set([...(hints[key] ?? []), ...hostParts.flatMap((h) => h[key] ?? [])]),
  ];
  const publicInterface = pick('publicInterface');
  const adminOrigin = pick('adminOrigin');
  const platformSubnets = list('platformSubnets');
  const platformInterfaces = list('platformInterfaces');
  const host: HostFacts = {
    ...(publicInterface !== undefined ? { publicInterface } : {}),
    publicAddresses: list('publicAddresses'),
    tailscaleInterface: pick('tailscaleInterface') ?? 'tailscale0',
    tailscaleAddresses: list('tailscaleAddresses'),
    platformInterfaces: platformInterfaces.length > 0 ? platformInterfaces : ['br-*', 'docker0'],
    platformSubnets: platformSubnets.length > 0 ? platformSubnets : DOCKER_DEFAULT_SUBNETS,
    adminCidrs: list('adminCidrs'),
    ...(adminOrigin ? { adminOrigin } : {}),
  };

  const chains: FirewallChain[] = fragments.flatMap((f) => f.firewall?.chains ?? []);
  const hasForward = chains.some((c) => c.hook === 'forward' && / FORWARD$/.test(c.name));
  const hasDockerUser = chains.some((c) => / DOCKER-USER$/.test(c.name));
  const tailnets = fragments.flatMap((f) => (f.tailnet ? [f.tailnet] : []));
  const tailnetOrigin: Origin | undefined = tailnets[0]?.origin;
  const servers = fragments.flatMap((f) => f.gateway?.servers ?? []);
  const gatewayService = hints.gatewayService ?? fragments.find((f) => f.gateway?.service !== undefined)?.gateway?.service;
  const state: ExposureState = {
    host,
    cloud: {
      present: present('cloud'),
      ingress: fragments.flatMap((f) => f.cloud?.ingress ?? []),
      groups: fragments.flatMap((f) => f.cloud?.groups ?? []),
    },
    firewall: { present: present('firewall'), chains, dockerUserImplied: hasDockerUser && !hasForward },
    publishing: { present: present('publishing'), bindings: fragments.flatMap((f) => f.publishing ?? []) },
    sockets: { present: present('sockets') || hints.socketsComplete === true, listeners: fragments.flatMap((f) => f.sockets ?? []) },
    services: fragments.flatMap((f) => f.services ?? []),
    tailnet: {
      present: present('tailnet'),
      hostIdentities: [...(hints.tailnetIdentities ?? []), ...host.tailscaleAddresses],
      grants: tailnets.flatMap((t) => t.grants),
      tagOwners: Object.assign({}, ...tailnets.map((t) => t.tagOwners)) as Record<string, readonly string[]>,
      groups: Object.assign({}, ...tailnets.map((t) => t.groups)) as Record<string, readonly string[]>,
      ...(tailnetOrigin ? { origin: tailnetOrigin } : {}),
    },
    gateway: { present: present('gateway'), ...(gatewayService !== undefined ? { service: gatewayService } : {}), servers },
  };
  const missing = (Object.keys(LAYER_SOURCES) as Layer[]).filter((l) => !(l === 'sockets' ? state.sockets.present : present(l)));
  return { state, missing };
}
