// Where a service's files live on Kubernetes. A compose named volume is a
// PersistentVolumeClaim: a volumeClaimTemplate of the service's StatefulSet
// when the service is its only user, else one PVC the users share
// (ReadWriteMany: the storage class must offer it). A file moat renders into
// the bundle is a ConfigMap mounted at the same path (subPath: one file); a
// host path (the gateway's certificate) is a Secret the user creates; tmpfs
// is a memory-backed emptyDir.
// Source: https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes
import type { Finding } from '../../model/findings.js';
import type { Platform, Service, Volume } from '../../model/types.js';

type Mapping = Record<string, unknown>;

/** What the renderer decided for the platform's volumes, shared by every service's pod. */
export interface MountPlan {
  /** Named volumes with more than one user → the shared PVC's name. */
  readonly shared: ReadonlyMap<string, string>;
  /** Bundle file → the ConfigMap that holds it (absent: the file has no Kubernetes form). */
  readonly configMaps: ReadonlyMap<string, { readonly name: string; readonly key: string }>;
  readonly storageClass: string | undefined;
}

/** A DNS-1123 label from a Docker volume name (which may hold `_`, `.` and capitals). */
export function k8sName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return cleaned === '' ? 'volume' : cleaned;
}

export function volumeKind(volume: Volume): 'bundle' | 'host' | 'named' {
  if (volume.bundleFile === undefined) return 'named';
  return volume.bundleFile.startsWith('/') ? 'host' : 'bundle';
}

/** Named volumes used by more than one service. */
export function sharedVolumes(platform: Platform): Map<string, string> {
  const users = new Map<string, number>();
  for (const s of platform.services) for (const v of s.volumes) if (volumeKind(v) === 'named') users.set(v.name, (users.get(v.name) ?? 0) + 1);
  return new Map([...users].filter(([, n]) => n > 1).map(([name]) => [name, k8sName(name)]));
}

/** The volumes only this service uses: its StatefulSet's claim templates. */
export function ownVolumes(service: Service, plan: MountPlan): Volume[] {
  return service.volumes.filter((v) => volumeKind(v) === 'named' && !plan.shared.has(v.name));
}

export function claimSpec(plan: MountPlan, accessMode: 'ReadWriteOnce' | 'ReadWriteMany'): Mapping {
  return {
    accessModes: [accessMode],
    // No size in the model: one host's volumes grow with the disk. 10Gi is a floor to raise in an overlay.
    resources: { requests: { storage: '10Gi' } },
    ...(plan.storageClass === undefined ? {} : { storageClassName: plan.storageClass }),
  };
}

export function volumeMounts(service: Service, plan: MountPlan): { mounts: Mapping[]; volumes: Mapping[] } {
  const mounts: Mapping[] = [];
  const volumes: Mapping[] = [];
  const used = new Set<string>();
  const unique = (base: string): string => {
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base.slice(0, 60)}-${i}`;
    used.add(name);
    return name;
  };
  for (const v of service.volumes) {
    const readOnly = v.readOnly;
    switch (volumeKind(v)) {
      case 'named': {
        const claim = plan.shared.get(v.name);
        const name = claim === undefined ? unique(k8sName(v.name)) : unique(claim);
        if (claim !== undefined) volumes.push({ name, persistentVolumeClaim: { claimName: claim, readOnly } });
        mounts.push({ name, mountPath: v.target, readOnly });
        break;
      }
      case 'bundle': {
        const map = plan.configMaps.get(v.bundleFile ?? '');
        if (!map) break;
        const name = unique(k8sName(v.name));
        volumes.push({ name, configMap: { name: map.name, items: [{ key: map.key, path: map.key }] } });
        mounts.push({ name, mountPath: v.target, subPath: map.key, readOnly: true });
        break;
      }
      case 'host': {
        const name = unique(k8sName(v.name));
        volumes.push({ name, secret: { secretName: name, optional: false } });
        mounts.push({ name, mountPath: v.target, readOnly: true });
        break;
      }
    }
  }
  service.hardening.tmpfs.forEach((path, i) => {
    const name = unique(`tmpfs-${i}`);
    volumes.push({ name, emptyDir: { medium: 'Memory' } });
    mounts.push({ name, mountPath: path });
  });
  return { mounts, volumes };
}

/** Host paths become Secrets the user creates: say so, with how. */
export function hostVolumeWarnings(platform: Platform): Finding[] {
  return platform.services.flatMap((s) =>
    s.volumes
      .map((v, i) => ({ v, i }))
      .filter(({ v }) => volumeKind(v) === 'host')
      .map(({ v, i }) => ({
        code: 'render.kubernetes.host-volume-secret',
        severity: 'info' as const,
        path: `services.${s.name}.volumes[${i}]`,
        message: `${s.name} mounts ${v.bundleFile} from the host on one host; on Kubernetes it mounts Secret ${k8sName(v.name)} at ${v.target}, which moat does not create`,
        hint: `create it from the files of ${v.bundleFile} (\`kubectl -n ${platform.kubernetes.namespace ?? platform.project} create secret generic ${k8sName(v.name)} --from-file=<dir>\`) before the pods start`,
      })),
  );
}
