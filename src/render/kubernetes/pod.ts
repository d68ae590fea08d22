// One service's pod as on one host: the same image, command, environment,
// health check and hardening, translated to the pod API.
// - Health checks become exec probes running the very command compose runs
//   (not httpGet): the checks talk to 127.0.0.1 inside the container (the
//   gateway's health server listens on 127.0.0.1:8081 only), and kubelet's
//   httpGet connects to the pod IP. compose's start_period (failures do not
//   count) is a startupProbe allowing start_period/interval extra failures.
// - `$$` is compose's escape of `$` and is also Kubernetes' escape in command,
//   args and env (`$(VAR)` is expanded there), so the catalog's commands pass
//   through unchanged and env values are escaped the same way as for compose.
//   Probe commands are not expanded by kubelet: `$$` becomes `$` there.
// - The security context is the compose hardening: every capability dropped
//   and the catalog's cap_add given back, no privilege escalation (compose's
//   no-new-privileges), the runtime's default seccomp profile (as Docker's),
//   a read-only root where compose has read_only, tmpfs as memory emptyDirs.
//   runAsNonRoot only where the image runs as a non-root uid (the catalog's
//   `user`, else the recorded image facts): images that start as root and step
//   down (nginx, postgres, redis, squid) keep doing so.
// Sources: https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/,
// https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#use-environment-variables-to-define-arguments,
// https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
import { hostDependentEnv } from '../../catalog/host-env.js';
import { splitImage, UPSTREAM_FACTS } from '../../catalog/upstream/index.js';
import type { Healthcheck, Platform, Service } from '../../model/types.js';
import { containerPorts, selectorOf } from './objects.js';
import { type MountPlan, volumeMounts } from './volumes.js';

type Mapping = Record<string, unknown>;

/** The Secret a service's secrets come from: the one-host `secrets/<service>.env`, key for key. */
export function secretName(service: Service): string {
  return `${service.name}-secrets`;
}

export interface PodExtras {
  readonly resources?: Mapping;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly Mapping[];
}

export function podTemplate(platform: Platform, service: Service, mounts: MountPlan, extras: PodExtras = {}): Mapping {
  const container: Mapping = {
    name: service.name,
    image: service.image,
    imagePullPolicy: 'IfNotPresent',
    securityContext: containerSecurity(service),
  };
  if (service.command) container['args'] = [...service.command];
  const env = { ...service.env, ...hostDependentEnv(platform)[service.name] };
  const names = Object.keys(env).sort();
  if (names.length > 0) container['env'] = names.map((name) => ({ name, value: (env[name] ?? '').replaceAll('$', () => '$$') }));
  if (service.secrets.length > 0) container['envFrom'] = [{ secretRef: { name: secretName(service), optional: false } }];
  if (service.ports.length > 0) container['ports'] = containerPorts(service);
  if (service.healthcheck) Object.assign(container, probes(service.healthcheck));
  if (extras.resources) container['resources'] = extras.resources;
  const vm = volumeMounts(service, mounts);
  if (vm.mounts.length > 0) container['volumeMounts'] = vm.mounts;
  const spec: Mapping = {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: podSecurity(service),
    containers: [container],
  };
  if (vm.volumes.length > 0) spec['volumes'] = vm.volumes;
  if (extras.nodeSelector && Object.keys(extras.nodeSelector).length > 0) spec['nodeSelector'] = { ...extras.nodeSelector };
  if (extras.tolerations && extras.tolerations.length > 0) spec['tolerations'] = [...extras.tolerations];
  return { metadata: { labels: selectorOf(service.name) }, spec };
}

function probeCommand(check: Healthcheck): string[] {
  const [kind, ...rest] = check.test;
  const unescaped = rest.map((a) => a.replaceAll('$$', '$'));
  // CMD-SHELL runs its string with the image's /bin/sh, as compose does.
  return kind === 'CMD-SHELL' ? ['/bin/sh', '-c', unescaped.join(' ')] : unescaped;
}

function probes(check: Healthcheck): Mapping {
  const exec = { command: probeCommand(check) };
  const common = { exec, periodSeconds: check.intervalSeconds, timeoutSeconds: check.timeoutSeconds };
  return {
    startupProbe: { ...common, failureThreshold: Math.ceil(check.startPeriodSeconds / check.intervalSeconds) + check.retries },
    readinessProbe: { ...common, failureThreshold: check.retries },
    livenessProbe: { ...common, failureThreshold: check.retries },
  };
}

/** The uid (and gid) the container runs as: the catalog's `user`, else the image's recorded default. */
export function runAs(service: Service): { uid?: number; gid?: number } {
  const user = service.hardening.user;
  if (user !== undefined) {
    const [uid, gid] = user.split(':');
    return { ...(uid !== undefined && /^\d+$/.test(uid) ? { uid: Number(uid) } : {}), ...(gid !== undefined && /^\d+$/.test(gid) ? { gid: Number(gid) } : {}) };
  }
  const { repository, tag } = splitImage(service.image);
  const facts = UPSTREAM_FACTS[repository];
  // Facts hold for the version they were recorded at only.
  if (!facts || facts.version !== tag || facts.user.startsWith('root')) return {};
  const uid = /^(\d+)$/.exec(facts.user)?.[1] ?? /\(uid (\d+)\)/.exec(facts.user)?.[1];
  return uid === undefined ? {} : { uid: Number(uid) };
}

function podSecurity(service: Service): Mapping {
  const { uid, gid } = runAs(service);
  const out: Mapping = { seccompProfile: { type: 'RuntimeDefault' } };
  if (uid !== undefined && uid > 0) Object.assign(out, { runAsNonRoot: true, runAsUser: uid });
  if (gid !== undefined) out['runAsGroup'] = gid;
  return out;
}

/**
 * The capabilities Docker gives a container that drops none, less NET_RAW:
 * a service whose catalog entry keeps Docker's defaults gets these back after
 * `drop: [ALL]`. NET_RAW (raw sockets: ping, packet forging) is the one the
 * Pod Security `baseline` level, which the namespace enforces, refuses.
 * Sources: https://github.com/moby/moby/blob/v28.0.0/oci/caps/defaults.go,
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/ (baseline: Capabilities)
 */
export const DOCKER_DEFAULT_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
] as const;

/** Whether the catalog keeps Docker's defaults for this service (no `cap_drop: ALL`). */
export function keepsDefaultCapabilities(service: Service): boolean {
  return !service.hardening.capDrop.includes('ALL');
}

function containerSecurity(service: Service): Mapping {
  const h = service.hardening;
  const kept = keepsDefaultCapabilities(service) ? DOCKER_DEFAULT_CAPABILITIES.filter((c) => !h.capDrop.includes(c)) : [];
  const add = [...new Set([...kept, ...h.capAdd])].sort();
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: h.readOnlyRootFs,
    capabilities: { drop: ['ALL'], ...(add.length > 0 ? { add } : {}) },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
