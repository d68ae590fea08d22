// NetworkPolicies derived from the model, never written by hand: every pod of
// the namespace is isolated for ingress and egress (`default-deny`), then each
// model edge (edges.ts) is allowed on both ends (egress of the client, ingress
// of the server: with both directions denied by default, one side alone lets
// nothing through), plus DNS to kube-dns, the tailnet proxy to the gateway,
// and the internet egress the catalog names: Dify's SSRF proxy (squid, which
// itself refuses private destinations) and Ollama's model pulls, both to
// public addresses only.
// Policies are additive (the union of every policy that selects a pod), so
// each allow is its own object, named after its edge.
// Sources: https://kubernetes.io/docs/concepts/services-networking/network-policies/
// (default deny all ingress and all egress traffic; "allow all egress" to DNS;
// ipBlock except), https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/
// (kube-dns in kube-system, pods labelled k8s-app: kube-dns),
// https://github.com/ollama/ollama/blob/v0.32.15/types/model/name.go (defaultHost registry.ollama.ai;
// server/modelpath.go builds its https URL)
import { SSRF_DENIED_DESTINATIONS } from '../../catalog/dify-squid.js';
import { serviceByName } from '../../model/lookup.js';
import type { Platform } from '../../model/types.js';
import { type Edge, type EdgePort, modelEdges } from './edges.js';
import { EDGE_FROM, EDGE_KIND, EDGE_TO, type K8sObject, metadata, selectorOf } from './objects.js';

type Mapping = Record<string, unknown>;

const API = 'networking.k8s.io/v1';
const SQUID = 'dify-ssrf-proxy';
const OLLAMA = 'ollama';

export const DEFAULT_DENY = 'default-deny';
export const ALLOW_DNS = 'allow-dns';

function policy(platform: Platform, name: string, annotations: Record<string, string>, spec: Mapping): K8sObject {
  return { apiVersion: API, kind: 'NetworkPolicy', metadata: metadata(platform, name, undefined, annotations), spec };
}

const ports = (list: readonly EdgePort[]): Mapping[] => list.map((p) => ({ port: p.port, protocol: p.protocol.toUpperCase() }));

function edgePolicies(platform: Platform, edge: Edge): K8sObject[] {
  const notes = { [EDGE_KIND]: edge.kinds.join(','), [EDGE_FROM]: edge.from, [EDGE_TO]: edge.to };
  const base = `${edge.from}-to-${edge.to}`;
  return [
    policy(platform, `${base}-egress`, notes, {
      podSelector: { matchLabels: selectorOf(edge.from) },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: selectorOf(edge.to) } }], ports: ports(edge.ports) }],
    }),
    policy(platform, `${base}-ingress`, notes, {
      podSelector: { matchLabels: selectorOf(edge.to) },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: selectorOf(edge.from) } }], ports: ports(edge.ports) }],
    }),
  ];
}

/** The public internet: everything but the ranges squid refuses (private, CGNAT/tailnet, link-local, loopback). */
export function publicInternet(): Mapping[] {
  const v4 = SSRF_DENIED_DESTINATIONS.filter((c) => !c.includes(':'));
  // `::1` is a host address: ipBlock takes CIDRs only.
  const v6 = SSRF_DENIED_DESTINATIONS.filter((c) => c.includes(':')).map((c) => (c.includes('/') ? c : `${c}/128`));
  return [{ ipBlock: { cidr: '0.0.0.0/0', except: [...v4] } }, { ipBlock: { cidr: '::/0', except: v6 } }];
}

function internetEgress(platform: Platform, service: string, tcpPorts: readonly number[]): K8sObject[] {
  if (!serviceByName(platform, service)) return [];
  return [
    policy(
      platform,
      `${service}-internet-egress`,
      { [EDGE_KIND]: 'egress', [EDGE_FROM]: service, [EDGE_TO]: 'internet' },
      {
        podSelector: { matchLabels: selectorOf(service) },
        policyTypes: ['Egress'],
        egress: [{ to: publicInternet(), ports: tcpPorts.map((port) => ({ port, protocol: 'TCP' })) }],
      },
    ),
  ];
}

/** The gateway's TLS ports, reached by the Tailscale operator's proxy pods (its namespace). */
function tailnetIngress(platform: Platform, gatewayPorts: readonly number[]): K8sObject[] {
  const gateway = platform.gateway.service;
  if (!serviceByName(platform, gateway) || gatewayPorts.length === 0) return [];
  const operator = platform.kubernetes.tailscale.operatorNamespace;
  return [
    policy(
      platform,
      `${gateway}-from-tailnet-ingress`,
      { [EDGE_KIND]: 'tailnet', [EDGE_FROM]: `namespace:${operator}`, [EDGE_TO]: gateway },
      {
        podSelector: { matchLabels: selectorOf(gateway) },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': operator } } }],
            ports: gatewayPorts.map((port) => ({ port, protocol: 'TCP' })),
          },
        ],
      },
    ),
  ];
}

export function networkPolicies(platform: Platform, gatewayPorts: readonly number[]): K8sObject[] {
  return [
    policy(platform, DEFAULT_DENY, { [EDGE_KIND]: 'default-deny' }, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy(
      platform,
      ALLOW_DNS,
      { [EDGE_KIND]: 'dns', [EDGE_TO]: 'kube-system/kube-dns' },
      {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
            ],
            ports: [
              { port: 53, protocol: 'UDP' },
              { port: 53, protocol: 'TCP' },
            ],
          },
        ],
      },
    ),
    ...tailnetIngress(platform, gatewayPorts),
    ...modelEdges(platform).flatMap((e) => edgePolicies(platform, e)),
    // squid's own policy admits 80, 443 and 1025-65535 (CONNECT to 443 only); the cluster narrows that to the web's two ports.
    ...internetEgress(platform, SQUID, [80, 443]),
    ...internetEgress(platform, OLLAMA, [443]),
  ];
}
