// A small hand-built exposure state for table tests: one host with sshd and
// tailscaled, one backend container, no filters unless a test adds them.
// Rules and origins are written short (`{ action, protocol, ports, sources }`,
// origin 'fw:0') and turned into the state's shapes here.
import type { Binding, CloudRule, ExposureState, FirewallRule, Listener, Origin, PortRange, TailnetGrant } from '../../src/analyze/state.js';
import { portRange } from '../../src/analyze/state.js';

export const TAILSCALE_IP = '100.64.0.10';
export const BACKEND_IP = '172.20.0.33';

/** A fact read from `name`, line 1: tests name origins by a word. */
export const o = (name: string): Origin => ({ file: name, line: 1 });

export interface ShortRule {
  readonly action: 'accept' | 'drop';
  readonly protocol?: 'tcp' | 'udp';
  readonly ports?: PortRange;
  readonly sources?: readonly string[];
  readonly inInterface?: string;
  /** DOCKER-USER: the original destination (`--ctorigdst`). */
  readonly destinations?: readonly string[];
  readonly origin: string;
}

export interface StateParts {
  readonly adminCidrs?: readonly string[];
  readonly cloud?: readonly CloudRule[] | 'none';
  readonly input?: readonly ShortRule[];
  readonly inputPolicy?: 'accept' | 'drop';
  readonly dockerUser?: readonly ShortRule[];
  readonly firewall?: 'none';
  readonly publishing?: readonly Binding[];
  readonly sockets?: readonly Listener[] | 'unknown';
  readonly grants?: readonly TailnetGrant[] | 'none';
}

export const sg = (protocol: 'tcp' | 'udp' | 'all', from: number, to: number, cidrs: readonly string[]): CloudRule => ({
  protocol,
  ports: portRange(from, to),
  cidrs,
  origin: o(`sg:${protocol}/${from}-${to}`),
});

export const publish = (hostAddress: string, from: number, to: number, containerPort: number, protocol: 'tcp' | 'udp' = 'tcp'): Binding => ({
  service: 'db',
  hostAddress,
  hostPorts: portRange(from, to),
  containerAddress: BACKEND_IP,
  containerPort,
  protocol,
  origin: o('services.db.publish[0]'),
});

export const HOST_SOCKETS: readonly Listener[] = [
  { kind: 'host', owner: 'sshd', address: '0.0.0.0', port: 22, protocol: 'tcp', origin: o('host.sshPort') },
  { kind: 'host', owner: 'sshd', address: '::', port: 22, protocol: 'tcp', origin: o('host.sshPort') },
  { kind: 'host', owner: 'tailscaled', address: '0.0.0.0', port: 41641, protocol: 'udp', origin: o('host.tailscale.udpPort') },
];

export const BACKEND: Listener = { kind: 'container', owner: 'db', address: BACKEND_IP, port: 8080, protocol: 'tcp', origin: o('services.db.ports[0]') };

export function toRule(r: ShortRule): FirewallRule {
  return {
    match: {
      ...(r.protocol ? { protocol: { values: [r.protocol] } } : {}),
      ...(r.ports ? { dport: { values: [r.ports] } } : {}),
      ...(r.sources ? { saddr: { values: r.sources } } : {}),
      ...(r.inInterface ? { iif: { values: [r.inInterface] } } : {}),
      ...(r.destinations ? { ctOrigDaddr: { values: r.destinations } } : {}),
    },
    verdict: { kind: r.action },
    origin: o(r.origin),
  };
}

export function buildState(parts: StateParts = {}): ExposureState {
  return {
    host: {
      publicInterface: 'eth0',
      publicAddresses: [],
      tailscaleInterface: 'tailscale0',
      tailscaleAddresses: [TAILSCALE_IP],
      platformInterfaces: ['br-test'],
      platformSubnets: ['172.20.0.0/16'],
      adminCidrs: parts.adminCidrs ?? ['203.0.113.10/32'],
      adminOrigin: o('host.adminCidr'),
    },
    cloud: parts.cloud === 'none' ? { present: false, ingress: [], groups: [] } : { present: true, ingress: parts.cloud ?? [], groups: [] },
    firewall: {
      present: parts.firewall !== 'none',
      dockerUserImplied: true,
      chains: [
        { name: 'inet filter input', hook: 'input', policy: parts.inputPolicy ?? 'accept', rules: (parts.input ?? []).map(toRule), origin: o('fw') },
        {
          name: 'ip filter DOCKER-USER',
          rules: [...(parts.dockerUser ?? []).map(toRule), { match: {}, verdict: { kind: 'return' }, origin: o('du') }],
          origin: o('du'),
        },
      ],
    },
    publishing: { present: true, bindings: parts.publishing ?? [] },
    sockets: parts.sockets === 'unknown' ? { present: false, listeners: [BACKEND] } : { present: true, listeners: parts.sockets ?? [...HOST_SOCKETS, BACKEND] },
    services: [{ name: 'db', image: 'postgres:16', addresses: [BACKEND_IP], aliases: ['db'], env: {}, origin: o('services.db') }],
    tailnet:
      parts.grants === 'none'
        ? { present: false, hostIdentities: ['tag:host', TAILSCALE_IP], grants: [], tagOwners: {}, groups: {} }
        : { present: true, hostIdentities: ['tag:host', TAILSCALE_IP], grants: parts.grants ?? [], tagOwners: {}, groups: {} },
    gateway: { present: false, servers: [] },
  };
}
