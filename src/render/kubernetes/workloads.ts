// One service → its objects: the ConfigMaps of the files it mounts, a
// Deployment (stateless, or only shared volumes) or a StatefulSet (a volume of
// its own, as volumeClaimTemplates), and a ClusterIP Service named like the
// service, so the names the catalog's env uses (`http://ollama:11434`) resolve.
// Ollama runs `replicas` pods, each with its own volume, GPU and DNS name
// (the headless Service), behind LiteLLM (configs.ts). Nothing is exposed
// here: the gateway has no ClusterIP Service, only its tailnet Service.
// Sources: https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/ (stable network ID, headless Service),
// https://kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/ (nvidia.com/gpu in limits)
import { posix } from 'node:path';
import type { Platform, Service } from '../../model/types.js';
import { OLLAMA, OLLAMA_REPLICAS_SERVICE } from './configs.js';
import { type K8sObject, metadata, portName, selectorOf } from './objects.js';
import { type PodExtras, podTemplate } from './pod.js';
import { claimSpec, k8sName, type MountPlan, ownVolumes, volumeKind } from './volumes.js';

type Mapping = Record<string, unknown>;

/** The ConfigMap of one bundle file: named after the volume, one key (the file's name). */
export function configMapFor(volumeName: string, bundleFile: string): { name: string; key: string } {
  return { name: k8sName(volumeName), key: posix.basename(bundleFile) };
}

function configMaps(platform: Platform, service: Service, plan: MountPlan, contents: ReadonlyMap<string, string>): K8sObject[] {
  return service.volumes
    .filter((v) => volumeKind(v) === 'bundle')
    .flatMap((v) => {
      const map = plan.configMaps.get(v.bundleFile ?? '');
      const content = contents.get(v.bundleFile ?? '');
      if (!map || content === undefined) return [];
      return [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(platform, map.name, service.name), data: { [map.key]: content } }];
    });
}

function clusterService(platform: Platform, service: Service, name: string, headless: boolean): K8sObject {
  const spec: Mapping = {
    type: 'ClusterIP',
    selector: selectorOf(service.name),
    ports: service.ports.map((p) => ({ name: portName(p), port: p.port, targetPort: portName(p), protocol: p.protocol.toUpperCase() })),
  };
  if (headless) Object.assign(spec, { clusterIP: 'None', publishNotReadyAddresses: false });
  return { apiVersion: 'v1', kind: 'Service', metadata: metadata(platform, name, service.name), spec };
}

function ollamaExtras(platform: Platform): PodExtras {
  const k = platform.kubernetes.ollama;
  return {
    ...(k.gpu > 0 ? { resources: { limits: { 'nvidia.com/gpu': k.gpu } } } : {}),
    nodeSelector: k.nodeSelector,
    tolerations: k.tolerations.map((t) => ({ ...t })),
  };
}

export function serviceObjects(platform: Platform, service: Service, plan: MountPlan, contents: ReadonlyMap<string, string>): K8sObject[] {
  const isOllama = service.name === OLLAMA;
  const template = podTemplate(platform, service, plan, isOllama ? ollamaExtras(platform) : {});
  const own = ownVolumes(service, plan);
  const replicas = isOllama ? platform.kubernetes.ollama.replicas : 1;
  const governing = isOllama ? OLLAMA_REPLICAS_SERVICE : service.name;
  const selector = { matchLabels: selectorOf(service.name) };
  const workload: K8sObject =
    own.length > 0 || isOllama
      ? {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: metadata(platform, service.name, service.name),
          spec: {
            replicas,
            serviceName: governing,
            selector,
            template,
            // Replicas are independent (each pulls its own models): start them together.
            podManagementPolicy: isOllama ? 'Parallel' : 'OrderedReady',
            volumeClaimTemplates: own.map((v) => ({
              metadata: { name: k8sName(v.name), labels: selectorOf(service.name) },
              spec: claimSpec(plan, 'ReadWriteOnce'),
            })),
          },
        }
      : {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: metadata(platform, service.name, service.name),
          // Stop, then start (as `compose up` does): two copies of a single-instance app never run at once.
          spec: { replicas, selector, strategy: { type: 'Recreate' }, template },
        };
  const objects: K8sObject[] = [...configMaps(platform, service, plan, contents), workload];
  const isGateway = service.name === platform.gateway.service;
  if (service.ports.length > 0 && !isGateway) objects.push(clusterService(platform, service, service.name, false));
  if (isOllama && service.ports.length > 0) objects.push(clusterService(platform, service, OLLAMA_REPLICAS_SERVICE, true));
  return objects;
}

/** The PVCs of volumes several services share (ReadWriteMany). */
export function sharedClaims(platform: Platform, plan: MountPlan): K8sObject[] {
  return [...plan.shared.values()].sort().map((name) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: metadata(platform, name),
    spec: claimSpec(plan, 'ReadWriteMany'),
  }));
}
