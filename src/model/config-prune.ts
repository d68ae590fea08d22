// After schema errors, keep going: drop what was invalid and merge the rest, so
// one run reports every problem (an address clash is still found when another
// service has a typo). What gets dropped is reported already.
import type { z } from 'zod';
import type { Config } from './config-schema.js';
import { ConfigSchema } from './config-schema.js';

type Issue = z.core.$ZodIssue;

/** How deep to cut under each top-level key: a whole service field, list item or leaf. */
function cutDepth(path: readonly PropertyKey[]): number {
  const top = path[0];
  const depth = top === 'services' || top === 'policy' ? 3 : top === 'routes' || top === 'models' ? 2 : path.length;
  return Math.min(depth, path.length);
}

function remove(root: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false;
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return true;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  const last = path[path.length - 1] as PropertyKey;
  if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1, undefined);
  else if (typeof node === 'object' && node !== null) delete (node as Record<PropertyKey, unknown>)[last];
  return true;
}

function compactArrays(node: unknown): unknown {
  if (Array.isArray(node)) return node.filter((item) => item !== undefined).map(compactArrays);
  if (typeof node === 'object' && node !== null) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, compactArrays(v)]));
  return node;
}

/** The valid remainder of a config that failed the schema, or undefined if nothing usable is left. */
export function validRemainder(data: unknown, issues: readonly Issue[]): Config | undefined {
  let current: unknown = structuredClone(data);
  let pending = issues;
  for (let round = 0; round < 5; round += 1) {
    for (const issue of pending) {
      const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
      const cut = paths.map((p) => p.slice(0, cutDepth(p)));
      for (const path of cut) if (!remove(current, path)) return undefined;
    }
    current = compactArrays(current);
    const result = ConfigSchema.safeParse(current);
    if (result.success) return result.data;
    pending = result.error.issues;
  }
  return undefined;
}
