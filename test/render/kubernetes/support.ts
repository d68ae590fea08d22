// Shared by the Kubernetes renderer's tests: load a moat.yaml (through the
// real loader, as `moat plan` does), render, and read the manifests back as
// objects; validate each against the Kubernetes schemas of kubernetes-models
// (the OpenAPI of Kubernetes 1.31, the last release whose models run on Node 20).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { loadPlatform } from '../../../src/cli/load-platform.js';
import type { Platform } from '../../../src/model/types.js';
import { renderKubernetes } from '../../../src/render/kubernetes/index.js';
import type { RenderResult } from '../../../src/render/types.js';

export type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
};

/** The platform a moat.yaml text describes (`reference` or '' for none), loaded as the CLI loads it. */
export async function platformOf(configText: string): Promise<Platform> {
  const text = configText.trim();
  const dir = mkdtempSync(join(tmpdir(), 'moat-k8s-'));
  try {
    if (text === '' || text === 'reference') return (await loadPlatform({ cwd: dir })).platform;
    writeFileSync(join(dir, 'moat.yaml'), `${text}\n`);
    return (await loadPlatform({ cwd: dir, configPath: 'moat.yaml' })).platform;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every object of every manifest file (the kustomization is not an API object). */
export function objectsOf(result: RenderResult): Obj[] {
  return result.files
    .filter((f) => f.path.endsWith('.yaml') && !f.path.endsWith('kustomization.yaml'))
    .flatMap((f) => parseAllDocuments(f.content, { version: '1.1' }).map((d) => d.toJS() as Obj));
}

export function render(platform: Platform): RenderResult {
  return renderKubernetes(platform, {});
}

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

/** Validates one object against its kind's schema; throws with the schema's words, or for a kind moat should not emit. */
export function validateObject(o: Obj): void {
  const Model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!Model) throw new Error(`no schema for ${o.apiVersion} ${o.kind}: the renderer emits a kind the tests do not know`);
  new Model(o as never).validate();
}

/** The pods' specs of every workload. */
export function podSpecs(objects: readonly Obj[]): { owner: string; spec: Record<string, unknown> }[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .map((o) => ({ owner: o.metadata.name, spec: (o.spec?.['template'] as { spec: Record<string, unknown> }).spec }));
}
