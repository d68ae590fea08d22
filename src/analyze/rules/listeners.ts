// Two listeners on one address:port: two containers sharing an address and a
// port, or two publications claiming the same host port (a wildcard claims
// every address of its family). The engine refuses to start the second one.
import type { Finding } from '../../model/findings.js';
import { canonicalAddress, isWildcardAddress, publishedAddresses } from '../../model/net.js';
import { familyOf } from '../cidr-set.js';
import type { Binding, Listener } from '../state.js';
import { formatOrigin } from '../state.js';
import { at } from './located.js';
import type { AnalysisRule } from './types.js';

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

/**
 * For listener i, the first earlier listener that clashes with it (same kind,
 * protocol and port, same family, same address or either a wildcard) and has
 * another owner. Listeners are grouped by kind, protocol, port, family and
 * address as they are read: a scan of every earlier listener per listener grew
 * with the square of the platform. Call in order of i.
 */
function earlierClashes(): (l: Listener, i: number) => Listener | undefined {
  interface Seen {
    readonly at: number;
    readonly l: Listener;
  }
  const byAddress = new Map<string, Seen[]>();
  const wildcards = new Map<string, Seen[]>();
  const family = new Map<string, Seen[]>();
  const push = (m: Map<string, Seen[]>, key: string, s: Seen): void => {
    const list = m.get(key);
    if (list) list.push(s);
    else m.set(key, [s]);
  };
  const firstOther = (list: readonly Seen[] | undefined, owner: string): Seen | undefined => list?.find((s) => s.l.owner !== owner);
  return (l, i) => {
    const x = canonicalAddress(l.address);
    if (x === '') return undefined;
    // A name where an address belongs clashes only with the same name (the scan threw on it).
    const fam = x.includes('.') || x.includes(':') ? String(familyOf(x)) : `name:${x}`;
    const group = `${l.kind}|${l.protocol}|${l.port}|${fam}`;
    const wildcard = !fam.startsWith('name:') && isWildcardAddress(x);
    let found: Seen | undefined;
    if (wildcard) found = firstOther(family.get(group), l.owner);
    else {
      const a = firstOther(byAddress.get(`${group}|${x}`), l.owner);
      const b = firstOther(wildcards.get(group), l.owner);
      found = a && b ? (a.at < b.at ? a : b) : (a ?? b);
    }
    const seen = { at: i, l };
    push(family, group, seen);
    if (wildcard) push(wildcards, group, seen);
    else push(byAddress, `${group}|${x}`, seen);
    return found?.l;
  };
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
    const earlierOf = earlierClashes();
    listeners.forEach((l, i) => {
      const earlier = earlierOf(l, i);
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
