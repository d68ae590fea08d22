// The proof of moat's bundle (render, ingest, analyze) on the built-in
// reference platform and on single changes to it: explicit security verdicts,
// not snapshots.
import { describe, expect, it } from 'vitest';
import type { MatrixRow } from '../../src/analyze/index.js';
import { expectedOpen } from '../../src/analyze/index.js';
import { referencePlatform } from '../../src/catalog/reference.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import type { Platform, PlatformInput } from '../../src/model/types.js';
import { proveBundle as analyzePlatform } from '../../src/proof/bundle.js';

function platformWith(change: (input: PlatformInput) => void = () => {}): Platform {
  // A deep copy: the catalog's arrays are shared module data.
  const input = structuredClone(referencePlatform());
  change(input);
  return normalizePlatform(input);
}

function service(input: PlatformInput, name: string) {
  const found = input.services.find((s) => s.name === name);
  if (!found) throw new Error(`no ${name} in the reference`);
  return found;
}

const key = (r: MatrixRow) => `${r.zone} ${r.address}:${r.port}/${r.protocol}`;

describe('the built-in reference platform', () => {
  const platform = platformWith();
  const analysis = analyzePlatform(platform);
  const open = analysis.matrix.filter((r) => r.verdict === 'open');

  it('has no finding but the low note that two apps share the main origin', () => {
    expect(analysis.findings.map((f) => `${f.severity} ${f.code}`)).toEqual(['low origin.shared']);
  });

  it('is open from outside the platform network on exactly 22/tcp (admin CIDR only), 41641/udp and the origins 8443, 8444, 8445/tcp (tailnet)', () => {
    const outside = open.filter((r) => ['internet', 'admin', 'tailnet'].includes(r.zone) && r.via !== 'gateway');
    expect(outside.map(key).sort()).toEqual(
      [
        'admin 0.0.0.0:22/tcp',
        // The admin is a part of the internet: WireGuard is open to it too.
        'admin 0.0.0.0:41641/udp',
        'internet 0.0.0.0:41641/udp',
        'internet :::41641/udp',
        'tailnet 100.64.0.10:8443/tcp',
        'tailnet 100.64.0.10:8444/tcp',
        'tailnet 100.64.0.10:8445/tcp',
      ].sort(),
    );
    const ssh = outside.find((r) => r.port === 22);
    expect(ssh?.sourceCidrs).toEqual(['203.0.113.10/32']);
    expect(ssh?.decidedBy).toBe('cloud');
    expect(open.some((r) => r.zone === 'internet' && r.protocol === 'tcp')).toBe(false);
  });

  it("lets the tailnet reach exactly the four routed apps and the console (the main origin's /) through the gateway", () => {
    const routed = open.filter((r) => r.via === 'gateway');
    expect([...new Set(routed.map((r) => `${r.zone} ${r.service}:${r.port}`))].sort()).toEqual([
      'tailnet anythingllm:3001',
      'tailnet clawdbot:3000',
      'tailnet console:8080',
      'tailnet dify-nginx:80',
      'tailnet n8n:5678',
    ]);
  });

  it('lets the platform zone reach every backend port at its static address', () => {
    for (const s of platform.services.filter((x) => !x.isolated)) {
      for (const p of s.ports) {
        const row = analysis.matrix.find((r) => r.zone === 'platform' && r.via === 'container' && r.address === s.address && r.port === p.port);
        expect(row?.verdict, `${s.name}:${p.port}`).toBe('open');
      }
    }
  });

  it('reaches no backend directly from the internet, the admin CIDR or the tailnet', () => {
    const direct = open.filter((r) => ['internet', 'admin', 'tailnet'].includes(r.zone) && r.via === 'container');
    expect(direct).toEqual([]);
  });

  it('tells the prober what each vantage point should find open', () => {
    expect(expectedOpen(analysis, 'internet')).toEqual([{ port: 41641, protocol: 'udp' }]);
    expect(expectedOpen(analysis, 'admin')).toEqual([
      { port: 22, protocol: 'tcp' },
      { port: 41641, protocol: 'udp' },
    ]);
    expect(expectedOpen(analysis, 'tailnet')).toEqual([8443, 8444, 8445].map((port) => ({ port, protocol: 'tcp' })));
  });
});

interface Change {
  readonly name: string;
  readonly change: (input: PlatformInput) => void;
  readonly code: string;
  readonly path: string;
  readonly severity?: string;
}

const ROUTE = { prefix: 'strip' as const, websocket: false, streaming: false };

const CHANGES: readonly Change[] = [
  {
    name: 'a backend given a published port',
    change: (i) => {
      service(i, 'dify-db').publish = [{ hostAddress: '0.0.0.0', hostPort: 5432, containerPort: 5432, protocol: 'tcp' }];
    },
    code: 'exposure.unexpected-open',
    path: 'services.dify-db.publish[0]',
    severity: 'high',
  },
  {
    name: 'a backend published on 127.0.0.1 (still off the platform network)',
    change: (i) => {
      service(i, 'ollama').publish = [{ hostAddress: '127.0.0.1', hostPort: 11434, containerPort: 11434, protocol: 'tcp' }];
    },
    code: 'exposure.unexpected-open',
    path: 'services.ollama.publish[0]',
  },
  {
    name: 'admin CIDR 0.0.0.0/0',
    change: (i) => {
      i.host.adminCidr = '0.0.0.0/0';
    },
    code: 'exposure.admin-cidr-world',
    path: 'host.adminCidr',
    severity: 'critical',
  },
  {
    name: 'a route to a service that does not exist',
    change: (i) => {
      i.gateway.routes.push({ ...ROUTE, path: '/tool', service: 'my-tool', port: 9000 });
    },
    code: 'route.unknown-service',
    path: 'gateway.routes[5].service',
  },
  {
    name: 'a route to the Signal API',
    change: (i) => {
      i.gateway.routes.push({ ...ROUTE, path: '/signal', service: 'signal-api', port: 8080 });
    },
    code: 'route.never-route',
    path: 'gateway.routes[5].service',
    severity: 'critical',
  },
  {
    name: 'a route to the Signal API is also an unexpected opening from the tailnet',
    change: (i) => {
      i.gateway.routes.push({ ...ROUTE, path: '/signal', service: 'signal-api', port: 8080 });
    },
    code: 'exposure.unexpected-open',
    path: 'gateway.routes[5]',
  },
  {
    name: 'a route to a port the service does not listen on',
    change: (i) => {
      i.gateway.routes.push({ ...ROUTE, path: '/n8n2', service: 'n8n', port: 8080 });
    },
    code: 'route.not-listening',
    path: 'gateway.routes[5].port',
  },
  {
    name: 'two services on one address and port',
    change: (i) => {
      service(i, 'dify-web').address = '172.20.0.21';
    },
    code: 'listener.duplicate',
    path: 'services.dify-web.ports[0]',
  },
  {
    name: 'the same address twice (the loader’s address rule, reused)',
    change: (i) => {
      service(i, 'dify-web').address = '172.20.0.21';
    },
    code: 'config.duplicate-address',
    path: 'services.dify-web.address',
  },
  {
    name: 'an address outside the subnet',
    change: (i) => {
      service(i, 'n8n').address = '10.0.0.40';
    },
    code: 'config.address-outside-subnet',
    path: 'services.n8n.address',
  },
  {
    name: "Dify's sample SECRET_KEY in plain env",
    change: (i) => {
      service(i, 'dify-api').env = { ...service(i, 'dify-api').env, SECRET_KEY: 'sk-9f73s3ljTXVcMT3Blb3ljTqtsKiGHXVcMT3BlbkFJLK7U' };
    },
    code: 'secret.known-default',
    path: 'services.dify-api.env.SECRET_KEY',
    severity: 'critical',
  },
  {
    name: 'a password in plain env',
    change: (i) => {
      service(i, 'n8n').env = { ...service(i, 'n8n').env, DB_POSTGRESDB_PASSWORD: 'hunter2' };
    },
    code: 'secret.plain-env',
    path: 'services.n8n.env.DB_POSTGRESDB_PASSWORD',
  },
  {
    name: 'two publications of one host port (a wildcard overlaps the Tailscale address)',
    change: (i) => {
      service(i, 'dify-nginx').publish = [{ hostAddress: '', hostPort: 8400, hostPortEnd: 8500, containerPort: 80, protocol: 'tcp' }];
    },
    code: 'listener.duplicate',
    // Reported at the later of the two in the rendered compose.yaml (services in name order).
    path: 'services.nginx.publish[0]',
  },
  {
    name: 'an admin rule narrowed with `from` that the admin CIDR exceeds',
    change: (i) => {
      i.host.adminCidr = '203.0.113.0/24';
      i.policy.allow = i.policy.allow.map((r) => (r.zone === 'admin' ? { ...r, from: '203.0.113.10/32' } : r));
    },
    code: 'exposure.unexpected-open',
    path: 'host.adminCidr',
  },
  {
    name: 'a policy without the tailnet rule: the gateway port is an unexpected opening',
    change: (i) => {
      i.policy.allow = i.policy.allow.filter((r) => r.zone !== 'tailnet');
    },
    code: 'exposure.unexpected-open',
    path: 'services.nginx.publish[0]',
  },
];

describe('single changes to the reference', () => {
  it.each(CHANGES)('$name → $code at $path', ({ change, code, path, severity }) => {
    const { findings } = analyzePlatform(platformWith(change));
    const hit = findings.find((f) => f.code === code && f.path === path);
    expect(hit, JSON.stringify(findings.map((f) => [f.code, f.path]))).toBeDefined();
    if (severity) expect(hit?.severity).toBe(severity);
    expect(findings.some((f) => f.severity === 'high' || f.severity === 'critical')).toBe(true);
  });

  it('accepts what a user policy rule allows: a tool published on the Tailscale address, granted and allowed', () => {
    const platform = platformWith((i) => {
      i.services.push({
        kind: 'service',
        name: 'my-tool',
        title: 'tool',
        description: 'tool',
        origin: 'user',
        image: 'ghcr.io/acme/tool:1.2.3',
        network: 'ai-platform',
        address: '172.20.0.70',
        ports: [{ port: 9443, protocol: 'tcp', purpose: 'dashboard' }],
        publish: [{ hostAddress: '100.64.0.10', hostPort: 9443, containerPort: 9443, protocol: 'tcp' }],
        hardening: { readOnlyRootFs: true },
        exposure: 'internal',
      });
      i.policy.allow.push({ zone: 'tailnet', port: 9443, protocol: 'tcp', why: 'dashboard' });
    });
    // The rule takes effect where the tailnet decides: the rendered grants include 9443, so the
    // tailnet reaches it, and what the policy allows is not an exposure finding (only the note that
    // a service other than the gateway publishes).
    const analysis = analyzePlatform(platform);
    expect(analysis.findings.map((f) => f.code).filter((c) => c.startsWith('exposure.'))).toEqual([]);
    const row = analysis.matrix.find((r) => r.zone === 'tailnet' && r.port === 9443 && r.via === 'publish');
    expect(row?.verdict).toBe('open');
    expect(row?.decidedBy).toBe('tailnet');
  });
});
