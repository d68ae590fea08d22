// The Kubernetes ingester never throws, whatever it is given: random text,
// real manifests with random edits, and the real manifests' objects with a
// value of a random type put anywhere. Every problem and every fact is
// located, and the Kubernetes analyzer runs on what comes out.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { analyzeKubernetes } from '../../src/analyze/kubernetes/index.js';
import type { KubeState } from '../../src/analyze/kubernetes/types.js';
import { kubernetesIngester } from '../../src/ingest/kubernetes.js';
import { mutated } from './corpus/firewall/fuzz-support.js';

const REAL = ['helm-template.yaml', 'list.yaml'].map((n) => readFileSync(new URL(`kubernetes-corpus/${n}`, import.meta.url), 'utf8'));
const POLICY = { allow: [], platformOnly: ['ollama', 'redis'] };

function check(text: string): void {
  const file = 'fuzz.yaml';
  kubernetesIngester.detect({ file, text });
  const r = kubernetesIngester.ingest({ file, text }, {});
  for (const p of r.problems) {
    expect(p.location?.file).toBe(file);
    expect(Number.isInteger(p.location?.line) && (p.location?.line ?? 0) >= 1).toBe(true);
    expect(p.hint.length).toBeGreaterThan(0);
  }
  const k = r.fragment.kubernetes as KubeState;
  const origins = [
    ...k.pods.flatMap((p) => [p.origin, ...p.ports.map((c) => c.origin)]),
    ...k.services.flatMap((s) => [s.origin, ...s.ports.map((p) => p.origin)]),
    ...k.policies.map((p) => p.origin),
    ...k.ingresses.map((i) => i.origin),
    ...k.namespaces.map((n) => n.origin),
  ];
  for (const o of origins) {
    expect(o.file).toBe(file);
    expect(o.line).toBeGreaterThanOrEqual(1);
  }
  analyzeKubernetes(k, POLICY);
}

describe('kubernetes ingester (fuzz)', () => {
  it('survives random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (t) => check(`apiVersion: v1\nkind: ${t}`)),
      { numRuns: 300 },
    );
  });

  it('survives real manifests with random edits', () => {
    fc.assert(fc.property(fc.constantFrom(...REAL).chain(mutated), check), { numRuns: 300 });
  });

  it('survives a value of any type anywhere in a real object', () => {
    const docs = parseAllDocuments(REAL[0] as string);
    const objects = (Array.isArray(docs) ? docs : [docs]).map((d) => d.toJS() as unknown);
    const paths: { doc: number; path: (string | number)[] }[] = [];
    const walk = (v: unknown, doc: number, path: (string | number)[]) => {
      paths.push({ doc, path });
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, doc, [...path, i]));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, doc, [...path, k]);
    };
    objects.forEach((o, i) => walk(o, i, []));
    fc.assert(
      fc.property(fc.constantFrom(...paths.filter((p) => p.path.length > 0)), fc.jsonValue({ maxDepth: 2 }), ({ doc, path }, value) => {
        const copy = structuredClone(objects) as Record<string | number, unknown>[];
        let at = copy[doc] as Record<string | number, unknown>;
        for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
        at[path[path.length - 1] as string | number] = value;
        check(copy.map((o) => stringify(o)).join('---\n'));
      }),
      { numRuns: 400 },
    );
  });
});
