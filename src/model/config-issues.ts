// zod issues of moat.yaml → located findings. Wording lives here, the issues
// stay data (design.md: Zod v4 style, a processor per kind).
import type { z } from 'zod';
import { knownKeysAt } from './config-json-schema.js';
import { formatPath } from './config-yaml.js';
import type { PathSegment } from './config-yaml.js';
import { closestName } from './did-you-mean.js';
import type { Finding } from './findings.js';

type Issue = z.core.$ZodIssue;

/** Located by the caller (load.ts) from the path. */
export type UnlocatedFinding = Finding & { readonly preferKey?: boolean };

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

export function issueFindings(issues: readonly Issue[], prefix: readonly PathSegment[] = []): UnlocatedFinding[] {
  const findings: UnlocatedFinding[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...segmentsOf(issue.path)];
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) findings.push(unknownKey(path, key));
        break;
      case 'invalid_union': {
        const branch = likelyBranch(issue);
        if (branch) findings.push(...issueFindings(branch, path));
        else findings.push(invalidValue(path, 'does not match any accepted form', 'see the schema (schema/moat.schema.json) for the accepted forms'));
        break;
      }
      case 'invalid_key':
        findings.push(invalidValue(path, `the name "${String(path[path.length - 1])}" is not valid: ${issue.issues[0]?.message ?? issue.message}`, 'rename it'));
        break;
      case 'invalid_type': {
        const missing = (issue as { input?: unknown }).input === undefined && issue.message.includes('received undefined');
        findings.push(
          missing
            ? invalidValue(path, `${describe(path)} is required here`, `add ${String(path[path.length - 1])} (${issue.expected})`)
            : invalidValue(path, `${describe(path)}: expected ${issue.expected}`, `write a ${issue.expected} here`),
        );
        break;
      }
      default:
        findings.push(invalidValue(path, `${describe(path)}: ${issue.message}`, 'correct the value (the schema in schema/moat.schema.json lists what is accepted)'));
    }
  }
  return findings;
}

function invalidValue(path: PathSegment[], message: string, hint: string): UnlocatedFinding {
  return { code: 'config.invalid-value', severity: 'high', path: formatPath(path), message, hint };
}
