// The normalized exposure state: what the analyzer reads. Plain data, one
// section per layer, outside in. The Platform (from-platform.ts) produces it,
// and so will the ingesters of real artifacts (security-group JSON, nft -j,
// iptables-save, compose files, the Tailscale policy, nginx -T, ss): every
// field is something those artifacts state, nothing moat-specific.
//
// `origin` on each item says where it came from: a key path into the model
// (`services.dify-db.publish[0]`) or a file location (`nginx.conf:88`). The
// analyzer copies it into findings, so a finding points at its cause.
import type { Protocol } from '../model/types.js';

export type Layer = 'cloud' | 'firewall' | 'publishing' | 'sockets' | 'tailnet' | 'gateway';

/** Inclusive port range; a single port has from === to. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export interface HostFacts {
  /** The interface that faces the internet (eth0). */
  readonly publicInterface: string;
  /** The host's own addresses on it, if known (a security group JSON does not say). */
  readonly publicAddresses: readonly string[];
  readonly tailscaleInterface: string;
  readonly tailscaleAddresses: readonly string[];
  /** The bridge of the platform network, as the host firewall names it. */
  readonly platformInterface: string;
  readonly platformSubnets: readonly string[];
  /** The admin zone: the CIDRs SSH is meant for. */
  readonly adminCidrs: readonly string[];
  readonly adminOrigin: string;
}

/** 1. Cloud: security-group ingress, stateful and allow-only; CIDRs of both families. */
export interface CloudRule {
  readonly protocol: Protocol | 'all';
  readonly ports: PortRange;
  readonly cidrs: readonly string[];
  readonly description?: string;
  readonly origin: string;
}

export interface CloudLayer {
  /** False when no cloud filter is known: everything passes this layer. */
  readonly present: boolean;
  readonly ingress: readonly CloudRule[];
}

/** 2. Host firewall: first matching rule wins; fields left out match anything. */
export interface FirewallRule {
  readonly action: 'accept' | 'drop';
  readonly protocol?: Protocol;
  /** Destination port; in DOCKER-USER the ORIGINAL (pre-DNAT) port, as `--ctorigdstport` matches it. */
  readonly ports?: PortRange;
  readonly sources?: readonly string[];
  readonly inInterface?: string;
  /** DOCKER-USER: the original destination address (`--ctorigdst`). */
  readonly destinations?: readonly string[];
  readonly origin: string;
}

export interface FirewallChain {
  /** What happens after the last rule: INPUT's policy; for DOCKER-USER, RETURN means Docker accepts. */
  readonly policy: 'accept' | 'drop';
  readonly rules: readonly FirewallRule[];
}

export interface FirewallLayer {
  /** INPUT: host sockets (sshd, tailscaled). Docker's DNAT bypasses it for published ports. */
  readonly input: FirewallChain;
  /** FORWARD/DOCKER-USER: the only place that filters published container ports. */
  readonly dockerUser: FirewallChain;
}

/** 3. Publishing: compose `ports:` bindings (docker-proxy / DNAT). */
export interface Binding {
  readonly service: string;
  /** `0.0.0.0`, `::`, `127.0.0.1`, the Tailscale address...; '' = every address of both families. */
  readonly hostAddress: string;
  readonly hostPorts: PortRange;
  readonly containerAddress: string;
  /** First container port; a range maps port for port. */
  readonly containerPort: number;
  readonly protocol: Protocol;
  readonly origin: string;
}

/** 4. Sockets: what listens where. Container sockets are at the container's own address. */
export interface Listener {
  readonly kind: 'host' | 'container';
  /** A service name, or the host process (`sshd`, `tailscaled`). */
  readonly owner: string;
  readonly address: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly origin: string;
}

/** 5. Tailnet: grants from a source (group, user, `*`) to a destination (tag, address, `*`). */
export interface TailnetGrant {
  readonly sources: readonly string[];
  readonly destinations: readonly string[];
  readonly protocol: Protocol | 'any';
  /** Absent: every port. */
  readonly ports?: PortRange;
  readonly origin: string;
}

export interface TailnetLayer {
  /** False when no policy is known: Tailscale's default policy allows everything. */
  readonly present: boolean;
  /** What identifies this host as a destination: its tags and Tailscale addresses. */
  readonly hostIdentities: readonly string[];
  readonly grants: readonly TailnetGrant[];
}

/** 6. Gateway: where its routes send traffic. */
export interface GatewayRoute {
  readonly path: string;
  readonly service: string;
  readonly port: number;
  readonly origin: string;
}

export interface GatewayLayer {
  readonly service: string;
  readonly listenPort: number;
  readonly routes: readonly GatewayRoute[];
}

export interface ExposureState {
  readonly host: HostFacts;
  readonly cloud: CloudLayer;
  readonly firewall: FirewallLayer;
  readonly publishing: readonly Binding[];
  readonly sockets: readonly Listener[];
  readonly tailnet: TailnetLayer;
  readonly gateway?: GatewayLayer;
}

export const portRange = (from: number, to: number = from): PortRange => ({ from, to });

export function inRange(range: PortRange | undefined, port: number): boolean {
  return range === undefined || (port >= range.from && port <= range.to);
}
