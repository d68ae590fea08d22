// Kubernetes manifests (what `kubectl apply -f` takes, the output of `helm
// template`, `kubectl get -o yaml` Lists) into the Kubernetes state the
// Kubernetes layer of the analyzer reads (src/analyze/kubernetes). Documents
// are read one by one; a `List` (or any `*List` kind with `items`) is read item
// by item. Every fact carries its file and line, and the object it belongs to
// (with helm's `# Source:` template when there is one).
import type { KubeState } from '../analyze/kubernetes/types.js';
import type { Finding } from '../model/findings.js';
import { get, type LNode, seqItems, text } from './compose-yaml.js';
import { type ObjectFacts, readObject } from './kubernetes-objects.js';
import { Reader } from './kubernetes-read.js';
import { parseManifests } from './kubernetes-yaml.js';
import { type Artifact, artifactProblem, type Ingester, type IngestResult } from './types.js';

/** Objects that route outside traffic to pods and that moat does not model (by API group/kind). */
const UNMODELLED_EXPOSURE =
  /^(gateway\.networking\.k8s\.io\/.*:(Gateway|HTTPRoute|GRPCRoute|TCPRoute|UDPRoute|TLSRoute)|route\.openshift\.io\/.*:Route|networking\.istio\.io\/.*:(Gateway|VirtualService)|traefik\.(containo\.us|io)\/.*:IngressRoute(TCP|UDP)?)$/;

/** A manifest needs no namespace: `kubectl apply` puts it in the current one, `default` unless told. */
export const DEFAULT_NAMESPACE = 'default';

function isObject(node: LNode): boolean {
  return node.kind === 'map' && text(get(node, 'apiVersion')) !== undefined && text(get(node, 'kind')) !== undefined;
}

function detect(artifact: Artifact): boolean {
  if (!/^\s*apiVersion\s*:/m.test(artifact.text) || !/^\s*kind\s*:/m.test(artifact.text)) return false;
  const { documents, problems } = parseManifests(artifact);
  // A stream with a syntax error is still claimed when its top level reads like an object, so the error is reported, not skipped.
  if (documents.length === 0)
    return problems.length > 0 && /^apiVersion:\s*[A-Za-z0-9./-]+\s*$/m.test(artifact.text) && /^kind:\s*[A-Z][A-Za-z]+\s*$/m.test(artifact.text);
  return documents.some((d) => isObject(d.root));
}

export interface KubernetesIngestOptions {
  readonly defaultNamespace?: string;
}

export function ingestKubernetes(artifact: Artifact, options: KubernetesIngestOptions = {}): IngestResult {
  const { documents, problems: parseProblems } = parseManifests(artifact);
  const problems: Finding[] = [...parseProblems];
  const facts: ObjectFacts = { configMaps: [], pods: [], services: [], ingresses: [], policies: [], namespaces: [] };
  const defaultNamespace = options.defaultNamespace ?? DEFAULT_NAMESPACE;
  const readOne = (root: LNode, source: string | undefined, depth: number): void => {
    if (!isObject(root)) {
      // A null or empty document says nothing; anything else is worth a word.
      if (!(root.kind === 'scalar' && root.value === null)) {
        problems.push(
          artifactProblem(
            'ingest.kubernetes.not-an-object',
            'medium',
            { file: root.file, line: root.line },
            `${artifact.file}:${root.line}: this YAML document is not a Kubernetes object (no apiVersion and kind); skipped`,
            'pass rendered manifests (`helm template`, `kustomize build`), one object per document',
          ),
        );
      }
      return;
    }
    const kind = text(get(root, 'kind')) ?? '';
    const apiVersion = text(get(root, 'apiVersion')) ?? '';
    const items = get(root, 'items');
    if (/List$/.test(kind) && depth < 2) {
      for (const item of seqItems(items)) readOne(item, source, depth + 1);
      if (items !== undefined && items.kind !== 'seq')
        problems.push(
          artifactProblem(
            'ingest.kubernetes.bad-field',
            'high',
            { file: items.file, line: items.line },
            `${artifact.file}:${items.line}: a ${kind}'s items should be a list; nothing of it is read`,
            'pass the output of `kubectl get -o yaml` unedited',
          ),
        );
      return;
    }
    const name = text(get(get(root, 'metadata'), 'name')) ?? '(unnamed)';
    const namespace = text(get(get(root, 'metadata'), 'namespace'));
    const object = `${source ? `${source}: ` : ''}${kind}/${namespace ? `${namespace}/` : ''}${name}`;
    if (UNMODELLED_EXPOSURE.test(`${apiVersion}:${kind}`)) {
      problems.push(
        artifactProblem(
          'ingest.kubernetes.unmodelled-exposure',
          'medium',
          { file: root.file, line: root.line },
          `${object} (${apiVersion}) can route traffic from outside the cluster, and moat does not model it`,
          'review what it exposes by hand, or expose through a Service or an Ingress',
        ),
      );
      return;
    }
    const reader = new Reader(object);
    readObject(root, kind, defaultNamespace, facts, reader);
    problems.push(...reader.problems);
  };
  for (const doc of documents) readOne(doc.root, doc.source, 0);
  const kubernetes: KubeState = facts;
  return { kind: 'kubernetes', fragment: { kubernetes }, problems };
}

export const kubernetesIngester: Ingester = {
  kind: 'kubernetes',
  detect,
  ingest: (artifact) => ingestKubernetes(artifact),
};

/** The Kubernetes facts of several ingest results, as one state. */
export function mergeKubernetes(results: readonly IngestResult[]): KubeState {
  const parts = results.flatMap((r) => (r.fragment.kubernetes ? [r.fragment.kubernetes] : []));
  return {
    namespaces: parts.flatMap((p) => p.namespaces),
    pods: parts.flatMap((p) => p.pods),
    services: parts.flatMap((p) => p.services),
    ingresses: parts.flatMap((p) => p.ingresses),
    policies: parts.flatMap((p) => p.policies),
    configMaps: parts.flatMap((p) => p.configMaps ?? []),
  };
}
