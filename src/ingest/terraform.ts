// Terraform (AWS provider) → the cloud layer: inline `ingress` blocks of
// aws_security_group, aws_security_group_rule with type = "ingress", and
// aws_vpc_security_group_ingress_rule. Argument names from the provider's
// registry docs (hashicorp/terraform-provider-aws, website/docs/r/
// security_group.html.markdown, security_group_rule.html.markdown,
// vpc_security_group_ingress_rule.html.markdown, v5).
//
// Values: literals, and `var.NAME` (or "${var.NAME}") of a variable with a
// default. A default is what a plan uses when no tfvars or -var overrides it;
// an override is outside what the file states, so the audit of a deployment
// should be given the tfvars' values as defaults. Every other expression
// (locals, data sources, conditionals, dynamic blocks, for_each values) is
// unresolved and counts at its widest. `count = 0` still counts as created.
// aws_default_security_group takes inline rules like aws_security_group. A
// `module` block may create groups in files this one does not state: it
// counts as one unknown rule (give moat the module's files, or audit the
// deployed groups with describe-security-groups instead).
import { attributes, type HclBlockNode, type HclItem, parseHcl } from './cloud-hcl.js';
import { addGroup, type Collector, collector, known, pushRule, syntaxProblem, unknownRule, unknownValue, unreadable, type Value } from './cloud-rules.js';
import { describe, field, type LNode, text } from './cloud-tree.js';
import type { Artifact, Ingester, IngestResult } from './types.js';

interface Module {
  readonly variables: ReadonlyMap<string, LNode | undefined>;
  /** `aws_security_group.NAME` → the group's `name`, or the address when the name is not literal. */
  readonly groups: ReadonlyMap<string, string>;
}

const VAR_REF = /^(?:"\$\{\s*)?var\.([A-Za-z_][A-Za-z0-9_-]*)(?:\s*\}")?$/;

/** `var.x` (or "${var.x}") → the variable's default, when it has one; the node itself otherwise. */
function deref(m: Module, node: LNode | undefined): LNode | undefined {
  if (node?.kind !== 'other') return node;
  const name = VAR_REF.exec(node.text)?.[1];
  if (name === undefined) return node;
  const d = m.variables.get(name);
  return d === undefined ? { kind: 'other', line: node.line, text: `${node.text} (no default)` } : d;
}

function scalar(m: Module, node: LNode | undefined): Value<string | number> {
  const v = deref(m, node);
  if (v === undefined) return undefined;
  if (v.kind === 'scalar' && (typeof v.value === 'string' || typeof v.value === 'number')) return known(v.value);
  return unknownValue(describe(node));
}

function cidrList(m: Module, node: LNode | undefined): Value<string>[] {
  const v = deref(m, node);
  if (v === undefined) return [];
  if (v.kind === 'scalar' && v.value === null) return [];
  if (v.kind !== 'array') {
    const one = scalar(m, node);
    return [one === undefined || !one.ok ? unknownValue(describe(node)) : known(String(one.value))];
  }
  return v.items.map((item) => {
    const one = scalar(m, item);
    return one === undefined || !one.ok ? unknownValue(describe(item)) : known(String(one.value));
  });
}

function otherList(m: Module, node: LNode | undefined, what: string): string[] {
  const v = deref(m, node);
  if (v === undefined || (v.kind === 'scalar' && v.value === null)) return [];
  const list = v.kind === 'array' ? v.items : [v];
  return list.map((item) => `${what} ${text(item) ?? describe(item)}`);
}

/** The group a rule attaches to: `aws_security_group.X.id` → X's name; anything else as written. */
function groupOf(m: Module, node: LNode | undefined): string {
  if (node === undefined) return '(no security_group_id)';
  if (node.kind === 'other') {
    const address = /^((?:aws_security_group|aws_default_security_group)\.[A-Za-z_][A-Za-z0-9_-]*)\.id$/.exec(node.text)?.[1];
    if (address !== undefined) return m.groups.get(address) ?? address;
  }
  const v = scalar(m, node);
  return v?.ok ? String(v.value) : describe(node);
}

function description(m: Module, node: LNode | undefined): { description?: string } {
  const v = scalar(m, node);
  return v?.ok ? { description: String(v.value) } : {};
}

/** An aws_security_group ingress block (or object), or an aws_security_group_rule. */
function classicRule(c: Collector, m: Module, a: LNode, line: number, key: string): void {
  const self = field(a, 'self');
  const other = [
    ...otherList(m, field(a, 'security_groups'), 'security group'),
    ...otherList(m, field(a, 'prefix_list_ids'), 'prefix list'),
    ...otherList(m, field(a, 'source_security_group_id'), 'security group'),
  ];
  if (self !== undefined && !(self.kind === 'scalar' && self.value === false)) other.push('security group (self)');
  pushRule(c, {
    protocol: scalar(m, field(a, 'protocol')),
    fromPort: scalar(m, field(a, 'from_port')),
    toPort: scalar(m, field(a, 'to_port')),
    cidrs: [...cidrList(m, field(a, 'cidr_blocks')), ...cidrList(m, field(a, 'ipv6_cidr_blocks'))],
    otherSources: other,
    ...description(m, field(a, 'description')),
    origin: { file: c.file, line, key },
  });
}

function vpcRule(c: Collector, m: Module, a: LNode, line: number, key: string): void {
  const cidrs = [field(a, 'cidr_ipv4'), field(a, 'cidr_ipv6')].filter((n) => n !== undefined).map((n) => scalar(m, n) as Value<string>);
  pushRule(c, {
    protocol: scalar(m, field(a, 'ip_protocol')),
    fromPort: scalar(m, field(a, 'from_port')),
    toPort: scalar(m, field(a, 'to_port')),
    cidrs: cidrs.map((v) => (v === undefined || !v.ok ? v : known(String(v.value)))),
    otherSources: [...otherList(m, field(a, 'prefix_list_id'), 'prefix list'), ...otherList(m, field(a, 'referenced_security_group_id'), 'security group')],
    ...description(m, field(a, 'description')),
    origin: { file: c.file, line, key },
  });
}

function securityGroup(c: Collector, m: Module, block: HclBlockNode, address: string): void {
  addGroup(c, m.groups.get(address) ?? address, { file: c.file, line: block.line, key: address });
  let n = 0;
  for (const item of block.body) {
    if (item.kind === 'block' && item.type === 'ingress') classicRule(c, m, attributes(item.body, item.line), item.line, `${address}.ingress[${n++}]`);
    else if (item.kind === 'block' && item.type === 'dynamic' && item.labels[0] === 'ingress')
      unreadable(c, { file: c.file, line: item.line, key: address }, 'a dynamic "ingress" block');
    else if (item.kind === 'attribute' && item.name === 'ingress') {
      // Attributes-as-blocks: `ingress = [{ ... }]`.
      if (item.value.kind !== 'array') unreadable(c, { file: c.file, line: item.line, key: address }, `ingress = ${describe(item.value)}`);
      else
        for (const o of item.value.items)
          o.kind === 'object'
            ? classicRule(c, m, o, o.line, `${address}.ingress[${n++}]`)
            : unreadable(c, { file: c.file, line: o.line, key: address }, `ingress rule ${describe(o)}`);
    }
  }
}

function moduleOf(body: readonly HclItem[]): Module {
  const variables = new Map<string, LNode | undefined>();
  const groups = new Map<string, string>();
  for (const item of body) {
    if (item.kind !== 'block') continue;
    if (item.type === 'variable' && item.labels[0] !== undefined) variables.set(item.labels[0], field(attributes(item.body, item.line), 'default'));
    if (
      item.type === 'resource' &&
      (item.labels[0] === 'aws_security_group' || item.labels[0] === 'aws_default_security_group') &&
      item.labels[1] !== undefined
    ) {
      const address = `${item.labels[0]}.${item.labels[1]}`;
      groups.set(address, text(field(attributes(item.body, item.line), 'name')) ?? address);
    }
  }
  return { variables, groups };
}

export function ingestTerraform(artifact: Artifact): IngestResult {
  const c = collector(artifact.file);
  try {
    const parsed = parseHcl(artifact.text);
    if (parsed.error) {
      c.problems.push(syntaxProblem(c.file, parsed.error.line, `not HCL that moat can read (${parsed.error.message})`));
      c.rules.push(unknownRule({ file: c.file, line: parsed.error.line }, 'unreadable Terraform (syntax error)'));
    }
    const m = moduleOf(parsed.body);
    for (const item of parsed.body) {
      if (item.kind === 'block' && item.type === 'module') {
        // A module's resources live in its own files, which this file does not state.
        unreadable(
          c,
          { file: c.file, line: item.line, key: `module.${item.labels[0] ?? ''}` },
          `module "${item.labels[0] ?? ''}" (its security groups, if any, are in files moat was not given)`,
        );
        continue;
      }
      if (item.kind !== 'block' || item.type !== 'resource') continue;
      const [type, name] = item.labels;
      const address = `${type}.${name}`;
      const a = attributes(item.body, item.line);
      if (type === 'aws_security_group' || type === 'aws_default_security_group') securityGroup(c, m, item, address);
      else if (type === 'aws_security_group_rule') {
        const kind = scalar(m, field(a, 'type'));
        if (kind?.ok && String(kind.value) === 'egress') continue;
        addGroup(c, groupOf(m, field(a, 'security_group_id')), { file: c.file, line: item.line, key: address });
        classicRule(c, m, a, item.line, address);
      } else if (type === 'aws_vpc_security_group_ingress_rule') {
        addGroup(c, groupOf(m, field(a, 'security_group_id')), { file: c.file, line: item.line, key: address });
        vpcRule(c, m, a, item.line, address);
      }
    }
  } catch (error) {
    unreadable(c, { file: c.file, line: 1 }, `the file (${error instanceof Error ? error.message : String(error)})`);
  }
  return { kind: 'terraform', fragment: { cloud: { ingress: c.rules, groups: c.groups } }, problems: c.problems };
}

export const terraformIngester: Ingester = {
  kind: 'terraform',
  detect: (artifact) =>
    /^\s*(resource|data|variable|provider|module|output)\s+"[^"\n]*"(\s+"[^"\n]*")?\s*\{/m.test(artifact.text) ||
    /^\s*(terraform|locals)\s*\{/m.test(artifact.text),
  ingest: (artifact) => ingestTerraform(artifact),
};
