// A small hand-built exposure state for table tests: one host with sshd and
// tailscaled, one backend container, no filters unless a test adds them.
import type { Binding, CloudRule, ExposureState, FirewallRule, Listener, TailnetGrant } from '../../src/analyze/state.js';
import { portRange } from '../../src/analyze/state.js';

export const TAILSCALE_IP = '100.64.0.10';
export const BACKEND_IP = '172.20.0.33';

export interface StateParts {
  readonly adminCidrs?: readonly string[];
  readonly cloud?: readonly CloudRule[] | 'none';
  readonly input?: readonly FirewallRule[];
  readonly inputPolicy?: 'accept' | 'drop';
  readonly dockerUser?: readonly FirewallRule[];
  readonly publishing?: readonly Binding[];
  readonly sockets?: readonly Listener[];
  readonly grants?: readonly TailnetGrant[] | 'none';
}

export const sg = (protocol: 'tcp' | 'udp' | 'all', from: number, to: number, cidrs: readonly string[]): CloudRule => ({
  protocol,
  ports: portRange(from, to),
  cidrs,
  origin: `sg:${protocol}/${from}-${to}`,
});

export const publish = (hostAddress: string, from: number, to: number, containerPort: number, protocol: 'tcp' | 'udp' = 'tcp'): Binding => ({
  service: 'db',
  hostAddress,
  hostPorts: portRange(from, to),
  containerAddress: BACKEND_IP,
  containerPort,
  protocol,
  origin: 'services.db.publish[0]',
});

export const HOST_SOCKETS: readonly Listener[] = [
  { kind: 'host', owner: 'sshd', address: '0.0.0.0', port: 22, protocol: 'tcp', origin: 'host.sshPort' },
  { kind: 'host', owner: 'sshd', address: '::', port: 22, protocol: 'tcp', origin: 'host.sshPort' },
  { kind: 'host', owner: 'tailscaled', address: '0.0.0.0', port: 41641, protocol: 'udp', origin: 'host.tailscale.udpPort' },
];

export const BACKEND: Listener = { kind: 'container', owner: 'db', address: BACKEND_IP, port: 8080, protocol: 'tcp', origin: 'services.db.ports[0]' };

export function buildState(parts: StateParts = {}): ExposureState {
  return {
    host: {
      publicInterface: 'eth0',
      publicAddresses: [],
      tailscaleInterface: 'tailscale0',
      tailscaleAddresses: [TAILSCALE_IP],
      platformInterface: 'br-test',
      platformSubnets: ['172.20.0.0/16'],
      adminCidrs: parts.adminCidrs ?? ['203.0.113.10/32'],
      adminOrigin: 'host.adminCidr',
    },
    cloud: parts.cloud === 'none' ? { present: false, ingress: [] } : { present: true, ingress: parts.cloud ?? [] },
    firewall: {
      input: { policy: parts.inputPolicy ?? 'accept', rules: parts.input ?? [] },
      dockerUser: { policy: 'accept', rules: parts.dockerUser ?? [] },
    },
    publishing: parts.publishing ?? [],
    sockets: parts.sockets ?? [...HOST_SOCKETS, BACKEND],
    tailnet:
      parts.grants === 'none'
        ? { present: false, hostIdentities: ['tag:host', TAILSCALE_IP], grants: [] }
        : { present: true, hostIdentities: ['tag:host', TAILSCALE_IP], grants: parts.grants ?? [] },
  };
}
