// `aws ec2 describe-security-groups` output → the cloud layer. Each IpRanges,
// Ipv6Ranges, PrefixListIds and UserIdGroupPairs entry of an IpPermissions item
// becomes one rule, located at that entry's line (a describe call's JSON is
// pretty-printed, so a line names one source). Another security group or a
// prefix list is a source moat cannot turn into CIDRs: kept as unresolved,
// which the analyzer counts as the world. Egress (IpPermissionsEgress) is not
// part of the inbound proof. Shape: EC2 API reference, SecurityGroup and
// IpPermission (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroup.html).
// A bare list of groups, one group object, and `describe-security-group-rules`
// output (SecurityGroupRules) are read too.
import { addGroup, type Collector, collector, known, pushRule, syntaxProblem, unknownRule, unreadable, type Value } from './cloud-rules.js';
import { describe, field, items, type LNode, parseJsonc, text } from './cloud-tree.js';
import type { Artifact, Ingester, IngestResult } from './types.js';

function value(node: LNode | undefined): Value<string | number> {
  if (node === undefined) return undefined;
  if (node.kind === 'scalar' && (typeof node.value === 'string' || typeof node.value === 'number')) return known(node.value);
  return { ok: false, text: describe(node) };
}

function permission(c: Collector, perm: LNode, at: string): void {
  const origin = { file: c.file, line: perm.line, key: at };
  if (perm.kind !== 'object') return unreadable(c, origin, `IpPermissions entry ${describe(perm)}`);
  const base = { protocol: value(field(perm, 'IpProtocol')), fromPort: value(field(perm, 'FromPort')), toPort: value(field(perm, 'ToPort')) };
  const source = (node: LNode, key: string, cidrs: Value<string>[], other: string[]): void => {
    const description = text(field(node, 'Description'));
    const i = items(field(perm, key)).indexOf(node);
    pushRule(c, {
      ...base,
      cidrs,
      otherSources: other,
      ...(description === undefined ? {} : { description }),
      origin: { file: c.file, line: node.line, key: `${at}.${key}[${i}]` },
    });
  };
  const cidrOf = (node: LNode, key: string): Value<string> => {
    const v = field(node, key);
    const t = text(v);
    return t === undefined ? { ok: false, text: `${key} ${describe(v)}` } : known(t);
  };
  for (const r of items(field(perm, 'IpRanges'))) source(r, 'IpRanges', [cidrOf(r, 'CidrIp')], []);
  for (const r of items(field(perm, 'Ipv6Ranges'))) source(r, 'Ipv6Ranges', [cidrOf(r, 'CidrIpv6')], []);
  for (const r of items(field(perm, 'PrefixListIds'))) source(r, 'PrefixListIds', [], [`prefix list ${text(field(r, 'PrefixListId')) ?? describe(r)}`]);
  for (const r of items(field(perm, 'UserIdGroupPairs'))) {
    const id = text(field(r, 'GroupId')) ?? text(field(r, 'GroupName')) ?? describe(r);
    const owner = text(field(r, 'UserId'));
    source(r, 'UserIdGroupPairs', [], [`security group ${id}${owner === undefined ? '' : ` (account ${owner})`}`]);
  }
  for (const key of ['IpRanges', 'Ipv6Ranges', 'PrefixListIds', 'UserIdGroupPairs']) {
    const list = field(perm, key);
    if (list !== undefined && list.kind !== 'array') unreadable(c, { file: c.file, line: list.line, key: `${at}.${key}` }, `${key} ${describe(list)}`);
  }
}

function group(c: Collector, sg: LNode, at: string): void {
  const origin = { file: c.file, line: sg.line, key: at };
  if (sg.kind !== 'object') return unreadable(c, origin, `security group ${describe(sg)}`);
  const id = text(field(sg, 'GroupId'));
  const name = text(field(sg, 'GroupName'));
  addGroup(c, name !== undefined && id !== undefined ? `${name} (${id})` : (name ?? id ?? `group at line ${sg.line}`), origin);
  const perms = field(sg, 'IpPermissions');
  if (perms === undefined) return;
  if (perms.kind !== 'array') return unreadable(c, { file: c.file, line: perms.line, key: `${at}.IpPermissions` }, `IpPermissions ${describe(perms)}`);
  perms.items.forEach((perm, i) => permission(c, perm, `${at}.IpPermissions[${i}]`));
}

/**
 * `aws ec2 describe-security-group-rules` prints one rule per entry
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRule.html).
 */
function groupRule(c: Collector, r: LNode, at: string): void {
  const origin = { file: c.file, line: r.line, key: at };
  if (r.kind !== 'object') return unreadable(c, origin, `SecurityGroupRules entry ${describe(r)}`);
  const egress = field(r, 'IsEgress');
  if (egress?.kind === 'scalar' && egress.value === true) return;
  addGroup(c, text(field(r, 'GroupId')) ?? `group at line ${r.line}`, origin);
  const cidrs = ['CidrIpv4', 'CidrIpv6'].flatMap((k) =>
    field(r, k) === undefined
      ? []
      : [text(field(r, k)) === undefined ? ({ ok: false, text: `${k} ${describe(field(r, k))}` } as const) : known(text(field(r, k)) ?? '')],
  );
  const other: string[] = [];
  const prefixList = text(field(r, 'PrefixListId'));
  if (prefixList !== undefined) other.push(`prefix list ${prefixList}`);
  const referenced = field(r, 'ReferencedGroupInfo');
  if (referenced !== undefined) other.push(`security group ${text(field(referenced, 'GroupId')) ?? describe(referenced)}`);
  const description = text(field(r, 'Description'));
  pushRule(c, {
    protocol: value(field(r, 'IpProtocol')),
    fromPort: value(field(r, 'FromPort')),
    toPort: value(field(r, 'ToPort')),
    cidrs,
    otherSources: other,
    ...(description === undefined ? {} : { description }),
    origin,
  });
}

function groupsOf(root: LNode | undefined): readonly LNode[] | undefined {
  if (root?.kind === 'array') return root.items;
  const list = field(root, 'SecurityGroups');
  if (list?.kind === 'array') return list.items;
  if (field(root, 'IpPermissions') !== undefined) return root ? [root] : undefined;
  return undefined;
}

export function ingestAwsSecurityGroups(artifact: Artifact): IngestResult {
  const c = collector(artifact.file);
  try {
    const parsed = parseJsonc(artifact.text);
    for (const e of parsed.errors.slice(0, 1)) {
      c.problems.push(syntaxProblem(c.file, e.line, `not valid JSON (${e.message})`));
      c.rules.push(unknownRule({ file: c.file, line: e.line }, 'unreadable JSON (syntax error)'));
    }
    const groups = groupsOf(parsed.root);
    const rules = field(parsed.root, 'SecurityGroupRules');
    if (rules?.kind === 'array') {
      rules.items.forEach((r, i) => groupRule(c, r, `SecurityGroupRules[${i}]`));
    } else if (groups === undefined) {
      if (parsed.errors.length === 0) unreadable(c, { file: c.file, line: parsed.root?.line ?? 1 }, 'the file (no SecurityGroups list)');
    } else {
      groups.forEach((sg, i) => group(c, sg, `SecurityGroups[${i}]`));
    }
  } catch (error) {
    unreadable(c, { file: c.file, line: 1 }, `the file (${error instanceof Error ? error.message : String(error)})`);
  }
  return { kind: 'aws-security-groups', fragment: { cloud: { ingress: c.rules, groups: c.groups } }, problems: c.problems };
}

export const awsSecurityGroupsIngester: Ingester = {
  kind: 'aws-security-groups',
  // describe-security-groups and describe-security-group-rules both print these keys; a
  // CloudFormation template (AWS::...) is the other ingester's.
  detect: (artifact) => /"(SecurityGroups|IpPermissions|SecurityGroupRules)"\s*:/.test(artifact.text) && !/AWS::EC2::/.test(artifact.text),
  ingest: (artifact) => ingestAwsSecurityGroups(artifact),
};
