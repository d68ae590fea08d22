// Two listeners on one address:port: two containers sharing an address and a
// port, or two publications claiming the same host port (a wildcard claims
// every address of its family). The engine refuses to start the second one.
import type { Finding } from '../../model/findings.js';
import { familyOf } from '../cidr-set.js';
import type { Binding, Listener } from '../state.js';
import type { AnalysisRule } from './types.js';
import { canonicalAddress, isWildcardAddress, publishedAddresses } from '../../model/net.js';
import { formatOrigin } from '../state.js';
import { at } from './located.js';

function bindingAddresses(b: Binding): string[] {
  return publishedAddresses(b.hostAddress).filter((a) => a.includes('.') || a.includes(':'));
}

function clash(a: string, b: string): boolean {
  if (familyOf(a) !== familyOf(b)) return false;
  return a === b || isWildcardAddress(a) || isWildcardAddress(b);
}

function bindingsClash(a: Binding, b: Binding): boolean {
  if (a.protocol !== b.protocol) return false;
  if (a.hostPorts.to < b.hostPorts.from || b.hostPorts.to < a.hostPorts.from) return false;
  return bindingAddresses(a).some((x) => bindingAddresses(b).some((y) => clash(x, y)));
}

function listenersClash(a: Listener, b: Listener): boolean {
  if (a.kind !== b.kind || a.protocol !== b.protocol || a.port !== b.port) return false;
  const x = canonicalAddress(a.address);
  const y = canonicalAddress(b.address);
  if (x === '' || y === '') return false;
  return familyOf(x) === familyOf(y) && (x === y || isWildcardAddress(x) || isWildcardAddress(y));
}

export const duplicateListeners = {
  docs: [
    {
      code: 'listener.duplicate',
      title: 'Two listeners on one address and port',
      help: 'Two services (or two publications) claim the same address:port/protocol; only one can bind it.',
      severity: 'high',
    },
    {
      code: 'listener.published-beside-gateway',
      title: 'A service other than the gateway publishes a host port',
      help: 'Only the gateway should publish: every other service is reached through it or on the platform network. Even a publication the other layers block today (the security group, DOCKER-USER, the tailnet policy) is one layer away from exposure, and Docker publishes past the host firewall (moby#22054).',
      severity: 'high',
    },
  ] as const,
  check({ state }): Finding[] {
    const findings: Finding[] = [];
    // Known only when the artifacts say which service is the gateway (moat's bundle; audit with compose).
    const gateway = state.gateway.service;
    if (gateway !== undefined) {
      for (const b of state.publishing.bindings) {
        if (b.service === gateway) continue;
        findings.push({
          code: 'listener.published-beside-gateway',
          severity: 'high',
          ...at(b.origin, `${b.service}:${b.hostPorts.from}`),
          message: `${b.service} publishes ${b.hostAddress || '*'}:${b.hostPorts.from}${b.hostPorts.to !== b.hostPorts.from ? `-${b.hostPorts.to}` : ''}/${b.protocol} on the host; only the gateway (${gateway}) should`,
          hint: `remove the publication and route ${b.service} through the gateway, or reach it over \`docker exec\``,
        });
      }
    }
    const listeners = state.sockets.listeners;
    listeners.forEach((l, i) => {
      const earlier = listeners.slice(0, i).find((o) => listenersClash(o, l) && o.owner !== l.owner);
      if (earlier) {
        findings.push({
          code: 'listener.duplicate',
          severity: 'high',
          ...at(l.origin, `${l.owner}:${l.port}`),
          message: `${earlier.owner} (${formatOrigin(earlier.origin)}) and ${l.owner} both listen on ${l.address}:${l.port}/${l.protocol}`,
          hint: `give ${l.owner} its own address or port`,
        });
      }
    });
    const bindings = state.publishing.bindings;
    bindings.forEach((b, i) => {
      const earlier = bindings.slice(0, i).find((o) => bindingsClash(o, b));
      if (earlier) {
        findings.push({
          code: 'listener.duplicate',
          severity: 'high',
          ...at(b.origin, `${b.service}:${b.hostPorts.from}`),
          message: `${earlier.service} (${formatOrigin(earlier.origin)}) and ${b.service} both publish ${b.hostAddress || '*'}:${b.hostPorts.from}/${b.protocol}`,
          hint: 'publish on another host port or address (or not at all)',
        });
      }
    });
    return findings;
  },
} satisfies AnalysisRule;
