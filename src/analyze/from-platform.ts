// The exposure state of a Platform as moat renders it: one function per layer,
// each reading only the model (the renderers of the same layers read the same
// fields, so the proof is about what gets deployed).
import type { Platform } from '../model/types.js';
import type {
  Binding,
  CloudLayer,
  ExposureState,
  FirewallLayer,
  FirewallRule,
  GatewayLayer,
  HostFacts,
  Listener,
  TailnetLayer,
} from './state.js';
import { portRange } from './state.js';
import { isWildcardAddress } from '../model/net.js';

export function stateFromPlatform(platform: Platform): ExposureState {
  return {
    host: hostFacts(platform),
    cloud: cloudLayer(platform),
    firewall: firewallLayer(platform),
    publishing: publishingLayer(platform),
    sockets: socketsLayer(platform),
    tailnet: tailnetLayer(platform),
    gateway: gatewayLayer(platform),
  };
}

export function hostFacts(platform: Platform): HostFacts {
  const { host } = platform;
  return {
    publicInterface: host.publicInterface,
    publicAddresses: [],
    tailscaleInterface: host.tailscale.interface,
    tailscaleAddresses: [host.tailscale.address, ...(host.tailscale.address6 ? [host.tailscale.address6] : [])],
    // Docker names a compose network's bridge br-<id>; the name only has to match the firewall's rules.
    platformInterface: `br-${platform.project}`,
    platformSubnets: platform.networks.map((n) => n.subnet),
    adminCidrs: [host.adminCidr],
    adminOrigin: 'host.adminCidr',
  };
}

/** The security group of the rendered CloudFormation/Terraform: SSH from the admin CIDR, WireGuard from anywhere. */
export function cloudLayer(platform: Platform): CloudLayer {
  const { host } = platform;
  return {
    present: true,
    ingress: [
      { protocol: 'tcp', ports: portRange(host.sshPort), cidrs: [host.adminCidr], description: 'SSH from the admin CIDR', origin: 'host.adminCidr' },
      { protocol: 'udp', ports: portRange(host.tailscale.udpPort), cidrs: ['0.0.0.0/0', '::/0'], description: 'Tailscale WireGuard', origin: 'host.tailscale.udpPort' },
    ],
  };
}

/**
 * The host firewall as firewall/nftables.conf and firewall/docker-user.sh
 * render it: INPUT drops by default and accepts SSH from the admin CIDR,
 * WireGuard on the public interface and the gateway port on tailscale0;
 * DOCKER-USER accepts a publication only over tailscale0 to the Tailscale
 * address (original destination), drops the rest from the public interface.
 */
export function firewallLayer(platform: Platform): FirewallLayer {
  const { host, gateway } = platform;
  const tailscaleAddresses = [host.tailscale.address, ...(host.tailscale.address6 ? [host.tailscale.address6] : [])];
  const input: FirewallRule[] = [
    { action: 'accept', protocol: 'tcp', ports: portRange(host.sshPort), sources: [host.adminCidr], origin: 'host.adminCidr' },
    { action: 'accept', protocol: 'udp', ports: portRange(host.tailscale.udpPort), inInterface: host.publicInterface, origin: 'host.tailscale.udpPort' },
    { action: 'accept', protocol: 'tcp', ports: portRange(gateway.listenPort), inInterface: host.tailscale.interface, origin: 'gateway.listenPort' },
  ];
  // As docker-user.sh writes it: a wildcard publication gets an accept per Tailscale address
  // (of both families; one without a binding of that family matches nothing), a specific one its own.
  const tailnetDestinations = (address: string): string[] => {
    if (isWildcardAddress(address)) return tailscaleAddresses;
    return tailscaleAddresses.includes(address) ? [address] : [];
  };
  const dockerUser: FirewallRule[] = platform.services.flatMap((service) =>
    service.publish.flatMap((p, i): FirewallRule[] => {
      const destinations = tailnetDestinations(p.hostAddress);
      return destinations.length === 0
        ? []
        : [{
            action: 'accept',
            protocol: p.protocol,
            ports: portRange(p.hostPort, p.hostPortEnd ?? p.hostPort),
            inInterface: host.tailscale.interface,
            destinations,
            origin: `services.${service.name}.publish[${i}]`,
          }];
    }),
  );
  dockerUser.push({ action: 'drop', inInterface: host.publicInterface, origin: 'host.publicInterface' });
  return { input: { policy: 'drop', rules: input }, dockerUser: { policy: 'accept', rules: dockerUser } };
}

/** Compose `ports:` exactly as services[].publish states them. */
export function publishingLayer(platform: Platform): Binding[] {
  return platform.services.flatMap((service) =>
    service.publish.map((p, i) => ({
      service: service.name,
      hostAddress: p.hostAddress,
      hostPorts: portRange(p.hostPort, p.hostPortEnd ?? p.hostPort),
      containerAddress: service.address,
      containerPort: p.containerPort,
      protocol: p.protocol,
      origin: `services.${service.name}.publish[${i}]`,
    })),
  );
}

/** sshd and tailscaled on every host address (both families); each service on its static address. */
export function socketsLayer(platform: Platform): Listener[] {
  const { host } = platform;
  const hostListener = (owner: string, port: number, protocol: 'tcp' | 'udp', origin: string): Listener[] =>
    ['0.0.0.0', '::'].map((address) => ({ kind: 'host', owner, address, port, protocol, origin }));
  return [
    ...hostListener('sshd', host.sshPort, 'tcp', 'host.sshPort'),
    ...hostListener('tailscaled', host.tailscale.udpPort, 'udp', 'host.tailscale.udpPort'),
    ...platform.services.flatMap((service) =>
      service.ports.map((p, i): Listener => ({
        kind: 'container',
        owner: service.name,
        address: service.address,
        port: p.port,
        protocol: p.protocol,
        origin: `services.${service.name}.ports[${i}]`,
      })),
    ),
  ];
}

/** The rendered Tailscale policy: the users' group may reach the host's tag on the gateway port only. */
export function tailnetLayer(platform: Platform): TailnetLayer {
  const { tailscale } = platform.host;
  return {
    present: true,
    hostIdentities: [tailscale.tag, tailscale.address, ...(tailscale.address6 ? [tailscale.address6] : [])],
    grants: [
      {
        sources: [tailscale.group],
        destinations: [tailscale.tag],
        protocol: 'tcp',
        ports: portRange(platform.gateway.listenPort),
        origin: 'gateway.listenPort',
      },
    ],
  };
}

export function gatewayLayer(platform: Platform): GatewayLayer {
  const { gateway } = platform;
  return {
    service: gateway.service,
    listenPort: gateway.listenPort,
    routes: gateway.routes.map((r, i) => ({ path: r.path, service: r.service, port: r.port, origin: `gateway.routes[${i}]` })),
  };
}
