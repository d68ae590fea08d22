// Small typed readers over a located manifest tree: each returns the value or
// records a located problem (a field of the wrong type) and returns undefined,
// so one bad field never hides the rest of the object.
import type { Origin } from '../analyze/state.js';
import type { Finding } from '../model/findings.js';
import { get, type LNode, mapEntries, seqItems } from './compose-yaml.js';
import { artifactProblem } from './types.js';

export class Reader {
  readonly problems: Finding[] = [];
  constructor(
    /** `Deployment/moat/ollama`, prefixed with helm's `# Source:` template when known. */
    readonly object: string,
  ) {}

  origin(node: LNode | undefined, fallback: LNode, key: string): Origin {
    const at = node ?? fallback;
    return { file: at.file, line: at.line, key: `${this.object} ${key}` };
  }

  bad(node: LNode, key: string, expected: string, consequence: string): void {
    const got = node.kind === 'scalar' ? (node.value === null ? 'null' : typeof node.value) : node.kind === 'seq' ? 'a list' : 'a mapping';
    this.problems.push(
      artifactProblem(
        'ingest.kubernetes.bad-field',
        'high',
        { file: node.file, line: node.line },
        `${this.object}: ${key} should be ${expected}, not ${got}; ${consequence}`,
        'fix the manifest (`kubectl apply --dry-run=server` rejects it too)',
      ),
    );
  }

  str(parent: LNode | undefined, key: string, path: string): string | undefined {
    const node = get(parent, key);
    if (node === undefined || (node.kind === 'scalar' && node.value === null)) return undefined;
    if (node.kind === 'scalar' && (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean'))
      return String(node.value);
    this.bad(node, path, 'a string', 'it is ignored');
    return undefined;
  }

  /** An integer in [min, max]; a numeric string is accepted (the API server is stricter, moat reads what it can). */
  int(parent: LNode | undefined, key: string, path: string, min: number, max: number): number | undefined {
    const node = get(parent, key);
    if (node === undefined || (node.kind === 'scalar' && node.value === null)) return undefined;
    const n = node.kind === 'scalar' ? Number(node.value) : Number.NaN;
    if (node.kind === 'scalar' && typeof node.value !== 'boolean' && Number.isInteger(n) && n >= min && n <= max) return n;
    this.bad(node, path, `an integer from ${min} to ${max}`, 'it is read as unknown');
    return undefined;
  }

  bool(parent: LNode | undefined, key: string, path: string): boolean | undefined {
    const node = get(parent, key);
    if (node === undefined || (node.kind === 'scalar' && node.value === null)) return undefined;
    if (node.kind === 'scalar' && typeof node.value === 'boolean') return node.value;
    this.bad(node, path, 'true or false', 'it is read as true');
    return true;
  }

  /** A list (absent or null: empty); anything else is a problem and empty. */
  list(parent: LNode | undefined, key: string, path: string): readonly LNode[] | undefined {
    const node = get(parent, key);
    if (node === undefined || (node.kind === 'scalar' && node.value === null)) return undefined;
    if (node.kind === 'seq') return seqItems(node);
    this.bad(node, path, 'a list', 'it is read as unknown');
    return undefined;
  }

  map(parent: LNode | undefined, key: string, path: string): LNode | undefined {
    const node = get(parent, key);
    if (node === undefined || (node.kind === 'scalar' && node.value === null)) return undefined;
    if (node.kind === 'map') return node;
    this.bad(node, path, 'a mapping', 'it is read as unknown');
    return undefined;
  }

  /** A string-to-string mapping (labels, matchLabels); non-string values are problems and skipped. */
  labels(parent: LNode | undefined, key: string, path: string): Record<string, string> | undefined {
    const node = this.map(parent, key, path);
    if (node === undefined) {
      const raw = get(parent, key);
      return raw === undefined || (raw.kind === 'scalar' && raw.value === null) ? {} : undefined;
    }
    const out: [string, string][] = [];
    for (const [k, v] of mapEntries(node)) {
      if (v.kind === 'scalar' && v.value !== null) out.push([k, String(v.value)]);
      else this.bad(v, `${path}.${k}`, 'a string', 'the label is ignored');
    }
    // fromEntries defines own properties: a key `__proto__` stays a label, never a prototype.
    return Object.fromEntries(out);
  }
}
