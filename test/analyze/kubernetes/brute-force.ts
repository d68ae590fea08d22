// A brute-force NetworkPolicy reference, written apart from
// src/analyze/kubernetes/netpol.ts, from the documentation's sentences
// (kubernetes.io/docs/concepts/services-networking/network-policies/):
// every policy rule is expanded into the explicit set of connections it
// allows, "<source>|<destination pod>|<port>|<protocol>", over a tiny universe
// (every pod, and a few outside IPv4 addresses); a connection passes when each
// side is either not isolated in that direction or its expanded set holds it.
// Addresses are compared as 32-bit integers, selectors one requirement at a
// time, with no shared code.
import type { KubeNamespace, KubePod, LabelSelector, NetworkPolicy, PolicyPeer, PolicyPort } from '../../../src/analyze/kubernetes/types.js';

const toInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);

function inCidr(ip: string, cidr: string): boolean {
  const [base = '', len = '32'] = cidr.split('/');
  const bits = Number(len);
  const size = 2 ** (32 - bits);
  return Math.floor(toInt(ip) / size) === Math.floor(toInt(base) / size);
}

function labelMatch(sel: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const key of Object.keys(sel.matchLabels ?? {})) if (labels[key] !== sel.matchLabels?.[key]) return false;
  for (const r of sel.matchExpressions ?? []) {
    const present = key(labels, r.key);
    if (r.operator === 'Exists' && !present) return false;
    if (r.operator === 'DoesNotExist' && present) return false;
    if (r.operator === 'In' && !(present && r.values.some((v) => v === labels[r.key]))) return false;
    if (r.operator === 'NotIn' && present && r.values.some((v) => v === labels[r.key])) return false;
  }
  return true;
}

const key = (labels: Readonly<Record<string, string>>, k: string) => Object.keys(labels).includes(k);

export interface Universe {
  readonly namespaces: readonly KubeNamespace[];
  readonly pods: readonly KubePod[];
  /** Addresses outside the cluster. */
  readonly outside: readonly string[];
  readonly ports: readonly number[];
}

const nsLabels = (u: Universe, name: string) => ({ ...(u.namespaces.find((n) => n.name === name)?.labels ?? {}), 'kubernetes.io/metadata.name': name });

/** Who a peer list names: pod indices (as `pod:i`) and outside addresses (as `ip:a`). */
function named(u: Universe, policy: NetworkPolicy, peers: readonly PolicyPeer[] | undefined): string[] {
  const everyone = [...u.pods.map((_, i) => `pod:${i}`), ...u.outside.map((a) => `ip:${a}`)];
  if (peers === undefined || peers.length === 0) return everyone;
  const out = new Set<string>();
  for (const peer of peers) {
    if (peer.ipBlock) {
      const { cidr, except } = peer.ipBlock;
      const hit = (ip: string) => inCidr(ip, cidr) && !except.some((e) => inCidr(ip, e));
      u.pods.forEach((p, i) => {
        if (p.ip && hit(p.ip)) out.add(`pod:${i}`);
      });
      for (const a of u.outside) if (hit(a)) out.add(`ip:${a}`);
      continue;
    }
    u.pods.forEach((p, i) => {
      const nsOk = peer.namespaceSelector ? labelMatch(peer.namespaceSelector, nsLabels(u, p.namespace)) : p.namespace === policy.namespace;
      const podOk = peer.podSelector ? labelMatch(peer.podSelector, p.labels) : true;
      if (nsOk && podOk) out.add(`pod:${i}`);
    });
  }
  return [...out];
}

/** The (port, protocol) pairs a port list admits on a destination pod (undefined: an outside address). */
function portsOf(u: Universe, ports: readonly PolicyPort[] | undefined, dst: KubePod | undefined): string[] {
  const all = u.ports.flatMap((p) => [`${p}|TCP`, `${p}|UDP`]);
  if (ports === undefined || ports.length === 0) return all;
  return all.filter((pp) => {
    const [portText = '', proto] = pp.split('|');
    const port = Number(portText);
    return ports.some((r) => {
      if (r.protocol !== proto) return false;
      if (r.port === undefined) return true;
      if (typeof r.port === 'string') return dst?.ports.some((c) => c.name === r.port && c.protocol === proto && c.port === port);
      const end = r.endPort ?? r.port;
      return port >= r.port && port <= end;
    });
  });
}

export interface BruteVerdicts {
  /** `pod:i|pod:j|port|proto` pod to pod; `ip:a|pod:j|port|proto` from outside. */
  readonly allowed: ReadonlySet<string>;
  /** `pod:i|ip:a|port|proto`: egress to outside addresses. */
  readonly egressOut: ReadonlySet<string>;
}

export function bruteForce(u: Universe, policies: readonly NetworkPolicy[]): BruteVerdicts {
  const ingressIsolated = new Set<number>();
  const egressIsolated = new Set<number>();
  const ingressAllow = new Set<string>();
  const egressAllow = new Set<string>();
  for (const policy of policies) {
    u.pods.forEach((pod, i) => {
      if (pod.namespace !== policy.namespace || !labelMatch(policy.podSelector, pod.labels)) return;
      if (policy.policyTypes.includes('Ingress')) {
        ingressIsolated.add(i);
        for (const rule of policy.ingress)
          for (const who of named(u, policy, rule.peers)) for (const pp of portsOf(u, rule.ports, pod)) ingressAllow.add(`${who}|pod:${i}|${pp}`);
      }
      if (policy.policyTypes.includes('Egress')) {
        egressIsolated.add(i);
        for (const rule of policy.egress) {
          for (const who of named(u, policy, rule.peers)) {
            const dst = who.startsWith('pod:') ? u.pods[Number(who.slice(4))] : undefined;
            for (const pp of portsOf(u, rule.ports, dst)) egressAllow.add(`pod:${i}|${who}|${pp}`);
          }
        }
      }
    });
  }
  const allowed = new Set<string>();
  const egressOut = new Set<string>();
  const pps = u.ports.flatMap((p) => [`${p}|TCP`, `${p}|UDP`]);
  u.pods.forEach((_, j) => {
    for (const pp of pps) {
      u.pods.forEach((_, i) => {
        if (i === j) return;
        const c = `pod:${i}|pod:${j}|${pp}`;
        if ((!egressIsolated.has(i) || egressAllow.has(c)) && (!ingressIsolated.has(j) || ingressAllow.has(c))) allowed.add(c);
      });
      for (const a of u.outside) {
        const c = `ip:${a}|pod:${j}|${pp}`;
        if (!ingressIsolated.has(j) || ingressAllow.has(c)) allowed.add(c);
        const e = `pod:${j}|ip:${a}|${pp}`;
        if (!egressIsolated.has(j) || egressAllow.has(e)) egressOut.add(e);
      }
    }
  });
  return { allowed, egressOut };
}
