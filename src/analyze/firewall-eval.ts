// A firewall chain evaluated over a SET of source addresses: first match wins,
// so each rule takes its share of what is still undecided. The result is the
// part of the sources that gets through, and the rules that decided.
import type { CidrSet } from './cidr-set.js';
import { EMPTY, cidrSet, covers, intersect, isEmpty, minus, stripBrackets, union } from './cidr-set.js';
import type { FirewallChain, FirewallRule } from './state.js';
import { inRange } from './state.js';
import type { Protocol } from '../model/types.js';

export interface Packet {
  readonly inInterface: string;
  readonly protocol: Protocol;
  readonly port: number;
  /** The (original) destination address, when known. */
  readonly destination?: string;
}

export interface ChainResult {
  readonly accepted: CidrSet;
  /** The accept rules that let some of the sources through. */
  readonly acceptedBy: readonly FirewallRule[];
  /** The drop rules that stopped some of them. */
  readonly droppedBy: readonly FirewallRule[];
  /** Whether the chain's policy (not a rule) decided for some of the sources. */
  readonly byPolicy: boolean;
}

function matchesDestination(rule: FirewallRule, destination: string | undefined): boolean {
  if (rule.destinations === undefined) return true;
  if (destination === undefined) return false;
  const dst = cidrSet([stripBrackets(destination)]);
  return rule.destinations.some((d) => covers(cidrSet([d]), dst));
}

export function evaluateChain(chain: FirewallChain, packet: Packet, sources: CidrSet): ChainResult {
  let remaining = sources;
  let accepted = EMPTY;
  const acceptedBy: FirewallRule[] = [];
  const droppedBy: FirewallRule[] = [];
  for (const rule of chain.rules) {
    if (isEmpty(remaining)) break;
    if (rule.inInterface !== undefined && rule.inInterface !== packet.inInterface) continue;
    if (rule.protocol !== undefined && rule.protocol !== packet.protocol) continue;
    if (!inRange(rule.ports, packet.port)) continue;
    if (!matchesDestination(rule, packet.destination)) continue;
    const hit = rule.sources === undefined ? remaining : intersect(remaining, cidrSet(rule.sources));
    if (isEmpty(hit)) continue;
    if (rule.action === 'accept') {
      accepted = union(accepted, hit);
      acceptedBy.push(rule);
    } else {
      droppedBy.push(rule);
    }
    remaining = minus(remaining, hit);
  }
  const byPolicy = !isEmpty(remaining);
  if (byPolicy && chain.policy === 'accept') accepted = union(accepted, remaining);
  return { accepted, acceptedBy, droppedBy, byPolicy };
}
