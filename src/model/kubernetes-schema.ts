// The `kubernetes:` settings of moat.yaml (and of the Platform): what the
// Kubernetes renderer needs that one host does not. Every string lands in a
// manifest as a name, a label or a selector, so each is checked against what
// the API server accepts (DNS-1123 labels, qualified names, label values):
// a hostile moat.yaml cannot add structure there, and a valid one is not
// refused by `kubectl apply` after moat said it was fine.
// Source: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/ (DNS-1123 label, subdomain),
// https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
import * as z from 'zod';
import { toCidr } from './net.js';

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';

/** A DNS-1123 label: a namespace, a Service's name. */
export const DnsLabel = z
  .string()
  .max(63)
  .regex(new RegExp(`^${LABEL}$`), 'a DNS-1123 label: at most 63 lower-case letters, digits and inner dashes');

/** A DNS-1123 subdomain: a storage class's name. */
export const DnsSubdomain = z
  .string()
  .max(253)
  .regex(new RegExp(`^${LABEL}(\\.${LABEL})*$`), 'a DNS-1123 subdomain: dot-separated DNS labels');

const NAME_PART = '([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]';

/** A label (or taint) key: `[prefix/]name`, the prefix a DNS subdomain, the name 63 characters at most. */
export const LabelKey = z
  .string()
  .max(317)
  .regex(new RegExp(`^(${LABEL}(\\.${LABEL})*/)?${NAME_PART}$`), 'a label key: [prefix/]name, name up to 63 letters, digits, `-`, `_`, `.`')
  .refine((k) => !k.includes('/') || (k.split('/')[0] ?? '').length <= 253, { message: 'a label key prefix is 253 characters at most' })
  .refine((k) => (k.split('/').pop() ?? '').length <= 63, { message: 'a label key name is 63 characters at most' });

/** A label value: empty, or up to 63 letters, digits, `-`, `_`, `.` starting and ending alphanumeric. */
export const LabelValue = z
  .string()
  .max(63)
  .regex(new RegExp(`^(${NAME_PART})?$`), 'a label value: up to 63 letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit');

export const Toleration = z
  .strictObject({
    key: LabelKey.optional().describe('The taint key (absent with operator Exists: tolerate every taint).'),
    operator: z.enum(['Exists', 'Equal']).default('Equal').describe('Equal (default) matches key=value; Exists matches the key alone.'),
    value: LabelValue.optional().describe('The taint value (with operator Equal).'),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional().describe('The taint effect tolerated (absent: every effect).'),
  })
  .refine((t) => t.operator === 'Equal' || t.value === undefined, { message: 'a toleration with operator Exists has no value', path: ['value'] })
  .describe('A toleration for a node taint.');

export const KubernetesSettings = z
  .strictObject({
    namespace: DnsLabel.optional().describe('The namespace every object goes into (default: the project name).'),
    podCidr: z
      .string()
      .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'an IPv4 CIDR like 10.244.0.0/16')
      // The shape alone lets 999.1.1.1/99 through, which squid then refuses at start.
      .refine((v) => toCidr(v)?.version === 4, 'an IPv4 CIDR like 10.244.0.0/16 (each octet 0-255, a prefix 0-32)')
      .default('10.0.0.0/8')
      .describe(
        "The cluster's pod address range: the SSRF proxy (squid) accepts clients from it. Default 10.0.0.0/8 (covers kubeadm's, k3s' and most managed clusters' defaults).",
      ),
    storageClass: DnsSubdomain.optional().describe('The StorageClass of every volume claim (default: the cluster default).'),
    tailscale: z
      .strictObject({
        operatorNamespace: DnsLabel.default('tailscale').describe(
          "The Tailscale Kubernetes operator's namespace (its proxy pods reach the gateway from there).",
        ),
      })
      .prefault({})
      .describe('The Tailscale Kubernetes operator, which exposes the gateway on the tailnet.'),
    ollama: z
      .strictObject({
        replicas: z.number().int().min(1).max(16).default(2).describe('Ollama replicas (each its own pod, volume and DNS name); LiteLLM balances across them.'),
        gpu: z.number().int().min(0).max(8).default(1).describe('NVIDIA GPUs per replica (the nvidia.com/gpu limit); 0 runs on CPU.'),
        nodeSelector: z.record(LabelKey, LabelValue).default({}).describe('Node labels an Ollama pod needs (e.g. nvidia.com/gpu.present: "true").'),
        tolerations: z
          .array(Toleration)
          .max(20)
          .default([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }])
          .describe('Taints of GPU nodes that Ollama tolerates (default: nvidia.com/gpu, NoSchedule).'),
      })
      .prefault({})
      .describe('Ollama on Kubernetes: replicas, GPUs and where they run.'),
  })
  .describe('`moat plan --target kubernetes`: what a cluster needs that one host does not.');
