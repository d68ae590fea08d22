// The exposure state: what the analyzer reads. Plain data, one section per
// layer, outside in. Only ingesters produce it (src/ingest/), from artifacts:
// moat's own rendered bundle (`moat check`) or files moat did not write
// (`moat audit`). Every field is something those artifacts state; nothing here
// is moat-specific, and nothing is restated from the model.
//
// Soundness: a layer whose artifact was not given is `present: false`, and an
// absent layer lets everything through (unknown counts as open). A fact an
// ingester could only partly read is kept with what it could not read named in
// `unknown`, and the analyzer resolves every unknown towards exposure.
import type { Protocol } from '../model/types.js';

export type Layer = 'cloud' | 'firewall' | 'publishing' | 'sockets' | 'tailnet' | 'gateway';

/** Where a fact was read: a file (as the user named it) and a 1-based line. */
export interface Origin {
  readonly file: string;
  readonly line: number;
  /** The key path inside the artifact, where its format has one (`services.db.ports[0]`). */
  readonly key?: string;
}

/** Inclusive port range; a single port has from === to. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export interface HostFacts {
  /** The interface that faces the internet; undefined: not known (any interface but lo, tailnet and bridges). */
  readonly publicInterface?: string;
  /** The host's own addresses on it, if known (a security group JSON does not say). */
  readonly publicAddresses: readonly string[];
  readonly tailscaleInterface: string;
  readonly tailscaleAddresses: readonly string[];
  /** The bridges of the platform networks, as the host firewall names them (`br-*` patterns allowed). */
  readonly platformInterfaces: readonly string[];
  readonly platformSubnets: readonly string[];
  /** The admin zone: the CIDRs SSH is meant for. */
  readonly adminCidrs: readonly string[];
  readonly adminOrigin?: Origin;
}

// ---------------------------------------------------------------- 1. cloud

/** A security-group ingress rule (stateful, allow-only); CIDRs of both families. */
export interface CloudRule {
  /** `all` (-1) admits every protocol; other IP protocols (icmp) are kept as their name. */
  readonly protocol: Protocol | 'all' | (string & {});
  /** Absent: every port. */
  readonly ports?: PortRange;
  readonly cidrs: readonly string[];
  /**
   * Sources the ingester could not turn into CIDRs (another security group, a
   * prefix list, a parameter it cannot resolve). The analyzer counts each as the world.
   */
  readonly unresolvedSources?: readonly string[];
  readonly description?: string;
  readonly origin: Origin;
}

export interface CloudLayer {
  /** False when no cloud filter is known: everything passes this layer. */
  readonly present: boolean;
  readonly ingress: readonly CloudRule[];
  /** Which groups the rules come from (several attached groups are a union). */
  readonly groups: readonly { readonly name: string; readonly origin: Origin }[];
}

// ---------------------------------------------------------------- 2. host firewall

/** One condition of a rule; `negate` inverts it. Values are alternatives (a set). */
export interface FieldMatch<T> {
  readonly values: readonly T[];
  readonly negate?: boolean;
}

export interface RuleMatch {
  readonly protocol?: FieldMatch<Protocol>;
  /** Destination port as the packet carries it at this hook (after DNAT in forward). */
  readonly dport?: FieldMatch<PortRange>;
  readonly saddr?: FieldMatch<string>;
  readonly daddr?: FieldMatch<string>;
  /** Interface names; `*` at the end is a prefix wildcard (iptables `br+`, nft `"br-*"`). */
  readonly iif?: FieldMatch<string>;
  readonly oif?: FieldMatch<string>;
  /** Conntrack original destination (pre-DNAT): `--ctorigdst`, `ct original ip daddr`. */
  readonly ctOrigDaddr?: FieldMatch<string>;
  readonly ctOrigDport?: FieldMatch<PortRange>;
  /** Conntrack state names (`new`, `established`, `related`, `invalid`, `untracked`) and `dnat`/`snat` status. */
  readonly ctState?: FieldMatch<string>;
  /** Matches the ingester could not read, in the artifact's words: the evaluator treats each as "maybe". */
  readonly unknown?: readonly string[];
}

export type RuleVerdict =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'return' }
  /** No verdict (counter, log, mark): evaluation goes on with the next rule. */
  | { readonly kind: 'continue' }
  | { readonly kind: 'jump'; readonly chain: string }
  | { readonly kind: 'goto'; readonly chain: string }
  /** A verdict the ingester could not read: the evaluator treats it as maybe-accept. */
  | { readonly kind: 'unknown'; readonly text: string };

export interface FirewallRule {
  readonly match: RuleMatch;
  readonly verdict: RuleVerdict;
  readonly comment?: string;
  readonly origin: Origin;
}

export interface FirewallChain {
  /** Unique within the layer: `inet moat input`, `ip filter DOCKER-USER`, `ip6 filter DOCKER-USER`. */
  readonly name: string;
  readonly rules: readonly FirewallRule[];
  /** Base chains only: the hook and what happens after the last rule. */
  readonly hook?: 'input' | 'forward' | 'prerouting' | 'output' | 'postrouting';
  readonly family?: 'ip' | 'ip6' | 'inet';
  readonly priority?: number;
  readonly policy?: 'accept' | 'drop';
  readonly origin: Origin;
}

export interface FirewallLayer {
  /** False when no host firewall artifact was given: everything passes. */
  readonly present: boolean;
  readonly chains: readonly FirewallChain[];
  /**
   * Docker's FORWARD handling of published ports, when the artifacts do not
   * include Docker's own chains: FORWARD consults DOCKER-USER first, and what
   * DOCKER-USER returns is accepted for a published port (moby's documented
   * behaviour). True when a DOCKER-USER chain was read without FORWARD.
   */
  readonly dockerUserImplied: boolean;
}

// ---------------------------------------------------------------- 3. publishing

/** A host publication of a container port (compose `ports:`, `docker inspect` PortBindings). */
export interface Binding {
  readonly service: string;
  /** As written: `0.0.0.0`, `::`, `127.0.0.1`, the Tailscale address...; '' = every address of both families. */
  readonly hostAddress: string;
  readonly hostPorts: PortRange;
  /** The container's address on its network, when known. */
  readonly containerAddress?: string;
  /** First container port; a range maps port for port. */
  readonly containerPort: number;
  readonly protocol: Protocol;
  readonly origin: Origin;
}

export interface PublishingLayer {
  /** False when no container artifact was given: any port of the host may be a publication. */
  readonly present: boolean;
  readonly bindings: readonly Binding[];
}

// ---------------------------------------------------------------- 4. sockets

/** What listens where. Container sockets are at the container's own address. */
export interface Listener {
  readonly kind: 'host' | 'container';
  /** A service name, or the host process (`sshd`, `tailscaled`). */
  readonly owner: string;
  /** `0.0.0.0` / `::` for every address of that family. */
  readonly address: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly origin: Origin;
}

export interface SocketsLayer {
  /** False when no socket listing was given: every port a filter admits counts as listening. */
  readonly present: boolean;
  readonly listeners: readonly Listener[];
}

/** A container/service as the artifacts describe it, for rules about what it is (image, env). */
export interface ServiceFacts {
  readonly name: string;
  readonly image?: string;
  /** Static or inspected addresses on the platform networks. */
  readonly addresses: readonly string[];
  /** Names it answers to on its networks (service name, hostname, aliases). */
  readonly aliases: readonly string[];
  /** Plain environment as written (never secrets from env files). */
  readonly env: Readonly<Record<string, string>>;
  readonly origin: Origin;
}

// ---------------------------------------------------------------- 5. tailnet

/** A grant (or legacy ACL): sources (group, user, `*`, address) to destinations (tag, address, `*`). */
export interface TailnetGrant {
  readonly sources: readonly string[];
  readonly destinations: readonly string[];
  readonly protocol: Protocol | 'any';
  /** Absent: every port. */
  readonly ports?: PortRange;
  readonly origin: Origin;
}

export interface TailnetLayer {
  /** False when no policy is known: Tailscale's default policy allows everything. */
  readonly present: boolean;
  /** What identifies this host as a destination: its tags and Tailscale addresses. */
  readonly hostIdentities: readonly string[];
  readonly grants: readonly TailnetGrant[];
  /** tag → who may apply it (a group, a user, autogroup:admin). */
  readonly tagOwners: Readonly<Record<string, readonly string[]>>;
  readonly groups: Readonly<Record<string, readonly string[]>>;
  readonly origin?: Origin;
}

// ---------------------------------------------------------------- 6. gateway

export interface GatewayListen {
  /** Absent: every address. */
  readonly address?: string;
  readonly port: number;
  readonly tls: boolean;
  readonly defaultServer: boolean;
}

/** An upstream a location sends traffic to: a host name or address, and a port. */
export interface GatewayUpstream {
  readonly host: string;
  readonly port: number;
}

export interface GatewayLocation {
  /** nginx's modifier: `=` exact, `^~` prefix without regex, `~`/`~*` regex, '' prefix. */
  readonly modifier: '' | '=' | '^~' | '~' | '~*';
  readonly path: string;
  /** Where proxy_pass sends it (upstream blocks expanded); absent when the location does not proxy. */
  readonly upstreams?: readonly GatewayUpstream[];
  /** A proxy_pass target the ingester could not resolve (a variable it cannot follow). */
  readonly unresolvedUpstream?: string;
  /** `return CODE [URL]` when the location answers itself. */
  readonly returns?: { readonly status: number; readonly target?: string };
  readonly origin: Origin;
}

export interface GatewayServer {
  readonly listens: readonly GatewayListen[];
  readonly serverNames: readonly string[];
  /** `ssl_reject_handshake on`: no TLS handshake, so nothing is served. */
  readonly rejectsHandshake: boolean;
  readonly locations: readonly GatewayLocation[];
  readonly origin: Origin;
}

export interface GatewayLayer {
  readonly present: boolean;
  /** The service that runs the gateway, when the artifacts say (compose's nginx service). */
  readonly service?: string;
  readonly servers: readonly GatewayServer[];
}

export interface ExposureState {
  readonly host: HostFacts;
  readonly cloud: CloudLayer;
  readonly firewall: FirewallLayer;
  readonly publishing: PublishingLayer;
  readonly sockets: SocketsLayer;
  readonly services: readonly ServiceFacts[];
  readonly tailnet: TailnetLayer;
  readonly gateway: GatewayLayer;
}

export const portRange = (from: number, to: number = from): PortRange => ({ from, to });

export function inRange(range: PortRange | undefined, port: number): boolean {
  return range === undefined || (port >= range.from && port <= range.to);
}

/** `file:line`, the form findings and reports print. */
export function formatOrigin(origin: Origin): string {
  return `${origin.file}:${origin.line}`;
}
