import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectArtifact, detectKind, ingesterFor } from '../../src/ingest/detect.js';
import { INGESTERS } from '../../src/ingest/registry.js';
import type { Artifact, ArtifactKind, Ingester } from '../../src/ingest/types.js';
import { COMPOSE_FILE, renderCompose } from '../../src/render/compose.js';
import { goldenPlatform } from '../support/golden.js';

const dirs: Record<string, ArtifactKind> = { compose: 'compose', docker: 'docker-inspect', ss: 'ss', sshd: 'sshd-config' };

const corpus: { artifact: Artifact; kind: ArtifactKind }[] = Object.entries(dirs).flatMap(([dir, kind]) =>
  readdirSync(new URL(`corpus/${dir}/`, import.meta.url))
    .sort()
    .map((f) => ({ artifact: { file: `${dir}/${f}`, text: readFileSync(new URL(`corpus/${dir}/${f}`, import.meta.url), 'utf8') }, kind })),
);

describe('detectKind: by content, one kind per file', () => {
  it('has one ingester per kind in the registry', () => {
    const kinds = INGESTERS.map((i) => i.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const k of kinds) expect(ingesterFor(k)?.kind).toBe(k);
  });

  it.each(corpus.map((c) => [c.artifact.file, c]))('%s is exactly its kind', (_, c) => {
    const claimed = INGESTERS.filter((i) => i.detect(c.artifact)).map((i) => i.kind);
    expect(claimed).toEqual([c.kind]);
    expect(detectKind(c.artifact)).toBe(c.kind);
  });

  it("moat's own rendered compose.yaml is compose", () => {
    const text = renderCompose(goldenPlatform(''), {}).files.find((f) => f.path === COMPOSE_FILE)?.content ?? '';
    expect(detectKind({ file: COMPOSE_FILE, text })).toBe('compose');
  });

  it('a file no ingester claims is an info problem, located', () => {
    const d = detectArtifact({ file: 'README.md', text: '# hello\n\nsome prose\n' });
    expect(d.kind).toBeUndefined();
    expect(d.problems.map((p) => [p.code, p.severity, p.location?.file, p.location?.line])).toEqual([['ingest.unknown-format', 'info', 'README.md', 1]]);
  });

  it('a file two ingesters claim is a located problem, not a guess', () => {
    const greedy: Ingester = { kind: 'nginx', detect: () => true, ingest: () => ({ kind: 'nginx', fragment: {}, problems: [] }) };
    const a = corpus[0]?.artifact as Artifact;
    const d = detectArtifact(a, [...INGESTERS, greedy]);
    expect(d.kind).toBeUndefined();
    expect(d.problems.map((p) => [p.code, p.location?.file])).toEqual([['ingest.ambiguous-format', a.file]]);
    expect(detectKind(a, [...INGESTERS, greedy])).toBeUndefined();
  });

  it('a detector that throws does not claim the file', () => {
    const broken: Ingester = {
      kind: 'nginx',
      detect: () => {
        throw new Error('boom');
      },
      ingest: () => ({ kind: 'nginx', fragment: {}, problems: [] }),
    };
    expect(detectKind(corpus[0]?.artifact as Artifact, [...INGESTERS, broken])).toBe('compose');
  });
});
