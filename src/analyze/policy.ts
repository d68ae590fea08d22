// The exposure policy and how a matrix cell is judged against it. The default
// policy is the reference (platform.policy): from the internet only WireGuard,
// from the admin CIDR SSH, from the tailnet the gateway's origins; services
// listed as platformOnly only on the platform network. User rules (policy.allow
// in moat.yaml) are appended to the same list and read the same way, but a
// rule can never silently open a platform-only (unauthenticated) service: that
// is still reported, as allowed by that rule.
import { toCidr } from '../model/net.js';
import type { Policy, PolicyRule, ZoneName } from '../model/types.js';
import { cidrSet, covers } from './cidr-set.js';
import type { MatrixRow } from './reachability.js';

/** The admin zone is a part of the internet: what the internet may reach, the admin may too. */
function zoneCovered(rule: PolicyRule, zone: ZoneName): boolean {
  return rule.zone === zone || (rule.zone === 'internet' && zone === 'admin');
}

function portCovered(rule: PolicyRule, row: MatrixRow): boolean {
  return rule.protocol === row.protocol && row.port === rule.port && (row.portEnd === undefined || row.portEnd === rule.port);
}

// The list as a set, once per policy: a scan per matrix row grew with the square of the platform.
const platformOnlySets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** Whether `service` is listed as platform-only (a set lookup). */
export function platformOnlyHas(policy: Policy, service: string | undefined): boolean {
  if (service === undefined) return false;
  let set = platformOnlySets.get(policy.platformOnly);
  if (!set) {
    set = new Set(policy.platformOnly);
    platformOnlySets.set(policy.platformOnly, set);
  }
  return set.has(service);
}

function isPlatformOnly(policy: Policy, row: MatrixRow): boolean {
  return platformOnlyHas(policy, row.service);
}

function targetCovered(rule: PolicyRule, row: MatrixRow): boolean {
  if (rule.target === 'host') return row.via === 'host' || row.via === 'publish';
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
  return policy.allow.find((rule) => zoneCovered(rule, row.zone) && portCovered(rule, row) && targetCovered(rule, row) && fromCovered(rule, row));
}

export type Judgement =
  | { readonly ok: true }
  /** Allowed by a rule, but the service has no authentication of its own: reported, never silent. */
  | { readonly ok: false; readonly kind: 'unauthenticated-allowed'; readonly why: string; readonly rule: PolicyRule }
  | { readonly ok: false; readonly kind: 'violation'; readonly why: string };

const OK: Judgement = { ok: true };

/**
 * Whether an open cell is allowed. The platform zone may reach anything on
 * its own network, but not the host's own sockets (sshd) without a rule; the
 * host is trusted with its own sockets and the bridge, but a platform-only
 * service with a host port is off the platform network. A gateway route to a
 * platform-only service is never allowed silently.
 */
export function judge(policy: Policy, row: MatrixRow): Judgement {
  if (row.verdict !== 'open') return OK;
  const platformOnly = isPlatformOnly(policy, row);
  const explicit = policy.allow.find((rule) => rule.target === row.service && zoneCovered(rule, row.zone) && portCovered(rule, row));
  const unauthenticated = (rule: PolicyRule): Judgement => ({
    ok: false,
    kind: 'unauthenticated-allowed',
    why: `${row.service ?? '?'} is platform-only (no authentication of its own), yet a policy rule allows ${row.zone} → ${row.port}/${row.protocol} (${rule.why})`,
    rule,
  });
  if (row.zone === 'platform') {
    if (row.via !== 'host') return OK;
    const rule = policy.allow.find((r) => r.zone === 'platform' && portCovered(r, row) && targetCovered(r, row));
    return rule
      ? OK
      : {
          ok: false,
          kind: 'violation',
          why: `containers reach the host's own ${row.service ?? ''} ${row.port}/${row.protocol}; no policy rule allows platform → host`,
        };
  }
  if (row.zone === 'host') {
    if (!(row.via === 'publish' && platformOnly)) return OK;
    return explicit ? unauthenticated(explicit) : { ok: false, kind: 'violation', why: `${row.service ?? '?'} is platform-only but has a host port` };
  }
  if (row.via === 'gateway') {
    if (!platformOnly) return OK;
    return explicit ? unauthenticated(explicit) : { ok: false, kind: 'violation', why: `${row.service ?? '?'} is platform-only but the gateway routes to it` };
  }
  const rule = allowingRule(policy, row) ?? explicit;
  if (rule) return platformOnly ? unauthenticated(rule) : OK;
  return {
    ok: false,
    kind: 'violation',
    why: platformOnly
      ? `${row.service ?? '?'} is platform-only`
      : `no policy rule allows ${row.zone} → ${row.port}${row.portEnd !== undefined ? `-${row.portEnd}` : ''}/${row.protocol}`,
  };
}
