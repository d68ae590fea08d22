// Codes of the Kubernetes renderer (src/render/kubernetes), gathered by src/codes/index.ts.
import type { CodeDoc } from '../../codes/types.js';

export const KUBERNETES_FINDING_DOCS = [
  {
    code: 'render.kubernetes.bad-name',
    severity: 'high',
    title: 'A name is not a valid Kubernetes name',
    help: 'A Kubernetes object name, a Service name and a namespace are DNS-1123 labels: at most 63 lower-case letters, digits and dashes, starting and ending with a letter or digit (Services also start with a letter). A project or service name that is not one cannot be rendered for Kubernetes. Rename it in moat.yaml (or set kubernetes.namespace).',
  },
  {
    code: 'render.kubernetes.host-volume-secret',
    severity: 'info',
    title: 'A host path becomes a Secret you create',
    help: "On one host the service mounts a folder of the host (the gateway's TLS certificate from `tailscale cert`). A cluster has no such folder: the pod mounts a Secret of the same name, which moat does not create because it does not hold the files. Create it with `kubectl create secret generic NAME --from-file=DIR` before the pods start.",
  },
  {
    code: 'render.kubernetes.shared-volume',
    severity: 'medium',
    title: 'A volume is shared by several services',
    help: "Several services mount the same named volume (Dify's API and worker share their storage). On Kubernetes that is one PersistentVolumeClaim with ReadWriteMany access, which only some storage classes offer (NFS, CephFS, EFS...). Set kubernetes.storageClass to one that does, or the pods stay Pending.",
  },
  {
    code: 'render.kubernetes.default-capabilities',
    severity: 'medium',
    title: "A service keeps Docker's default capabilities",
    help: "The catalog does not drop every capability for this service on one host (Dify's sandbox needs the default set to chroot and switch users). On Kubernetes moat still drops ALL and adds Docker's default set back, stated in the manifest, less NET_RAW, which the namespace's Pod Security baseline level refuses.",
  },
  {
    code: 'render.kubernetes.no-trusted-proxy',
    severity: 'low',
    title: 'An app trusts no proxy address on Kubernetes',
    help: "On one host the app believes X-Forwarded-For only from the gateway's static address. Pods have no static address, so on Kubernetes the app trusts no proxy: it sees the gateway pod as the client. The NetworkPolicies let only the gateway reach it.",
  },
  {
    code: 'render.kubernetes.console-one-host',
    severity: 'info',
    title: 'The console is left out of the cluster',
    help: 'The console reads the status snapshot moat writes beside the one-host bundle (console/state/), which a cluster has no place for yet, so the manifests leave it and its route out: / of the gateway answers 404 there, as it does without a console. `moat status` and `moat check --target kubernetes` show the same facts on the command line.',
  },
] as const satisfies readonly CodeDoc[];
