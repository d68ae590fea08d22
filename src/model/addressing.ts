// Static addresses on the platform network: inside the subnet, not reserved,
// never shared (static and dynamic addresses collide after reboots:
// docker/compose#11899). Pure over a Platform, so the loader and the analyzer
// report the same findings with the same key paths.
import type { Finding } from './findings.js';
import { contains, ipVersion, isBroadcastAddress, isNetworkAddress, sameAddress } from './net.js';
import type { Network, Platform } from './types.js';

export interface AddressingOptions {
  /**
   * Whether the user wrote this key path. A duplicate is reported at the
   * service the user wrote (the one that took a taken address); otherwise at
   * the later of the two.
   */
  readonly written?: (path: string) => boolean;
}

const addressPath = (name: string): string => `services.${name}.address`;

/** The bridge gateway must be a host address of its own subnet, or the network cannot be created. */
function gatewayFindings(network: Network): Finding[] {
  const { name, subnet, gateway } = network;
  const path = `networks.${name}.gateway`;
  if (!contains(subnet, gateway)) {
    return [
      {
        code: 'config.address-outside-subnet',
        severity: 'high',
        path,
        message: `network ${name}: gateway ${gateway} is outside the subnet ${subnet}`,
        hint: `set the gateway to an address inside ${subnet} (usually the first one)`,
      },
    ];
  }
  const reserved = isNetworkAddress(subnet, gateway) ? 'network' : isBroadcastAddress(subnet, gateway) ? 'broadcast' : undefined;
  if (reserved) {
    return [
      {
        code: 'config.address-reserved',
        severity: 'high',
        path,
        message: `network ${name}: gateway ${gateway} is the ${reserved} address of ${subnet}`,
        hint: `set the gateway to a host address inside ${subnet}`,
      },
    ];
  }
  return [];
}

/**
 * Findings for the networks' gateways (`networks.<name>.gateway`) and every
 * service address (`services.<name>.address`), in platform order.
 */
export function addressFindings(platform: Platform, options: AddressingOptions = {}): Finding[] {
  const findings: Finding[] = platform.networks.flatMap(gatewayFindings);
  const written = options.written ?? (() => false);
  // address → the first service that holds it, per network.
  const holders = new Map<string, string>();
  for (const service of platform.services) {
    const path = addressPath(service.name);
    const network = platform.networks.find((n) => n.name === service.network);
    if (!network) continue; // an unknown network is the schema's problem, not an address problem
    if (ipVersion(service.address) === undefined) {
      findings.push({
        code: 'config.invalid-value',
        severity: 'high',
        path,
        message: `${service.name}: "${service.address}" is not an IP address`,
        hint: `give ${service.name} a static address inside ${network.subnet}`,
      });
      continue;
    }
    if (!contains(network.subnet, service.address)) {
      findings.push({
        code: 'config.address-outside-subnet',
        severity: 'high',
        path,
        message: `${service.name}: address ${service.address} is outside the subnet ${network.subnet} of network ${network.name}`,
        hint: `pick a free address inside ${network.subnet}`,
      });
      continue;
    }
    const reserved = isNetworkAddress(network.subnet, service.address)
      ? 'the network address'
      : sameAddress(network.gateway, service.address)
        ? 'the gateway address'
        : isBroadcastAddress(network.subnet, service.address)
          ? 'the broadcast address'
          : undefined;
    if (reserved) {
      findings.push({
        code: 'config.address-reserved',
        severity: 'high',
        path,
        message: `${service.name}: ${service.address} is ${reserved} of ${network.subnet}`,
        hint: `pick another address inside ${network.subnet}; the network, gateway (${network.gateway}) and broadcast addresses are taken`,
      });
      continue;
    }
    const key = `${network.name} ${service.address}`;
    const holder = holders.get(key);
    if (holder === undefined) {
      holders.set(key, service.name);
      continue;
    }
    // Report at the one the user wrote; if both or neither, at the later one.
    const atHolder = written(addressPath(holder)) && !written(path);
    const [first, second] = atHolder ? [service.name, holder] : [holder, service.name];
    findings.push({
      code: 'config.duplicate-address',
      severity: 'high',
      path: addressPath(second),
      message: `${first} and ${second} both have the address ${service.address}`,
      hint: `give ${second} a free address inside ${network.subnet}; every service needs its own static address`,
    });
  }
  return findings;
}

const v4ToInt = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const intToV4 = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/**
 * The address to suggest for a new service on the platform network: the first
 * free host address after the highest one a service holds (so additions
 * follow the catalog's), else after the gateway; never the network, gateway
 * or broadcast address, never a taken one. Undefined for an IPv6 or full subnet.
 */
export function nextFreeAddress(platform: Platform, networkName = platform.networks[0]?.name): string | undefined {
  const network = platform.networks.find((n) => n.name === networkName);
  if (!network || ipVersion(network.gateway) !== 4) return undefined;
  const [base, bits] = network.subnet.split('/');
  const size = 2 ** (32 - Number(bits));
  const first = v4ToInt(base ?? '0.0.0.0');
  const last = first + size - 1;
  const taken = new Set(platform.services.filter((s) => s.network === network.name && ipVersion(s.address) === 4).map((s) => v4ToInt(s.address)));
  taken.add(v4ToInt(network.gateway));
  const start = Math.max(v4ToInt(network.gateway), ...[...taken].filter((n) => n > first && n < last)) + 1;
  for (const from of [start, first + 1]) {
    for (let n = from; n < last; n += 1) if (!taken.has(n)) return intToV4(n);
  }
  return undefined;
}
