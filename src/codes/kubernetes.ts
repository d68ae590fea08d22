// Codes of `moat secrets kubernetes` (src/deploy/kubernetes-secrets.ts); the renderer's are in src/render/kubernetes/codes.ts.
import type { CodeDoc } from './types.js';

export const KUBERNETES_SECRETS_FINDING_DOCS = [
  {
    code: 'deploy.kubectl-failed', severity: 'high', title: 'kubectl could not apply the Secrets',
    help: '`moat secrets kubernetes` pipes the platform\'s Secrets to `kubectl apply -f -` and kubectl refused them (no cluster, no access, no namespace). Its words are shown with any secret value redacted. Check `kubectl config current-context`, create the namespace first (`kubectl apply -f <bundle>/kubernetes/namespace.yaml`), then run it again.',
  },
] as const satisfies readonly CodeDoc[];
