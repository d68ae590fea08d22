// The Kubernetes layer's API: the matrix (same shape as the one-host
// matrix) and the findings for a Kubernetes state read from manifests. Reads
// no files and no network. The policy judgement of open cells is the one-host
// analyzer's own (exposure.unexpected-open, exposure.unauthenticated-allowed),
// applied to these rows.

import type { Policy } from '../../model/types.js';
import type { Analysis } from '../index.js';
import { sortFindings } from '../index.js';
import { openCellFindings } from '../rules/exposure.js';
import { doorsOf } from './doors.js';
import { clusterOf, type KubeMatrixOptions, kubernetesMatrix } from './matrix.js';
import { KUBERNETES_RULES } from './rules.js';
import type { KubeState } from './types.js';

export interface KubeAnalysisOptions extends KubeMatrixOptions {
  readonly dependents?: ReadonlyMap<string, readonly string[]>;
}

export function analyzeKubernetes(state: KubeState, policy: Policy, options: KubeAnalysisOptions = {}): Analysis {
  const { dependents, ...matrixOptions } = options;
  // One cluster view and one list of doors for the matrix and every rule: the evaluator keeps per-pod work keyed by the cluster.
  const cluster = clusterOf(state, matrixOptions);
  const doors = doorsOf(state, matrixOptions);
  const matrix = kubernetesMatrix(state, matrixOptions, cluster, doors);
  const context = { state, policy, options: matrixOptions, cluster, doors, ...(dependents ? { dependents } : {}) };
  const findings = [...openCellFindings(matrix, policy), ...KUBERNETES_RULES.flatMap((rule) => rule(context))];
  return { matrix, findings: sortFindings(findings) };
}

export type { KubeState } from './types.js';
