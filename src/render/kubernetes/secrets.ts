// The Kubernetes Secrets of the platform, from the values `moat secrets
// kubernetes` read from the store: one Secret per service that has secrets,
// named `<service>-secrets` (what its pod's envFrom names), holding exactly
// what that service's one-host env file (`secrets/<service>.env`) holds, key
// for key. Never part of the bundle: the CLI pipes this text to `kubectl
// apply -f -` on stdin, or writes it to a 0600 file outside the bundle.
import type { Platform } from '../../model/types.js';
import { type K8sObject, manifestFile, metadata } from './objects.js';
import { secretName } from './pod.js';

/** Service name → its env file's variables (NAME → value). */
export type ServiceSecretEnv = ReadonlyMap<string, Readonly<Record<string, string>>>;

export function kubernetesSecrets(platform: Platform, env: ServiceSecretEnv): K8sObject[] {
  return platform.services
    .filter((s) => s.secrets.length > 0)
    .map((s) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: metadata(platform, secretName(s), s.name),
      stringData: { ...(env.get(s.name) ?? {}) },
    }));
}

export function kubernetesSecretsText(platform: Platform, env: ServiceSecretEnv): string {
  return manifestFile(kubernetesSecrets(platform, env), ['Secret values: keep this text out of git, logs and the bundle.']);
}
