// `moat check --target kubernetes`: the Kubernetes renderer's manifests,
// read back and proved (./kubernetes.ts), with the operator's namespace from
// moat.yaml. Apart from ./kubernetes.ts so that the audit path does not load
// the renderer.
import type { Platform } from '../model/types.js';
import { renderKubernetes } from '../render/kubernetes/index.js';
import { type KubeProof, proveKubernetes } from './kubernetes.js';

export function checkKubernetes(platform: Platform): KubeProof {
  return proveKubernetes(platform, renderKubernetes, platform.kubernetes.tailscale.operatorNamespace);
}
