// A CloudFormation template (YAML with the short intrinsic tags, or JSON) →
// the cloud layer: the SecurityGroupIngress of every AWS::EC2::SecurityGroup
// and every standalone AWS::EC2::SecurityGroupIngress resource. Property names
// from the resource reference (AWS::EC2::SecurityGroup Ingress:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ec2-securitygroup-ingress.html).
//
// Values: a literal, a `Ref` to a parameter with a Default (the value a stack
// gets when nobody overrides it; an override at deploy time is outside what
// the template states), or `Fn::Sub` of a plain string. Anything else (a
// parameter without a default, Fn::If, Fn::ImportValue, a pseudo parameter) is
// unresolved and counts at its widest. A rule or rule list under `Fn::If`
// counts as both branches. A resource with a `Condition` counts as
// created: the union of what the template may create is the sound reading.
import { addGroup, type Collector, collector, known, pushRule, syntaxProblem, unknownRule, unreadable, type Value } from './cloud-rules.js';
import { describe, entry, field, type LNode, parseYaml, text } from './cloud-tree.js';
import type { Artifact, Ingester, IngestResult } from './types.js';

interface Template {
  readonly parameters: LNode | undefined;
  readonly resources: LNode | undefined;
}

/** A parameter's Default, when the template gives one. */
function parameterDefault(t: Template, name: string): LNode | undefined {
  return field(field(t.parameters, name), 'Default');
}

function resolve(t: Template, node: LNode | undefined): Value<string | number> {
  if (node === undefined) return undefined;
  if (node.kind === 'scalar' && (typeof node.value === 'string' || typeof node.value === 'number')) return known(node.value);
  const ref = text(field(node, 'Ref'));
  if (node.kind === 'object' && node.entries.length === 1 && ref !== undefined) {
    const d = parameterDefault(t, ref);
    if (d?.kind === 'scalar' && (typeof d.value === 'string' || typeof d.value === 'number')) return known(d.value);
    return { ok: false, text: `Ref ${ref}${field(t.parameters, ref) ? ' (a parameter without a default)' : ''}` };
  }
  const sub = field(node, 'Fn::Sub');
  if (node.kind === 'object' && node.entries.length === 1 && sub?.kind === 'scalar' && typeof sub.value === 'string' && !sub.value.includes('${'))
    return known(sub.value);
  return { ok: false, text: describe(node) };
}

function resolveText(t: Template, node: LNode | undefined): Value<string> {
  const v = resolve(t, node);
  return v === undefined || !v.ok ? v : known(String(v.value));
}

/** The name a group goes by: its literal GroupName, else its logical ID. */
function groupName(t: Template, logicalId: string): string {
  const name = resolve(t, field(field(field(t.resources, logicalId), 'Properties'), 'GroupName'));
  return name?.ok ? String(name.value) : logicalId;
}

/** The group a standalone ingress attaches to: a Ref / GetAtt of a group in the template, or the artifact's words. */
function targetGroup(t: Template, props: LNode | undefined): string {
  for (const key of ['GroupId', 'GroupName']) {
    const node = field(props, key);
    if (node === undefined) continue;
    const ref = text(field(node, 'Ref'));
    const getAtt = field(node, 'Fn::GetAtt');
    const attTarget = getAtt?.kind === 'array' ? text(getAtt.items[0]) : undefined;
    const logical = ref ?? attTarget;
    if (logical !== undefined && entry(t.resources, logical)) return groupName(t, logical);
    const literal = resolve(t, node);
    return literal?.ok ? String(literal.value) : describe(node);
  }
  return '(no GroupId)';
}

/** `Fn::If [cond, a, b]` → both branches (the union is what the stack may have); `Ref AWS::NoValue` → nothing. */
function branches(node: LNode): LNode[] | undefined {
  if (node.kind === 'object' && node.entries.length === 1 && text(field(node, 'Ref')) === 'AWS::NoValue') return [];
  const fnIf = field(node, 'Fn::If');
  if (node.kind !== 'object' || node.entries.length !== 1 || fnIf?.kind !== 'array' || fnIf.items.length !== 3) return undefined;
  return fnIf.items.slice(1);
}

/** The items of a SecurityGroupIngress list, through Fn::If; undefined when it is not a list. */
function ruleList(node: LNode, depth = 0): LNode[] | undefined {
  if (node.kind === 'array') return [...node.items];
  const options = depth < 8 ? branches(node) : undefined;
  if (options === undefined) return undefined;
  const out: LNode[] = [];
  for (const o of options) {
    const list = ruleList(o, depth + 1);
    if (list === undefined) return undefined;
    out.push(...list);
  }
  return out;
}

function rule(c: Collector, t: Template, node: LNode, key: string, depth = 0): void {
  const origin = { file: c.file, line: node.line, key };
  const options = depth < 8 ? branches(node) : undefined;
  if (options !== undefined) return options.forEach((o) => rule(c, t, o, key, depth + 1));
  if (node.kind !== 'object' || node.entries.some((e) => e.key.startsWith('Fn::'))) return unreadable(c, origin, `ingress rule ${describe(node)}`);
  const other: string[] = [];
  for (const k of ['SourceSecurityGroupId', 'SourceSecurityGroupName']) {
    const v = field(node, k);
    if (v !== undefined) other.push(`security group ${describe(v)}`);
  }
  const prefixList = field(node, 'SourcePrefixListId');
  if (prefixList !== undefined) other.push(`prefix list ${describe(prefixList)}`);
  const description = resolve(t, field(node, 'Description'));
  pushRule(c, {
    protocol: resolve(t, field(node, 'IpProtocol')),
    fromPort: resolve(t, field(node, 'FromPort')),
    toPort: resolve(t, field(node, 'ToPort')),
    cidrs: [resolveText(t, field(node, 'CidrIp')), resolveText(t, field(node, 'CidrIpv6'))],
    otherSources: other,
    ...(description?.ok ? { description: String(description.value) } : {}),
    origin,
  });
}

function resources(c: Collector, t: Template): void {
  if (t.resources?.kind !== 'object') return;
  for (const res of t.resources.entries) {
    // Fn::ForEach (the AWS::LanguageExtensions transform) makes resources moat does not expand.
    if (res.key.startsWith('Fn::ForEach')) {
      unreadable(c, { file: c.file, line: res.line, key: `Resources.${res.key}` }, `${res.key} (resources made by a loop)`);
      continue;
    }
    const type = text(field(res.value, 'Type'));
    const props = field(res.value, 'Properties');
    const at = `Resources.${res.key}`;
    if (type === 'AWS::EC2::SecurityGroup') {
      addGroup(c, groupName(t, res.key), { file: c.file, line: res.line, key: at });
      const ingress = field(props, 'SecurityGroupIngress');
      if (ingress === undefined) continue;
      const list = ruleList(ingress);
      if (list === undefined) {
        unreadable(c, { file: c.file, line: ingress.line, key: `${at}.Properties.SecurityGroupIngress` }, `SecurityGroupIngress ${describe(ingress)}`);
        continue;
      }
      list.forEach((item, i) => rule(c, t, item, `${at}.Properties.SecurityGroupIngress[${i}]`));
    } else if (type === 'AWS::EC2::SecurityGroupIngress') {
      addGroup(c, targetGroup(t, props), { file: c.file, line: res.line, key: at });
      rule(c, t, props ?? { kind: 'scalar', line: res.line, value: null }, `${at}.Properties`);
    }
  }
}

export function ingestCloudFormation(artifact: Artifact): IngestResult {
  const c = collector(artifact.file);
  try {
    const parsed = parseYaml(artifact.text);
    for (const e of parsed.errors.slice(0, 1)) {
      c.problems.push(syntaxProblem(c.file, e.line, `not a valid template (${e.message})`));
      c.rules.push(unknownRule({ file: c.file, line: e.line }, 'unreadable template (syntax error)'));
    }
    const t: Template = { parameters: field(parsed.root, 'Parameters'), resources: field(parsed.root, 'Resources') };
    if (t.resources !== undefined && t.resources.kind !== 'object')
      unreadable(c, { file: c.file, line: t.resources.line }, `Resources ${describe(t.resources)}`);
    resources(c, t);
  } catch (error) {
    unreadable(c, { file: c.file, line: 1 }, `the template (${error instanceof Error ? error.message : String(error)})`);
  }
  return { kind: 'cloudformation', fragment: { cloud: { ingress: c.rules, groups: c.groups } }, problems: c.problems };
}

export const cloudFormationIngester: Ingester = {
  kind: 'cloudformation',
  detect: (artifact) => /\bResources\b/.test(artifact.text) && /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/.test(artifact.text),
  ingest: (artifact) => ingestCloudFormation(artifact),
};
