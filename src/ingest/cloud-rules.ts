// AWS security-group semantics shared by the three cloud ingesters (the
// describe-security-groups JSON, CloudFormation, Terraform): protocol names and
// numbers, port ranges, CIDR sources, and the one rule every unreadable part
// becomes. AWS documents (EC2 API reference, IpPermission): IpProtocol is a
// name or number, "-1" means every protocol; for -1 and for any protocol other
// than tcp, udp, icmp and icmpv6 "traffic on all ports is allowed, regardless
// of any ports you specify"; FromPort/ToPort -1 mean every port (or ICMP type).
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html
//
// Soundness: a security group only allows, so a rule the ingester cannot read
// must not vanish. It becomes "every protocol, every port, from an unresolved
// source" (the analyzer counts an unresolved source as the world).
import type { CloudRule, Origin, PortRange } from '../analyze/state.js';
import type { Finding, Severity } from '../model/findings.js';
import { toCidr } from '../model/net.js';
import { artifactProblem } from './types.js';

export const CLOUD_FINDING_DOCS = [
  {
    code: 'ingest.cloud.syntax',
    title: 'Cloud artifact does not parse',
    help: 'The security-group artifact (describe-security-groups JSON, CloudFormation template or Terraform file) has a syntax error at this line. What follows it could not be read, so the proof counts one rule there as open to the world on every port until the file parses.',
    severity: 'high',
  },
  {
    code: 'ingest.cloud.unreadable-rule',
    title: 'Security-group rule not understood',
    help: 'An ingress rule (or the list of them) has a shape moat cannot read: a wrong type, a dynamic block, an intrinsic function in place of the list. The proof counts it as every protocol on every port from the world; rewrite it with literal values or check it by hand.',
    severity: 'medium',
  },
  {
    code: 'ingest.cloud.unresolved-value',
    title: 'Rule value not resolved',
    help: 'A protocol, port or CIDR of an ingress rule is an expression moat does not evaluate (a parameter without a default, Fn::If, a Terraform expression other than var.NAME with a default). The proof takes the widest meaning: every protocol, every port, the whole internet as source.',
    severity: 'low',
  },
  {
    code: 'ingest.cloud.invalid-value',
    title: 'Rule value not valid',
    help: 'A CIDR, port or protocol of an ingress rule is not valid as AWS reads it (a malformed CIDR, a port outside 0-65535, a range that ends before it starts). AWS would refuse it; the proof counts it at its widest until it is fixed.',
    severity: 'medium',
  },
] as const satisfies readonly { code: string; title: string; help: string; severity: Severity }[];

export function syntaxProblem(file: string, line: number, message: string): Finding {
  return artifactProblem(
    'ingest.cloud.syntax',
    'high',
    { file, line },
    `${file}:${line}: ${message}`,
    'fix the syntax; until then moat counts this file as open to the world on every port',
  );
}

/** The rule an unreadable part becomes: every protocol and port from an unresolved source. */
export function unknownRule(origin: Origin, why: string): CloudRule {
  return { protocol: 'all', cidrs: [], unresolvedSources: [why], origin };
}

export interface Collector {
  readonly file: string;
  readonly rules: CloudRule[];
  readonly groups: { name: string; origin: Origin }[];
  readonly problems: Finding[];
}

export function collector(file: string): Collector {
  return { file, rules: [], groups: [], problems: [] };
}

export function addGroup(c: Collector, name: string, origin: Origin): void {
  if (!c.groups.some((g) => g.name === name)) c.groups.push({ name, origin });
}

/** What an ingester read for one value: a literal, or the artifact's words for what it could not resolve. */
export type Value<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly text: string } | undefined;

export const known = <T>(value: T): Value<T> => ({ ok: true, value });
export const unknownValue = (text: string): Value<never> => ({ ok: false, text });

export type CloudProtocol = CloudRule['protocol'];

const BY_NUMBER: Readonly<Record<string, string>> = { '-1': 'all', '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

/** AWS protocol name or number → the state's protocol (`all`, `tcp`, `udp`, `icmp`, or the number). */
export function awsProtocol(raw: string): CloudProtocol {
  const t = raw.trim().toLowerCase();
  return BY_NUMBER[t] ?? t;
}

/** Whether ports mean anything for this protocol (AWS ignores them for the rest). */
const PORTED = new Set(['tcp', 'udp']);

export interface RawRule {
  readonly protocol: Value<string | number>;
  readonly fromPort: Value<string | number>;
  readonly toPort: Value<string | number>;
  /** Sources already split: literal CIDR texts (either family) and sources that are not CIDRs. */
  readonly cidrs: readonly Value<string>[];
  readonly otherSources: readonly string[];
  readonly description?: string;
  readonly origin: Origin;
}

function portNumber(v: Value<string | number>): number | 'unknown' | 'bad' | undefined {
  if (v === undefined) return undefined;
  if (!v.ok) return 'unknown';
  const n = typeof v.value === 'number' ? v.value : /^-?\d+$/.test(v.value.trim()) ? Number(v.value.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < -1 || n > 65535) return 'bad';
  return n;
}

/**
 * One CloudRule from what an artifact states, or none when it names no source
 * at all (such a rule admits nobody). Problems go to the collector.
 */
export function buildRule(c: Collector, raw: RawRule): CloudRule | undefined {
  const problem = (code: 'ingest.cloud.unresolved-value' | 'ingest.cloud.invalid-value', message: string, hint: string): void => {
    c.problems.push(
      artifactProblem(code, code === 'ingest.cloud.invalid-value' ? 'medium' : 'low', raw.origin, `${c.file}:${raw.origin.line}: ${message}`, hint),
    );
  };
  let protocol: CloudProtocol = 'all';
  if (raw.protocol === undefined) {
    problem('ingest.cloud.invalid-value', 'the rule names no protocol; counted as every protocol', 'give the rule an IpProtocol (tcp, udp, icmp or -1)');
  } else if (!raw.protocol.ok) {
    problem(
      'ingest.cloud.unresolved-value',
      `protocol ${raw.protocol.text} is not resolved; counted as every protocol`,
      'use a literal protocol, or a parameter/variable with a default',
    );
  } else {
    protocol = awsProtocol(String(raw.protocol.value));
  }
  let ports: PortRange | undefined;
  if (PORTED.has(protocol)) {
    const from = portNumber(raw.fromPort);
    const to = portNumber(raw.toPort);
    if (from === 'unknown' || to === 'unknown') {
      problem(
        'ingest.cloud.unresolved-value',
        'a port of the rule is not resolved; counted as every port',
        'use literal ports, or parameters/variables with defaults',
      );
    } else if (from === 'bad' || to === 'bad' || (typeof from === 'number' && typeof to === 'number' && from >= 0 && to >= 0 && to < from)) {
      problem('ingest.cloud.invalid-value', 'the port range is not valid (0-65535, from <= to); counted as every port', 'fix FromPort/ToPort');
    } else if (typeof from === 'number' && from >= 0) {
      // A missing ToPort is taken as FromPort's: narrower readings are never guessed, but AWS requires both.
      const end = typeof to === 'number' && to >= 0 ? to : to === undefined ? from : 65535;
      ports = { from, to: end };
    }
  }
  const cidrs: string[] = [];
  const unresolved: string[] = [...raw.otherSources];
  for (const v of raw.cidrs) {
    if (v === undefined) continue;
    if (!v.ok) {
      unresolved.push(v.text);
      problem(
        'ingest.cloud.unresolved-value',
        `source ${v.text} is not resolved; counted as the whole internet`,
        'use a literal CIDR, or a parameter/variable with a default',
      );
      continue;
    }
    const cidr = toCidr(v.value.trim());
    if (cidr === undefined) {
      unresolved.push(`invalid CIDR ${JSON.stringify(v.value)}`);
      problem(
        'ingest.cloud.invalid-value',
        `source ${JSON.stringify(v.value)} is not a CIDR; counted as the whole internet`,
        'write the source as ADDRESS/PREFIX',
      );
      continue;
    }
    if (!cidrs.includes(cidr.text)) cidrs.push(cidr.text);
  }
  if (cidrs.length === 0 && unresolved.length === 0) return undefined;
  return {
    protocol,
    ...(ports === undefined ? {} : { ports }),
    cidrs,
    ...(unresolved.length === 0 ? {} : { unresolvedSources: unresolved }),
    ...(raw.description === undefined ? {} : { description: raw.description }),
    origin: raw.origin,
  };
}

export function pushRule(c: Collector, raw: RawRule): void {
  const rule = buildRule(c, raw);
  if (rule) c.rules.push(rule);
}

export function unreadable(c: Collector, origin: Origin, what: string): void {
  c.rules.push(unknownRule(origin, `${what} (not understood)`));
  c.problems.push(
    artifactProblem(
      'ingest.cloud.unreadable-rule',
      'medium',
      origin,
      `${c.file}:${origin.line}: ${what} is not understood; counted as every protocol and port from the world`,
      'write the rule with literal values, or check it by hand',
    ),
  );
}
