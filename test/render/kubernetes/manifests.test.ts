// The Kubernetes manifests, checked object by object: each validates against
// the Kubernetes schemas, and the security verdicts are explicit assertions
// (never a snapshot): a default deny in every namespace, nothing exposed but
// the gateway's tailnet Service, no secret value anywhere, every container
// without privilege escalation and with every capability dropped, and each
// NetworkPolicy allow one of the model's edges, which the test derives from
// dependsOn and the routes on its own.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateSecret } from '../../../src/deploy/secrets-store.js';
import { serviceEnvContent } from '../../../src/deploy/service-env.js';
import { UserInputError } from '../../../src/model/findings.js';
import { allSecrets, serviceByName } from '../../../src/model/lookup.js';
import type { Platform } from '../../../src/model/types.js';
import { clusterPlatform } from '../../../src/render/kubernetes/index.js';
import { renderBundle } from '../../../src/render/registry.js';
import { type Obj, objectsOf, platformOf, podSpecs, render, validateObject } from './support.js';

const EXAMPLE = `
project: lab
services:
  my-tool:
    image: ghcr.io/acme/tool:1.2.3
    address: 172.20.0.70
    ports: [{ port: 9000, purpose: API }]
    dependsOn: [ollama]
routes:
  - { path: /tool, service: my-tool, port: 9000, prefix: strip }
kubernetes:
  namespace: lab-ns
  ollama: { replicas: 3, gpu: 2, nodeSelector: { gpu.example.com/kind: l4 }, tolerations: [] }
`;
const CPU = `
kubernetes:
  ollama: { replicas: 1, gpu: 0 }
`;

const cases: [string, string][] = [
  ['reference', 'reference'],
  ['a moat.yaml with a new service and 3 replicas', EXAMPLE],
  ['Ollama on CPU, one replica', CPU],
];

type Container = {
  name: string;
  securityContext?: Record<string, unknown>;
  ports?: Record<string, unknown>[];
  env?: { name: string; value?: string }[];
  envFrom?: { secretRef?: { name: string } }[];
  startupProbe?: { exec: { command: string[] } };
  readinessProbe?: { exec: { command: string[] } };
  livenessProbe?: unknown;
  resources?: { limits?: Record<string, unknown> };
};

const containersOf = (spec: Record<string, unknown>): Container[] => [
  ...((spec['containers'] as Container[]) ?? []),
  ...((spec['initContainers'] as Container[]) ?? []),
];

/** The edges the platform needs, derived here from dependsOn and the routes, the gateway's and the internal proxies' (not from the renderer's code). */
function expectedEdges(platform: Platform): Set<string> {
  const out = new Set<string>();
  for (const r of platform.gateway.routes) if (serviceByName(platform, r.service)) out.add(`${platform.gateway.service}>${r.service}:${r.port}/TCP`);
  for (const p of platform.internalProxies)
    for (const r of p.routes) if (serviceByName(platform, r.service)) out.add(`${p.service}>${r.service}:${r.port}/TCP`);
  for (const s of platform.services) {
    for (const dep of s.dependsOn) for (const p of serviceByName(platform, dep)?.ports ?? []) out.add(`${s.name}>${dep}:${p.port}/${p.protocol.toUpperCase()}`);
  }
  return out;
}

type Peer = { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: unknown; ipBlock?: { cidr: string; except?: string[] } };
type Rule = { to?: Peer[]; from?: Peer[]; ports?: { port: number; protocol: string }[] };

/** Allows between the platform's own pods, as `from>to:port/PROTO`, read from one direction of the policies. */
function allowedEdges(policies: readonly Obj[], direction: 'egress' | 'ingress'): Set<string> {
  const out = new Set<string>();
  for (const p of policies) {
    const selected = (p.spec?.['podSelector'] as { matchLabels?: Record<string, string> }).matchLabels?.['app.kubernetes.io/name'];
    for (const rule of (p.spec?.[direction] as Rule[] | undefined) ?? []) {
      for (const peer of (direction === 'egress' ? rule.to : rule.from) ?? []) {
        const other = peer.podSelector?.matchLabels?.['app.kubernetes.io/name'];
        if (peer.namespaceSelector !== undefined || peer.ipBlock !== undefined || other === undefined || selected === undefined) continue;
        for (const port of rule.ports ?? [])
          out.add(direction === 'egress' ? `${selected}>${other}:${port.port}/${port.protocol}` : `${other}>${selected}:${port.port}/${port.protocol}`);
      }
    }
  }
  return out;
}

describe.each(cases)('kubernetes manifests: %s', (_name, config) => {
  // The cluster runs the platform without the console (render/kubernetes/index.ts): what the manifests must say.
  const loaded = platformOf(config).then(clusterPlatform);

  it('renders objects that all validate against the Kubernetes schemas, one per document, each named and namespaced', async () => {
    const platform = await loaded;
    const objects = objectsOf(render(platform));
    expect(objects.length).toBeGreaterThan(40);
    const ns = platform.kubernetes.namespace;
    for (const o of objects) {
      expect(() => validateObject(o), `${o.kind} ${o.metadata?.name}`).not.toThrow();
      expect(typeof o.metadata.name).toBe('string');
      if (o.kind === 'Namespace') expect(o.metadata.name).toBe(ns);
      else expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(ns);
      expect(o.metadata.labels?.['app.kubernetes.io/part-of']).toBe('moat');
    }
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives every namespace a default deny of ingress and egress that selects every pod', async () => {
    const objects = objectsOf(render(await loaded));
    const namespaces = objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
    expect(namespaces.length).toBeGreaterThan(0);
    for (const ns of namespaces) {
      const deny = objects.filter(
        (o) =>
          o.kind === 'NetworkPolicy' &&
          o.metadata.namespace === ns &&
          JSON.stringify(o.spec?.['podSelector']) === '{}' &&
          (o.spec?.['policyTypes'] as string[]).includes('Ingress') &&
          (o.spec?.['policyTypes'] as string[]).includes('Egress') &&
          o.spec?.['ingress'] === undefined &&
          o.spec?.['egress'] === undefined,
      );
      expect(
        deny.map((o) => o.metadata.name),
        ns,
      ).toEqual(['default-deny']);
    }
  });

  it('exposes nothing but the gateway, and that only through the Tailscale load balancer class', async () => {
    const platform = await loaded;
    const objects = objectsOf(render(platform));
    const services = objects.filter((o) => o.kind === 'Service');
    const outside = services.filter((s) => s.spec?.['type'] !== 'ClusterIP');
    expect(outside.map((s) => [s.metadata.name, s.spec?.['type'], s.spec?.['loadBalancerClass']])).toEqual([
      [`${platform.gateway.service}-tailnet`, 'LoadBalancer', 'tailscale'],
    ]);
    // No NodePort behind the load balancer either: it would open the gateway on every node's address.
    expect(outside[0]?.spec?.['allocateLoadBalancerNodePorts']).toBe(false);
    expect(outside[0]?.spec?.['selector']).toEqual({ 'app.kubernetes.io/name': platform.gateway.service, 'app.kubernetes.io/part-of': 'moat' });
    for (const s of services) {
      expect(s.spec?.['externalIPs'], s.metadata.name).toBeUndefined();
      for (const p of s.spec?.['ports'] as { nodePort?: number; name?: string }[]) {
        expect(p.nodePort, s.metadata.name).toBeUndefined();
        expect(p.name, s.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      }
    }
    expect(objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
    for (const { owner, spec } of podSpecs(objects)) {
      for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) expect(spec[key], `${owner}.${key}`).not.toBe(true);
      for (const c of containersOf(spec)) for (const p of c.ports ?? []) expect(p['hostPort'], `${owner} hostPort`).toBeUndefined();
      for (const v of (spec['volumes'] as Record<string, unknown>[] | undefined) ?? []) expect(v['hostPath'], `${owner} hostPath`).toBeUndefined();
    }
  });

  it('writes no secret value into any file, and hands every secret over by Secret reference', async () => {
    const platform = await loaded;
    const store = new Map(allSecrets(platform).map((s) => [s.name, generateSecret(s)]));
    // Every value a service's env file holds on one host (derived URLs with passwords included).
    const values = platform.services
      .filter((s) => s.secrets.length > 0)
      .flatMap((s) =>
        serviceEnvContent(s, store, platform)
          .trim()
          .split('\n')
          .map((line) => line.slice(line.indexOf('=') + 1)),
      );
    expect(values.length).toBeGreaterThan(10);
    const result = render(platform);
    for (const f of result.files) for (const v of values) expect(f.content.includes(v), `${f.path} holds a secret value`).toBe(false);
    const objects = objectsOf(result);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const s of platform.services.filter((x) => x.secrets.length > 0)) {
      const workload = objects.find((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.name === s.name);
      const container = containersOf((workload?.spec?.['template'] as { spec: Record<string, unknown> }).spec)[0];
      expect(container?.envFrom, s.name).toEqual([{ secretRef: { name: `${s.name}-secrets`, optional: false } }]);
      const secretEnv = new Set(s.secrets.map((x) => x.env));
      expect(
        (container?.env ?? []).filter((e) => secretEnv.has(e.name)),
        s.name,
      ).toEqual([]);
    }
  });

  it('runs every container without privilege escalation, with every capability dropped, the default seccomp profile and no service account token', async () => {
    const platform = await loaded;
    const pods = podSpecs(objectsOf(render(platform)));
    expect(pods.length).toBe(platform.services.length);
    for (const { owner, spec } of pods) {
      expect(spec['automountServiceAccountToken'], owner).toBe(false);
      const service = serviceByName(platform, owner);
      for (const c of containersOf(spec)) {
        const sc = c.securityContext ?? {};
        expect(sc['allowPrivilegeEscalation'], owner).toBe(false);
        expect(sc['privileged'], owner).toBe(false);
        expect((sc['capabilities'] as { drop: string[] }).drop, owner).toContain('ALL');
        expect((sc['capabilities'] as { add?: string[] }).add ?? [], owner).not.toContain('NET_RAW');
        expect(sc['seccompProfile'], owner).toEqual({ type: 'RuntimeDefault' });
        expect(sc['readOnlyRootFilesystem'], owner).toBe(service?.hardening.readOnlyRootFs);
      }
      const podSc = spec['securityContext'] as Record<string, unknown>;
      if (podSc['runAsNonRoot'] === true) expect(podSc['runAsUser'], owner).toBeGreaterThan(0);
    }
  });

  it('allows between pods exactly the model edges, on both ends', async () => {
    const platform = await loaded;
    const policies = objectsOf(render(platform)).filter((o) => o.kind === 'NetworkPolicy');
    const expected = expectedEdges(platform);
    expect(expected.size).toBeGreaterThan(3);
    expect(allowedEdges(policies, 'egress')).toEqual(expected);
    expect(allowedEdges(policies, 'ingress')).toEqual(expected);
  });

  it("allows an internal proxy's routes even where its dependsOn does not name them", async () => {
    const platform = await loaded;
    const proxy = platform.internalProxies[0];
    if (!proxy) return;
    // Dify's nginx with no dependsOn: its routes alone must still open the way to the API and the web app.
    const bare = { ...platform, services: platform.services.map((s) => (s.name === proxy.service ? { ...s, dependsOn: [] } : s)) };
    const allowed = allowedEdges(
      objectsOf(render(bare)).filter((o) => o.kind === 'NetworkPolicy'),
      'egress',
    );
    for (const r of proxy.routes) expect(allowed, `${proxy.service} → ${r.service}`).toContain(`${proxy.service}>${r.service}:${r.port}/TCP`);
  });

  it('allows beyond the pods only DNS to kube-dns, the tailnet proxy to the gateway ports, and public-internet egress for squid (80, 443) and Ollama (443)', async () => {
    const platform = await loaded;
    const policies = objectsOf(render(platform)).filter((o) => o.kind === 'NetworkPolicy');
    const outward: string[] = [];
    for (const p of policies) {
      const selected = (p.spec?.['podSelector'] as { matchLabels?: Record<string, string> }).matchLabels?.['app.kubernetes.io/name'] ?? '*';
      for (const dir of ['egress', 'ingress'] as const) {
        for (const rule of (p.spec?.[dir] as Rule[] | undefined) ?? []) {
          for (const peer of (dir === 'egress' ? rule.to : rule.from) ?? []) {
            if (peer.podSelector !== undefined && peer.namespaceSelector === undefined) continue;
            const what = peer.ipBlock ? `ip:${peer.ipBlock.cidr}` : `ns:${JSON.stringify(peer.namespaceSelector)}`;
            outward.push(`${dir} ${selected} ${what} ${(rule.ports ?? []).map((x) => `${x.port}/${x.protocol}`).join(',')}`);
            if (peer.ipBlock)
              for (const c of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10', '127.0.0.0/8', 'fc00::/7', 'fe80::/10']) {
                if (peer.ipBlock.cidr.includes(':') === c.includes(':')) expect(peer.ipBlock.except, p.metadata.name).toContain(c);
              }
          }
        }
      }
    }
    const tailnetPorts = (serviceByName(platform, platform.gateway.service)?.ports ?? []).map((x) => `${x.port}/TCP`).join(',');
    expect(outward.sort()).toEqual([
      'egress * ns:{"matchLabels":{"kubernetes.io/metadata.name":"kube-system"}} 53/UDP,53/TCP',
      'egress dify-ssrf-proxy ip:0.0.0.0/0 80/TCP,443/TCP',
      'egress dify-ssrf-proxy ip:::/0 80/TCP,443/TCP',
      'egress ollama ip:0.0.0.0/0 443/TCP',
      'egress ollama ip:::/0 443/TCP',
      `ingress ${platform.gateway.service} ns:{"matchLabels":{"kubernetes.io/metadata.name":"tailscale"}} ${tailnetPorts}`,
    ]);
  });

  it('runs Ollama as replicas with GPUs, each with its own DNS name, every one a LiteLLM deployment of each model', async () => {
    const platform = await loaded;
    const k = platform.kubernetes;
    const objects = objectsOf(render(platform));
    const ollama = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'ollama');
    expect(ollama?.spec?.['replicas']).toBe(k.ollama.replicas);
    const headless = objects.find((o) => o.kind === 'Service' && o.metadata.name === ollama?.spec?.['serviceName']);
    expect(headless?.spec?.['clusterIP']).toBe('None');
    const pod = (ollama?.spec?.['template'] as { spec: Record<string, unknown> }).spec;
    expect(containersOf(pod)[0]?.resources?.limits?.['nvidia.com/gpu']).toBe(k.ollama.gpu > 0 ? k.ollama.gpu : undefined);
    expect(pod['nodeSelector']).toEqual(Object.keys(k.ollama.nodeSelector).length > 0 ? k.ollama.nodeSelector : undefined);
    expect(pod['tolerations']).toEqual(k.ollama.tolerations.length > 0 ? k.ollama.tolerations : undefined);
    const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.labels?.['app.kubernetes.io/name'] === 'litellm');
    const config = parse(Object.values(map?.data ?? {})[0] ?? '') as { model_list: { model_name: string; litellm_params: { api_base: string } }[] };
    const bases = Array.from(
      { length: k.ollama.replicas },
      (_, i) => `http://ollama-${i}.${String(ollama?.spec?.['serviceName'])}.${k.namespace}.svc.cluster.local:11434`,
    );
    for (const model of [...platform.llm.models, platform.llm.embedder]) {
      expect(
        config.model_list
          .filter((m) => m.model_name === model)
          .map((m) => m.litellm_params.api_base)
          .sort(),
        model,
      ).toEqual(bases);
    }
  });

  it('lists every manifest in the Kustomize base, and the one-host bundle stays without them', async () => {
    const platform = await loaded;
    const result = render(platform);
    const kustomization = parse(result.files.find((f) => f.path === 'kubernetes/kustomization.yaml')?.content ?? '') as {
      resources: string[];
      namespace: string;
    };
    expect(kustomization.namespace).toBe(platform.kubernetes.namespace);
    expect(kustomization.resources.map((r) => `kubernetes/${r}`).sort()).toEqual(
      result.files
        .map((f) => f.path)
        .filter((p) => !p.endsWith('kustomization.yaml'))
        .sort(),
    );
    expect(renderBundle(platform).files.filter((f) => f.path.startsWith('kubernetes/'))).toEqual([]);
  });

  it('runs each health check as compose does, as startup, readiness and liveness probes', async () => {
    const platform = await loaded;
    const pods = podSpecs(objectsOf(render(platform)));
    for (const s of platform.services) {
      const c = containersOf(pods.find((p) => p.owner === s.name)?.spec ?? {})[0];
      if (!s.healthcheck) {
        expect(c?.readinessProbe, s.name).toBeUndefined();
        continue;
      }
      const [kind, ...args] = s.healthcheck.test;
      const command = args.map((a) => a.replaceAll('$$', '$'));
      const expected = kind === 'CMD-SHELL' ? ['/bin/sh', '-c', command.join(' ')] : command;
      expect(c?.readinessProbe?.exec.command, s.name).toEqual(expected);
      expect(c?.startupProbe?.exec.command, s.name).toEqual(expected);
      expect(c?.livenessProbe, s.name).toBeDefined();
    }
  });
});

describe('kubernetes settings in moat.yaml are validated like the rest', () => {
  const refused: [string, string, string][] = [
    ['a namespace that is not a DNS label', 'kubernetes: { namespace: "Prod_NS" }', 'kubernetes.namespace'],
    ['a namespace with a newline', 'kubernetes: { namespace: "a\\nkind: Secret" }', 'kubernetes.namespace'],
    ['a node selector key with a space', 'kubernetes: { ollama: { nodeSelector: { "gpu type": "a" } } }', 'kubernetes.ollama.nodeSelector'],
    ['a label value of 64 characters', `kubernetes: { ollama: { nodeSelector: { gpu: "${'a'.repeat(64)}" } } }`, 'kubernetes.ollama.nodeSelector.gpu'],
    ['a label value with a quote', 'kubernetes: { ollama: { nodeSelector: { gpu: "a\\"b" } } }', 'kubernetes.ollama.nodeSelector.gpu'],
    [
      'an Exists toleration with a value',
      'kubernetes: { ollama: { tolerations: [{ key: gpu, operator: Exists, value: x }] } }',
      'kubernetes.ollama.tolerations[0].value',
    ],
    ['zero replicas', 'kubernetes: { ollama: { replicas: 0 } }', 'kubernetes.ollama.replicas'],
    ['an unknown key', 'kubernetes: { ollama: { replica: 2 } }', 'kubernetes.ollama'],
    ['a storage class with a slash', 'kubernetes: { storageClass: "a/b" }', 'kubernetes.storageClass'],
    ['a pod CIDR of the right shape that is no address', 'kubernetes: { podCidr: "999.1.1.1/99" }', 'kubernetes.podCidr'],
  ];
  it.each(refused)('refuses %s', async (_name, yaml, path) => {
    const error = await platformOf(yaml).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as UserInputError).findings.map((f) => f.path).join(' ')).toContain(path);
  });

  it('defaults the namespace to the project name', async () => {
    expect((await platformOf('project: my-lab')).kubernetes.namespace).toBe('my-lab');
  });

  it('refuses to render a project whose name cannot be a namespace, with a located finding', async () => {
    const platform = await platformOf(`project: p${'x'.repeat(70)}`);
    const error = (() => {
      try {
        render(platform);
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as UserInputError).findings.map((f) => [f.code, f.path])).toEqual([['render.kubernetes.bad-name', 'project']]);
  });
});

describe('the console on Kubernetes', () => {
  it('is left out with its route, and the render says so; / of the gateway stays a 404', async () => {
    const platform = await platformOf('reference');
    expect(serviceByName(platform, 'console')).toBeDefined();
    const rendered = renderBundle(platform, {}, ['kubernetes']);
    expect(rendered.files.map((f) => f.path)).not.toContain('kubernetes/services/console.yaml');
    expect(
      rendered.files.filter((f) => /moat-console|CONSOLE_OPERATOR|CONSOLE_SNAPSHOT|console-state|172\.20\.0\.3\b/.test(f.content)).map((f) => f.path),
    ).toEqual([]);
    const nginx = rendered.files.find((f) => f.path === 'kubernetes/services/nginx.yaml')?.content ?? '';
    expect(nginx).toContain('# Anything else is not here.');
    expect(rendered.warnings.map((w) => [w.code, w.severity])).toContainEqual(['render.kubernetes.console-one-host', 'info']);
  });
});
