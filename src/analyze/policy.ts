// The exposure policy and how a matrix cell is judged against it. The default
// policy is the reference (platform.policy): from the internet only WireGuard,
// from the admin CIDR SSH, from the tailnet the gateway; services listed as
// platformOnly only on the platform network. User rules (policy.allow in
// moat.yaml) are appended to the same list and read the same way.
import type { Policy, PolicyRule, ZoneName } from '../model/types.js';
import { toCidr } from '../model/net.js';
import { cidrSet, covers } from './cidr-set.js';
import type { MatrixRow } from './reachability.js';

/** The admin zone is a part of the internet: what the internet may reach, the admin may too. */
function zoneCovered(rule: PolicyRule, zone: ZoneName): boolean {
  return rule.zone === zone || (rule.zone === 'internet' && zone === 'admin');
}

function portCovered(rule: PolicyRule, row: MatrixRow): boolean {
  return rule.protocol === row.protocol && row.port === rule.port && (row.portEnd === undefined || row.portEnd === rule.port);
}

function targetCovered(rule: PolicyRule, row: MatrixRow, policy: Policy): boolean {
  if (rule.target === 'host') {
    // A rule for the host never covers a platform-only service that got a host port.
    const hostFacing = row.via === 'host' || row.via === 'publish';
    return hostFacing && !(row.service !== undefined && policy.platformOnly.includes(row.service));
  }
  return row.service === rule.target;
}

/** `from` narrows the source inside the zone: a CIDR must contain every source that gets through. */
function fromCovered(rule: PolicyRule, row: MatrixRow): boolean {
  if (rule.from === undefined) return true;
  if (toCidr(rule.from)) {
    const cidrs = row.sourceCidrs ?? [];
    return cidrs.length > 0 && covers(cidrSet([rule.from]), cidrSet(cidrs));
  }
  // A tailnet source (group, user, tag): every granted source must be it.
  return (row.source ?? '').split(', ').every((s) => s === rule.from);
}

export function allowingRule(policy: Policy, row: MatrixRow): PolicyRule | undefined {
  return policy.allow.find(
    (rule) => zoneCovered(rule, row.zone) && portCovered(rule, row) && targetCovered(rule, row, policy) && fromCovered(rule, row),
  );
}

export type Judgement = { readonly ok: true } | { readonly ok: false; readonly why: string };

/**
 * Whether an open cell is allowed. The platform zone may reach anything on its
 * own network; the host is trusted with its own sockets and the bridge, but a
 * platform-only service with a host port is off the platform network. Gateway
 * routes are the gateway's business unless they lead to a platform-only service.
 */
export function judge(policy: Policy, row: MatrixRow): Judgement {
  if (row.verdict !== 'open' || row.zone === 'platform') return { ok: true };
  const platformOnly = row.service !== undefined && policy.platformOnly.includes(row.service);
  const explicit = policy.allow.some((rule) => rule.target === row.service && zoneCovered(rule, row.zone) && portCovered(rule, row));
  if (row.zone === 'host') {
    return row.via === 'publish' && platformOnly && !explicit
      ? { ok: false, why: `${row.service} is platform-only but has a host port` }
      : { ok: true };
  }
  if (row.via === 'gateway') {
    return platformOnly && !explicit ? { ok: false, why: `${row.service} is platform-only but the gateway routes to it` } : { ok: true };
  }
  if (allowingRule(policy, row)) return { ok: true };
  return { ok: false, why: platformOnly ? `${row.service} is platform-only` : `no policy rule allows ${row.zone} → ${row.port}/${row.protocol}` };
}
