// Several compose files as one project, the way `docker compose -f a -f b`
// merges them (compose-spec 13-merge.md): mappings merge key by key, later
// scalars win, sequences append (ports, expose), `command`, `entrypoint` and
// `healthcheck.test` are replaced, `!reset` removes a value and `!override`
// replaces it whole. Lists that compose also accepts as mappings
// (`environment`, `networks`) are turned into mappings first, as compose does
// before merging. Located nodes keep the file and line they came from.
import type { LMap, LNode, LScalar } from './compose-yaml.js';

const REPLACED = new Set(['services.*.command', 'services.*.entrypoint', 'services.*.healthcheck.test']);
const AS_MAPPING = new Set(['services.*.environment', 'services.*.networks', 'services.*.labels']);

function pattern(path: readonly string[]): string {
  return path.map((p, i) => (i === 1 && path[0] === 'services' ? '*' : p)).join('.');
}

/** `["A=1", "B"]` → {A: "1", B: null}; `[front, back]` → {front: null, back: null}. */
function listAsMapping(node: LNode): LNode {
  if (node.kind !== 'seq') return node;
  const entries = new Map<string, LNode>();
  const keys = new Map<string, { file: string; line: number }>();
  for (const item of node.items) {
    if (item.kind !== 'scalar' || item.value === null) continue;
    const raw = String(item.value);
    const eq = raw.indexOf('=');
    const value: LScalar = { kind: 'scalar', file: item.file, line: item.line, value: eq < 0 ? null : raw.slice(eq + 1) };
    entries.set(eq < 0 ? raw : raw.slice(0, eq), value);
    keys.set(eq < 0 ? raw : raw.slice(0, eq), { file: item.file, line: item.line });
  }
  return { kind: 'map', file: node.file, line: node.line, entries, keys };
}

/** The tree with compose's list-or-mapping attributes as mappings. */
export function normalize(node: LNode, path: readonly string[] = []): LNode {
  const here = pattern(path);
  const base = AS_MAPPING.has(here) ? listAsMapping(node) : node;
  if (base.kind === 'map') {
    const entries = new Map<string, LNode>();
    for (const [k, v] of base.entries) entries.set(k, normalize(v, [...path, k]));
    return { ...base, entries };
  }
  return base;
}

/** Merges `over` (a later file) into `base`; undefined when `!reset` removes it. */
export function mergeNode(base: LNode | undefined, over: LNode, path: readonly string[] = []): LNode | undefined {
  if (over.tag === '!reset') return undefined;
  if (base === undefined || over.tag === '!override') return over;
  if (base.kind === 'map' && over.kind === 'map') {
    const entries = new Map<string, LNode>(base.entries);
    // A key keeps where it was first written; a key only the later file has is where that file writes it.
    const keys = new Map(base.keys ?? []);
    for (const [k, v] of over.entries) {
      const merged = mergeNode(entries.get(k), v, [...path, k]);
      if (merged === undefined) {
        entries.delete(k);
        keys.delete(k);
      } else {
        entries.set(k, merged);
        const at = over.keys?.get(k);
        if (!keys.has(k) && at) keys.set(k, at);
      }
    }
    const out: LMap = { kind: 'map', file: base.file, line: base.line, entries, keys };
    return out;
  }
  if (base.kind === 'seq' && over.kind === 'seq' && !REPLACED.has(pattern(path))) {
    return { kind: 'seq', file: base.file, line: base.line, items: [...base.items, ...over.items] };
  }
  return over;
}

/** The files of one project, first to last, as one tree. */
export function mergeProject(roots: readonly LNode[]): LNode | undefined {
  let merged: LNode | undefined;
  for (const root of roots) {
    const n = normalize(root);
    merged = merged === undefined ? (n.tag === '!reset' ? undefined : n) : mergeNode(merged, n);
  }
  return merged;
}
