// The shapes every Kubernetes object moat renders shares: names, labels,
// metadata, port names, and the multi-document YAML they are written as (one
// object per document, sorted keys, YAML 1.1 quoting so `on`/`yes` stay strings).
import { stringify } from 'yaml';
import type { Platform, PortSpec, Service } from '../../model/types.js';
import { generatedHeader } from '../types.js';

export type K8sObject = Record<string, unknown> & { readonly apiVersion: string; readonly kind: string; readonly metadata: Record<string, unknown> };

export const PART_OF = 'moat';
const LABEL_NAME = 'app.kubernetes.io/name';
const LABEL_PART_OF = 'app.kubernetes.io/part-of';
const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';

/** Annotations that tie a NetworkPolicy to the model edge it allows (the proof reads them back). */
export const EDGE_KIND = 'moat/edge-kind';
export const EDGE_FROM = 'moat/edge-from';
export const EDGE_TO = 'moat/edge-to';

/** The namespace (normalize fills it with the project name when moat.yaml leaves it out). */
export function namespaceOf(platform: Platform): string {
  return platform.kubernetes.namespace ?? platform.project;
}

/** The pods of one service: what workloads, Services and policies select. */
export function selectorOf(service: string): Record<string, string> {
  return { [LABEL_NAME]: service, [LABEL_PART_OF]: PART_OF };
}

export function labelsOf(service?: string): Record<string, string> {
  return { ...(service === undefined ? {} : { [LABEL_NAME]: service }), [LABEL_PART_OF]: PART_OF, [LABEL_MANAGED_BY]: PART_OF };
}

export function metadata(platform: Platform, name: string, service?: string, annotations?: Record<string, string>): Record<string, unknown> {
  return { name, namespace: namespaceOf(platform), labels: labelsOf(service), ...(annotations ? { annotations } : {}) };
}

/** The in-cluster DNS name of a service's ClusterIP Service. */
export function serviceFqdn(platform: Platform, service: string): string {
  return `${service}.${namespaceOf(platform)}.svc.cluster.local`;
}

/** An IANA_SVC_NAME (15 characters at most, a letter in it): `tcp-11434`. */
export function portName(port: Pick<PortSpec, 'port' | 'protocol'>): string {
  return `${port.protocol}-${port.port}`;
}

export function containerPorts(service: Service): Record<string, unknown>[] {
  return service.ports.map((p) => ({ name: portName(p), containerPort: p.port, protocol: p.protocol.toUpperCase() }));
}

/** Objects as one multi-document YAML file, under the generated header and the file's comments. */
export function manifestFile(objects: readonly K8sObject[], comments: readonly string[] = []): string {
  const head = [generatedHeader('#'), ...comments.map((c) => `# ${c}`)].join('\n');
  const docs = objects.map((o) => stringify(o, { sortMapEntries: true, lineWidth: 0, version: '1.1', aliasDuplicateObjects: false }));
  return `${head}\n${docs.map((d) => `---\n${d}`).join('')}`;
}
