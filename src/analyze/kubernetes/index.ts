// The Kubernetes layer's API: the matrix (same shape as the one-host
// matrix) and the findings for a Kubernetes state read from manifests. Reads
// no files and no network. The policy judgement of open cells is the one-host
// analyzer's own (exposure.unexpected-open, exposure.unauthenticated-allowed),
// applied to these rows.

import type { Policy } from '../../model/types.js';
import type { Analysis } from '../index.js';
import { sortFindings } from '../index.js';
import { unexpectedOpen } from '../rules/exposure.js';
import type { ExposureState } from '../state.js';
import { type KubeMatrixOptions, kubernetesMatrix } from './matrix.js';
import { KUBERNETES_RULES } from './rules.js';
import type { KubeState } from './types.js';

export interface KubeAnalysisOptions extends KubeMatrixOptions {
  readonly dependents?: ReadonlyMap<string, readonly string[]>;
}

/** The one-host rule reads only the matrix and the policy; the host state it is typed with is empty here. */
const NO_HOST: ExposureState = {
  host: { publicAddresses: [], tailscaleInterface: 'tailscale0', tailscaleAddresses: [], platformInterfaces: [], platformSubnets: [], adminCidrs: [] },
  cloud: { present: false, ingress: [], groups: [] },
  firewall: { present: false, chains: [], dockerUserImplied: false },
  publishing: { present: false, bindings: [] },
  sockets: { present: false, listeners: [] },
  services: [],
  tailnet: { present: false, hostIdentities: [], grants: [], tagOwners: {}, groups: {} },
  gateway: { present: false, servers: [] },
};

export function analyzeKubernetes(state: KubeState, policy: Policy, options: KubeAnalysisOptions = {}): Analysis {
  const matrix = kubernetesMatrix(state, options);
  const { dependents, ...matrixOptions } = options;
  const context = { state, policy, options: matrixOptions, ...(dependents ? { dependents } : {}) };
  const findings = [...unexpectedOpen.check({ state: NO_HOST, matrix, policy }), ...KUBERNETES_RULES.flatMap((rule) => rule(context))];
  return { matrix, findings: sortFindings(findings) };
}

export type { KubeState } from './types.js';
