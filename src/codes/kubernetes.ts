// Codes of the Kubernetes proof: the manifest ingester (src/ingest/kubernetes*.ts,
// area ingest) and the Kubernetes layer of the analyzer (src/analyze/kubernetes,
// area analyze). The analyzer also reports exposure.unexpected-open and
// exposure.unauthenticated-allowed, documented with the one-host rules.
// Also the codes of `moat secrets kubernetes` (src/deploy/kubernetes-secrets.ts); the renderer's are in
// src/render/kubernetes/codes.ts.
import type { CodeDoc } from './types.js';

export const KUBERNETES_SECRETS_FINDING_DOCS = [
  {
    code: 'deploy.kubectl-failed',
    severity: 'high',
    title: 'kubectl could not apply the Secrets',
    help: "`moat secrets kubernetes` pipes the platform's Secrets to `kubectl apply -f -` and kubectl refused them (no cluster, no access, no namespace). Its words are shown with any secret value redacted. Check `kubectl config current-context`, create the namespace first (`kubectl apply -f <bundle>/kubernetes/namespace.yaml`), then run it again.",
  },
] as const satisfies readonly CodeDoc[];

export const KUBERNETES_INGEST_CODE_DOCS = [
  {
    code: 'ingest.kubernetes.bad-field',
    title: 'A field of a Kubernetes object has the wrong type or value',
    help: 'The manifest has a value the API server would reject (a port that is not a number, a selector that is not a mapping, an unknown operator). moat reads the rest of the object and resolves what it could not read towards exposure: an unreadable NetworkPolicy peer or port matches everything, a policy whose selector or types cannot be read allows everything. Fix the field; `kubectl apply --dry-run=server` shows the same.',
    severity: 'high',
  },
  {
    code: 'ingest.kubernetes.too-large',
    title: 'The manifest stream holds more documents than moat reads',
    help: 'A bound against hostile input: far above any real chart. Nothing of the file is read, so what it describes is unknown; split it into several files.',
    severity: 'high',
  },
  {
    code: 'ingest.kubernetes.not-an-object',
    title: 'A YAML document is not a Kubernetes object',
    help: 'Every document of a manifest stream is an object with `apiVersion` and `kind` (or a `List` of them). This one is not, so it is skipped; if it is a template that was not rendered (`{{ .Values... }}`), run `helm template` and pass its output.',
    severity: 'medium',
  },
  {
    code: 'ingest.kubernetes.unmodelled-exposure',
    title: 'An object that can expose pods is not modelled',
    help: 'Gateway API routes, OpenShift Routes, Istio gateways and similar objects can route traffic from outside the cluster to pods, and moat does not read them: what they expose is not in the matrix. Review them by hand, or expose through a Service or an Ingress moat reads.',
    severity: 'medium',
  },
] as const;

export const KUBERNETES_ANALYZE_CODE_DOCS = [
  {
    code: 'exposure.kubernetes.no-default-deny',
    title: 'A namespace has no default-deny NetworkPolicy',
    help: 'Pods that no NetworkPolicy selects accept every connection and may open any (kubernetes.io/docs/concepts/services-networking/network-policies/, "Default policies"). A namespace with pods needs a policy with an empty podSelector, policyTypes Ingress and Egress and no rules, so that every connection must be allowed by an explicit policy.',
    severity: 'high',
  },
  {
    code: 'exposure.kubernetes.exposed-beyond-policy',
    title: 'A Service exposes pods outside the cluster that their NetworkPolicy does not admit',
    help: 'A LoadBalancer, NodePort or externalIPs Service (or a hostPort) makes the pods reachable from outside the cluster, while their ingress policy admits no cluster-external address. Whether the policy applies to that traffic is undefined: Services rewrite source addresses, and the policy may see the client, the load balancer or the node (network-policies docs, "Behavior of to and from selectors"; traffic from the pod\'s node is always allowed). Counted as open. Make the Service ClusterIP, or say in the policy which addresses may come in (and set externalTrafficPolicy: Local so that they are the clients\').',
    severity: 'medium',
  },
  {
    code: 'exposure.kubernetes.unauthenticated-reachable',
    title: 'A backend without authentication is reachable from pods that do not depend on it',
    help: "Ollama, Redis, PostgreSQL, Weaviate, the Signal API, rclone's rc and the sandbox have no authentication of their own (the catalog's exposure never-route, or images known to be open): only the services that depend on them may connect. A NetworkPolicy should admit exactly those pods on exactly those ports.",
    severity: 'high',
  },
  {
    code: 'exposure.kubernetes.host-network',
    title: "A pod runs on the node's network or binds a node port",
    help: 'hostNetwork pods listen on the node\'s own addresses, and NetworkPolicy does not reliably apply to them (network-policies docs, "NetworkPolicy and hostNetwork pods"); a hostPort publishes a container port on every node. Both are reachable from wherever the node is. Use a ClusterIP Service instead.',
    severity: 'high',
  },
  {
    code: 'exposure.kubernetes.service-unresolved',
    title: 'A Service port leads nowhere moat can see',
    help: 'The Service has no selector (its endpoints are managed by hand, so its backends are unknown), selects no pod of the manifests, or names a targetPort no selected pod declares. Nothing is counted behind it; if backends exist elsewhere, they are reachable as the Service is.',
    severity: 'low',
  },
] as const;
