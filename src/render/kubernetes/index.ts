// `moat plan --target kubernetes`: the platform as plain Kubernetes manifests
// under kubernetes/, with a Kustomize base listing them (users overlay it:
// storage sizes, resources, images from a mirror). From the same Platform as
// the one-host bundle: the same images, env, commands, health checks and
// hardening; Secrets only by reference (`moat secrets kubernetes` creates
// them from the store); ClusterIP Services only, the gateway on the tailnet
// through the Tailscale Kubernetes operator's LoadBalancer class; default-deny
// NetworkPolicies with one allow per model edge.
// Layout and names: /work/research/k8s-render-notes.md (also read by the
// Kubernetes proof, which ingests these files).
// Sources: https://tailscale.com/kb/1236/kubernetes-operator (installation: the
// `tailscale` namespace and IngressClass), https://tailscale.com/kb/1439/kubernetes-operator-cluster-ingress
// (now https://tailscale.com/docs/kubernetes-operator/ingress: "Layer 3 (TCP/UDP)" ingress is a Service
// with `loadBalancerClass: tailscale`, whose proxy pod forwards tailnet traffic to it; `tailscale.com/hostname`
// names the device), https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-nodeport-allocation,
// https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/resource/
import { stringify } from 'yaml';
import { CONSOLE_SERVICE } from '../../catalog/console.js';
import type { Finding } from '../../model/findings.js';
import { UserInputError } from '../../model/findings.js';
import { gatewayOrigins, serviceByName } from '../../model/lookup.js';
import type { Platform } from '../../model/types.js';
import { generatedHeader, type RenderedFile, type RenderOptions, type RenderResult } from '../types.js';
import { clusterConfigs, OLLAMA_REPLICAS_SERVICE } from './configs.js';
import { networkPolicies } from './network-policies.js';
import { type K8sObject, labelsOf, manifestFile, metadata, namespaceOf, portName, selectorOf } from './objects.js';
import { keepsDefaultCapabilities } from './pod.js';
import { hostVolumeWarnings, type MountPlan, sharedVolumes, volumeKind } from './volumes.js';
import { configMapFor, serviceObjects, sharedClaims } from './workloads.js';

export const KUBERNETES_DIR = 'kubernetes';
export const KUSTOMIZATION_FILE = `${KUBERNETES_DIR}/kustomization.yaml`;
export const NAMESPACE_FILE = `${KUBERNETES_DIR}/namespace.yaml`;
export const VOLUMES_FILE = `${KUBERNETES_DIR}/volumes.yaml`;
export const TAILNET_FILE = `${KUBERNETES_DIR}/gateway-tailnet.yaml`;
export const POLICIES_FILE = `${KUBERNETES_DIR}/network-policies.yaml`;

/** A service's manifest file. */
export function serviceFile(service: string): string {
  return `${KUBERNETES_DIR}/services/${service}.yaml`;
}

// A Service's name is a DNS-1035 label (a letter first); a namespace is a DNS-1123 label.
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function nameFindings(platform: Platform): Finding[] {
  const bad = (path: string, what: string, name: string): Finding => ({
    code: 'render.kubernetes.bad-name',
    severity: 'high',
    path,
    message: `${what} ${JSON.stringify(name)} is not a Kubernetes name (at most 63 lower-case letters, digits and inner dashes, a letter first)`,
    hint: path === 'project' ? 'rename the project, or set kubernetes.namespace in moat.yaml' : `rename ${name} in moat.yaml`,
  });
  const out: Finding[] = [];
  const ns = namespaceOf(platform);
  if (ns.length > 63 || !DNS_1123.test(ns))
    out.push(bad(platform.kubernetes.namespace === platform.project ? 'project' : 'kubernetes.namespace', 'the namespace', ns));
  platform.services.forEach((s, i) => {
    // The longest derived names: `<name>-secrets`, `<name>-from-tailnet-ingress` stay within 253; the Service name itself within 63.
    if (s.name.length > 63 || !DNS_1035.test(s.name)) out.push(bad(`services[${i}].name`, 'the service name', s.name));
    // Names the renderer gives Services of its own.
    const taken = [OLLAMA_REPLICAS_SERVICE, `${platform.gateway.service}-tailnet`].filter(
      (n) => n === s.name && serviceByName(platform, n.replace(/-tailnet$|-replicas$/, '')),
    );
    for (const name of taken) {
      out.push({
        code: 'render.kubernetes.bad-name',
        severity: 'high',
        path: `services[${i}].name`,
        message: `a service named ${name} would share its Service name with the one moat renders for ${name.replace(/-tailnet$|-replicas$/, '')}`,
        hint: `rename ${name} in moat.yaml`,
      });
    }
  });
  return out;
}

function tailnetService(platform: Platform): K8sObject[] {
  const gateway = serviceByName(platform, platform.gateway.service);
  if (!gateway) return [];
  const ports = gatewayOrigins(platform).map((o) => ({ port: o.port, protocol: 'tcp' as const }));
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(platform, `${gateway.name}-tailnet`, gateway.name, { 'tailscale.com/hostname': platform.host.tailscale.hostname }),
      spec: {
        type: 'LoadBalancer',
        loadBalancerClass: 'tailscale',
        // A LoadBalancer Service opens a NodePort on every node by default: the gateway reachable on the
        // nodes' own addresses, past the tailnet. The operator's proxy needs none (it forwards to the ClusterIP).
        allocateLoadBalancerNodePorts: false,
        selector: selectorOf(gateway.name),
        ports: ports.map((p) => ({ name: portName(p), port: p.port, targetPort: portName(p), protocol: 'TCP' })),
      },
    },
  ];
}

function mountPlan(platform: Platform): MountPlan {
  const configMaps = new Map<string, { name: string; key: string }>();
  for (const s of platform.services)
    for (const v of s.volumes) if (volumeKind(v) === 'bundle' && v.bundleFile !== undefined) configMaps.set(v.bundleFile, configMapFor(v.name, v.bundleFile));
  return { shared: sharedVolumes(platform), configMaps, storageClass: platform.kubernetes.storageClass };
}

function planWarnings(platform: Platform, plan: MountPlan): Finding[] {
  const out: Finding[] = [...hostVolumeWarnings(platform)];
  for (const [volume, claim] of plan.shared) {
    const users = platform.services.filter((s) => s.volumes.some((v) => v.name === volume)).map((s) => s.name);
    out.push({
      code: 'render.kubernetes.shared-volume',
      severity: 'medium',
      path: `services.${users[0] ?? ''}.volumes`,
      message: `${users.join(' and ')} share volume ${volume}: on Kubernetes one PersistentVolumeClaim ${claim} with ReadWriteMany access`,
      hint: 'set kubernetes.storageClass to a class that offers ReadWriteMany (NFS, CephFS, EFS), or the pods stay Pending',
    });
  }
  for (const s of platform.services.filter(keepsDefaultCapabilities)) {
    out.push({
      code: 'render.kubernetes.default-capabilities',
      severity: 'medium',
      path: `services.${s.name}.hardening.capDrop`,
      message: `${s.name} keeps Docker's default capabilities on one host: on Kubernetes it drops ALL and adds that set back, less NET_RAW (Pod Security baseline refuses it)`,
      hint: `nothing to do unless ${s.name} can run with fewer; then drop them in the catalog entry`,
    });
  }
  return out;
}

function kustomization(resources: readonly string[], namespace: string): string {
  const doc = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace,
    labels: [{ pairs: labelsOf(), includeSelectors: false }],
    resources: [...resources],
  };
  return `${generatedHeader('#')}\n# A Kustomize base: overlay it (resources, storage sizes, image mirrors) instead of editing these files.\n${stringify(doc, { sortMapEntries: true, lineWidth: 0, version: '1.1', aliasDuplicateObjects: false })}`;
}

/**
 * The platform as the cluster runs it: without the console (it reads the
 * status moat writes beside the one-host bundle, which a cluster has no place
 * for yet) and its route.
 */
export function clusterPlatform(platform: Platform): Platform {
  if (!serviceByName(platform, CONSOLE_SERVICE)) return platform;
  return {
    ...platform,
    services: platform.services.filter((s) => s.name !== CONSOLE_SERVICE),
    gateway: { ...platform.gateway, routes: platform.gateway.routes.filter((r) => r.service !== CONSOLE_SERVICE) },
  };
}

export function renderKubernetes(full: Platform, _options: RenderOptions = {}): RenderResult {
  const platform = clusterPlatform(full);
  const problems = nameFindings(platform);
  if (problems.length > 0) throw new UserInputError(problems);
  const ns = namespaceOf(platform);
  const plan = mountPlan(platform);
  const configs = clusterConfigs(platform);
  const warnings: Finding[] = [...planWarnings(platform, plan), ...configs.warnings];
  if (platform !== full) {
    warnings.push({
      code: 'render.kubernetes.console-one-host',
      severity: 'info',
      path: `services.${CONSOLE_SERVICE}`,
      message: 'the console runs on one host only: the manifests leave it and its route out (/ of the gateway answers 404)',
      hint: 'use `moat status` and `moat check --target kubernetes` for what the console shows',
    });
  }
  const files: RenderedFile[] = [];
  const add = (path: string, objects: readonly K8sObject[], comments: readonly string[] = []): void => {
    if (objects.length > 0) files.push({ path, content: manifestFile(objects, comments) });
  };
  add(NAMESPACE_FILE, [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      // Pod Security admission at `restricted` would refuse the images that start as root and step down
      // (nginx, postgres, redis, squid); `baseline` enforced, `restricted` reported.
      metadata: {
        name: ns,
        labels: {
          ...labelsOf(),
          'pod-security.kubernetes.io/enforce': 'baseline',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    },
  ]);
  for (const service of platform.services) {
    add(
      serviceFile(service.name),
      serviceObjects(platform, service, plan, configs.files),
      service.secrets.length > 0
        ? [`Secrets by reference only: Secret ${service.name}-secrets, created by \`moat secrets kubernetes\` from moat's store.`]
        : [],
    );
  }
  add(VOLUMES_FILE, sharedClaims(platform, plan), ['Volumes several services mount: ReadWriteMany claims.']);
  add(TAILNET_FILE, tailnetService(platform), [
    'The only Service reachable from outside the cluster: exposed on the tailnet (only) by the Tailscale Kubernetes operator.',
  ]);
  add(
    POLICIES_FILE,
    networkPolicies(
      platform,
      gatewayOrigins(platform).map((o) => o.port),
    ),
    ['Derived from the platform model: default deny, then one allow per edge (dependsOn, gateway routes), DNS, and the egress the catalog names.'],
  );
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const resources = files.map((f) => f.path.slice(KUBERNETES_DIR.length + 1));
  files.push({ path: KUSTOMIZATION_FILE, content: kustomization(resources, ns) });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, warnings };
}
