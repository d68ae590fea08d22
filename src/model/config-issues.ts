// zod issues of moat.yaml → located findings. Wording lives here, the issues
// stay data (design.md: Zod v4 style, a processor per kind).
import type { z } from 'zod';
import { knownKeysAt } from './config-json-schema.js';
import type { PathSegment } from './config-yaml.js';
import { formatPath } from './config-yaml.js';
import { closestName } from './did-you-mean.js';
import type { Finding } from './findings.js';

type Issue = z.core.$ZodIssue;

/** Located by the caller (load.ts) from the path. */
/** `segments`: the key path as written (a key may itself contain `.` or `[`, which the formatted path cannot round-trip). */
export type UnlocatedFinding = Finding & { readonly preferKey?: boolean; readonly segments?: readonly PathSegment[] };

function segmentsOf(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((s) => (typeof s === 'number' ? s : String(s)));
}

function describe(path: readonly PathSegment[]): string {
  return path.length === 0 ? 'the file' : formatPath(path);
}

function unknownKey(path: PathSegment[], key: string): UnlocatedFinding {
  const known = knownKeysAt(path);
  const best = closestName(key, known);
  const where = path.length === 0 ? 'at the top level' : `in ${formatPath(path)}`;
  const list = known.length > 0 ? `valid keys here: ${known.join(', ')}` : 'remove it';
  return {
    code: 'config.unknown-key',
    severity: 'high',
    path: formatPath([...path, key]),
    segments: [...path, key],
    message: `unknown key "${key}" ${where}`,
    hint: best !== undefined ? `did you mean "${best}"? ${list}` : list,
    preferKey: true,
  };
}

/** The branch of a failed union that matches the input's shape, if exactly one does. */
function likelyBranch(issue: Issue & { code: 'invalid_union' }): Issue[] | undefined {
  const shaped = issue.errors.filter((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
  return shaped.length === 1 ? shaped[0] : undefined;
}

/** Whether the input has a value at this path (zod v4 issues do not carry the input). */
function present(data: unknown, path: readonly PathSegment[]): boolean {
  let node: unknown = data;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return false;
    node = (node as Record<string, unknown>)[String(segment)];
  }
  return node !== undefined;
}

/** zod's type names, in the words of a YAML file. */
const TYPE_WORDS: Readonly<Record<string, string>> = {
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};
const article = (type: string): string => TYPE_WORDS[type] ?? `a ${type}`;

/** `data` is the config as written, to tell a missing field from a wrong one. */
export function issueFindings(issues: readonly Issue[], data: unknown, prefix: readonly PathSegment[] = []): UnlocatedFinding[] {
  const findings: UnlocatedFinding[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...segmentsOf(issue.path)];
    if (path.length > 0 && issue.code !== 'unrecognized_keys' && !present(data, path)) {
      const field = String(path[path.length - 1]);
      findings.push(
        invalidValue(
          path,
          `${formatPath(path.slice(0, -1)) || 'the file'} lacks ${field}, which is required`,
          `add ${field} (${issue.message.replace(/^Invalid (input|option): /, '')})`,
        ),
      );
      continue;
    }
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) findings.push(unknownKey(path, key));
        break;
      case 'invalid_union': {
        const branch = likelyBranch(issue);
        if (branch) findings.push(...issueFindings(branch, data, path));
        else findings.push(invalidValue(path, 'does not match any accepted form', 'see the schema (schema/moat.schema.json) for the accepted forms'));
        break;
      }
      case 'invalid_key':
        findings.push(
          invalidValue(path, `the name "${String(path[path.length - 1])}" is not valid: ${issue.issues[0]?.message ?? issue.message}`, 'rename it'),
        );
        break;
      case 'invalid_type':
        findings.push(invalidValue(path, `${describe(path)}: expected ${article(issue.expected)}`, `write ${article(issue.expected)} here`));
        break;
      default:
        findings.push(
          invalidValue(path, `${describe(path)}: ${issue.message}`, 'correct the value (the schema in schema/moat.schema.json lists what is accepted)'),
        );
    }
  }
  return findings;
}

function invalidValue(path: PathSegment[], message: string, hint: string): UnlocatedFinding {
  return { code: 'config.invalid-value', severity: 'high', path: formatPath(path), segments: path, message, hint };
}
