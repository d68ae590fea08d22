// A tiny HCL writer: blocks with labels, attributes in the order given, values
// as HCL literals. Enough for the Terraform moat emits, and deterministic.

/** A reference or expression written verbatim (`aws_security_group.host.id`). */
export interface HclExpr {
  readonly expr: string;
}

export type HclValue = string | number | boolean | HclExpr | readonly HclValue[] | { readonly [key: string]: HclValue };

export interface HclBlock {
  readonly type: string;
  readonly labels?: readonly string[];
  /** Comment lines written above the block (without `#`). */
  readonly comments?: readonly string[];
  readonly body: readonly (HclAttr | HclBlock)[];
}

export interface HclAttr {
  readonly name: string;
  readonly value: HclValue;
}

export function expr(text: string): HclExpr {
  return { expr: text };
}

function isExpr(value: unknown): value is HclExpr {
  return typeof value === 'object' && value !== null && 'expr' in value && Object.keys(value).length === 1;
}

function isBlock(item: HclAttr | HclBlock): item is HclBlock {
  return 'body' in item;
}

/**
 * An HCL string literal: JSON's escapes, less the two HCL lacks (`\b`, `\f`
 * become `\uNNNN`; HCL has \n \r \t \" \\ \uNNNN \UNNNNNNNN, hashicorp/hcl
 * hclsyntax/spec.md), plus `${` and `%{` escaped as `$${` and `%%{` so a value
 * from the model never becomes an interpolation or a template directive.
 */
export function hclString(value: string): string {
  return JSON.stringify(value)
    .replace(/\\(\\|b|f)/g, (m, c: string) => (c === 'b' ? '\\u0008' : c === 'f' ? '\\u000c' : m))
    .replaceAll('${', () => '$${')
    .replaceAll('%{', () => '%%{');
}

function value(v: HclValue, indent: string): string {
  if (typeof v === 'string') return hclString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isExpr(v)) return v.expr;
  if (Array.isArray(v)) return `[${(v as readonly HclValue[]).map((x) => value(x, indent)).join(', ')}]`;
  const entries = Object.entries(v as { readonly [key: string]: HclValue });
  if (entries.length === 0) return '{}';
  const inner = `${indent}  `;
  const keys = entries.map(([k]) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : hclString(k)));
  const width = Math.max(...keys.map((k) => k.length));
  return `{\n${entries.map(([, x], i) => `${inner}${(keys[i] ?? '').padEnd(width)} = ${value(x, inner)}`).join('\n')}\n${indent}}`;
}

function block(b: HclBlock, indent: string): string[] {
  const labels = (b.labels ?? []).map((l) => ` ${hclString(l)}`).join('');
  // A comment line never carries a line break: the rest would be read as code.
  const out = (b.comments ?? []).flatMap((c) => c.split(/\r?\n|\r/)).map((c) => `${indent}# ${c}`.trimEnd());
  out.push(`${indent}${b.type}${labels} {`);
  const inner = `${indent}  `;
  const attrs = b.body.filter((x): x is HclAttr => !isBlock(x));
  const width = attrs.length === 0 ? 0 : Math.max(...attrs.map((a) => a.name.length));
  for (const item of b.body) {
    if (isBlock(item)) out.push(...block(item, inner));
    else out.push(`${inner}${item.name.padEnd(width)} = ${value(item.value, inner)}`);
  }
  out.push(`${indent}}`);
  return out;
}

/** A whole file: blocks separated by blank lines. */
export function hclFile(header: readonly string[], blocks: readonly HclBlock[]): string {
  return `${[header.join('\n'), ...blocks.map((b) => block(b, '').join('\n'))].join('\n\n')}\n`;
}

/** A heredoc for multi-line text (user data); the body must not contain the delimiter line. */
export function heredoc(text: string, delimiter = 'EOT'): HclExpr {
  if (text.split('\n').includes(delimiter)) throw new Error(`heredoc body contains ${delimiter} (this is a bug in moat)`);
  const body = text.replaceAll('${', () => '$${').replaceAll('%{', () => '%%{');
  return expr(`<<${delimiter}\n${body.endsWith('\n') ? body : `${body}\n`}${delimiter}`);
}
