// The reference invariants of the catalog, asserted one by one against
// shared/reference/ports_security.md (parsed at test time).
import { containsCidr } from 'cidr-tools';
import { describe, expect, it } from 'vitest';
import { BACKEND_ONLY, referencePlatform } from '../../src/catalog/reference.js';
import { DIFY_PROXY, GATEWAY_ROUTES } from '../../src/catalog/routes.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import { referenceDoc, staticAddressTable, tableAfter } from '../support/reference-doc.js';

const platform = normalizePlatform(referencePlatform());
const services = platform.services;
const byName = new Map(services.map((s) => [s.name, s]));
const service = (name: string) => {
  const s = byName.get(name);
  if (!s) throw new Error(`no service ${name} in the catalog`);
  return s;
};

describe('static addresses', () => {
  const table = staticAddressTable();

  it('the reference document lists 14 static addresses', () => {
    expect(table).toHaveLength(14);
  });

  it('the reference services are exactly the 14 name/address pairs of the table', () => {
    const reference = services
      .filter((s) => s.origin === 'reference')
      .map((s) => `${s.name} ${s.address}`)
      .sort();
    expect(reference).toEqual(table.map((r) => `${r.name} ${r.address}`).sort());
  });

  it('every table row keeps its name as the host name (compose hostname = service name)', () => {
    for (const row of table) expect(row.hostname).toBe(row.name);
  });

  it('every other service is an addition with a distinct address inside the network', () => {
    const subnet = platform.networks[0]?.subnet ?? '';
    expect(subnet).toBe('172.20.0.0/16');
    const additions = services.filter((s) => s.origin !== 'reference');
    expect(additions.length).toBeGreaterThan(0);
    for (const s of additions) {
      expect(s.origin, s.name).toBe('addition');
      expect(containsCidr(subnet, s.address), `${s.name} ${s.address}`).toBe(true);
    }
    const addresses = services.map((s) => s.address);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(addresses).not.toContain(platform.networks[0]?.gateway);
  });
});

describe('reference ports', () => {
  const doc = referenceDoc();

  it('each routed service keeps its internal port from "Services Exposed via NGINX"', () => {
    const names: Record<string, string> = { AnythingLLM: 'anythingllm', Clawdbot: 'clawdbot', Dify: 'dify-nginx', n8n: 'n8n' };
    const rows = tableAfter(doc, 'Services Exposed via NGINX (Port 8443)');
    expect(rows).toHaveLength(4);
    for (const [title = '', port = '', path = ''] of rows) {
      const name = names[title];
      expect(name, title).toBeDefined();
      const route = GATEWAY_ROUTES.find((r) => r.path === path);
      expect(route?.service, path).toBe(name);
      expect(route?.port, path).toBe(Number(port));
      expect(service(name ?? '').ports.map((p) => p.port)).toContain(Number(port));
    }
  });

  it('each backend keeps its port from "Backend Services" (8081 is a documented note)', () => {
    const names: Record<string, string> = {
      Ollama: 'ollama',
      LiteLLM: 'litellm',
      PostgreSQL: 'dify-db',
      Redis: 'dify-redis',
      Weaviate: 'dify-weaviate',
      'Signal API': 'signal-api',
      Google: 'gdrive',
    };
    const rows = tableAfter(doc, 'Backend Services (Internal Docker Network Only)');
    expect(rows).toHaveLength(8);
    for (const [title = '', port = ''] of rows) {
      const s = service(names[title] ?? title);
      if (title === 'Signal API' && port === '8081') {
        expect(platform.notes.map((n) => n.code)).toContain('ref.signal-8081-unused');
        continue;
      }
      expect(
        s.ports.map((p) => p.port),
        `${title} ${port}`,
      ).toContain(Number(port));
      expect(BACKEND_ONLY, s.name).toContain(s.name);
    }
  });
});

describe('images, secrets, env', () => {
  it('every image is pinned to a version tag, never latest', () => {
    for (const s of services) {
      expect(s.image, s.name).toMatch(/^[^\s:]+:[^\s:@]+(@sha256:[0-9a-f]{64})?$/);
      expect(s.image, s.name).not.toMatch(/:(latest|main|stable|edge)(@|$)/);
    }
  });

  it('every secret has a policy and a reason', () => {
    for (const s of services) {
      for (const secret of s.secrets) {
        expect(['never-rotate', 'rotatable'], `${s.name} ${secret.name}`).toContain(secret.policy);
        expect(secret.why.trim().length, `${s.name} ${secret.name}`).toBeGreaterThan(10);
      }
    }
  });

  it('never-rotate covers the keys that encrypt stored data', () => {
    const neverRotate = (name: string, env: string) => service(name).secrets.find((x) => x.env === env)?.policy;
    expect(neverRotate('n8n', 'N8N_ENCRYPTION_KEY')).toBe('never-rotate');
    expect(neverRotate('dify-api', 'SECRET_KEY')).toBe('never-rotate');
    expect(neverRotate('dify-worker', 'SECRET_KEY')).toBe('never-rotate');
    expect(neverRotate('anythingllm', 'SIG_KEY')).toBe('never-rotate');
    expect(neverRotate('anythingllm', 'SIG_SALT')).toBe('never-rotate');
  });

  it('one secret name means one policy and one generator everywhere it is read', () => {
    const seen = new Map<string, string>();
    for (const s of services) {
      for (const secret of s.secrets) {
        const key = JSON.stringify([secret.policy, secret.generate, secret.knownDefaults]);
        expect(seen.get(secret.name) ?? key, `${s.name} ${secret.name}`).toBe(key);
        seen.set(secret.name, key);
      }
    }
  });

  it('no known default is used as a static env value anywhere', () => {
    const defaults = new Set(services.flatMap((s) => s.secrets.flatMap((x) => x.knownDefaults)));
    expect(defaults.size).toBeGreaterThan(5);
    for (const s of services) {
      for (const [key, value] of Object.entries(s.env)) expect(defaults.has(value), `${s.name} ${key}=${value}`).toBe(false);
    }
  });

  it('a secret is never also a static env variable of the same service', () => {
    for (const s of services) for (const secret of s.secrets) expect(Object.keys(s.env), s.name).not.toContain(secret.env);
  });
});

describe('dependencies, routes, health checks', () => {
  it('every dependsOn names a catalog service', () => {
    for (const s of services) for (const d of s.dependsOn) expect(byName.has(d), `${s.name} → ${d}`).toBe(true);
  });

  it('dependsOn has no cycle (compose refuses one)', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (name: string, trail: string[]): void => {
      if (state.get(name) === 'done') return;
      expect(state.get(name), `cycle: ${[...trail, name].join(' → ')}`).not.toBe('visiting');
      state.set(name, 'visiting');
      for (const d of service(name).dependsOn) visit(d, [...trail, name]);
      state.set(name, 'done');
    };
    for (const s of services) visit(s.name, []);
  });

  it('every gateway route and Dify internal route targets an existing service port', () => {
    const routes = [...GATEWAY_ROUTES, ...DIFY_PROXY.routes];
    expect(routes.length).toBeGreaterThan(4);
    for (const r of routes)
      expect(
        service(r.service).ports.map((p) => p.port),
        `${r.path} → ${r.service}:${r.port}`,
      ).toContain(r.port);
    expect(service(DIFY_PROXY.service).ports.map((p) => p.port)).toContain(DIFY_PROXY.listenPort);
  });

  it("never-route services are not routed, by the gateway or by Dify's nginx", () => {
    const routed = new Set([...GATEWAY_ROUTES, ...DIFY_PROXY.routes].map((r) => r.service));
    const neverRoute = services.filter((s) => s.exposure === 'never-route').map((s) => s.name);
    expect(neverRoute).toEqual(expect.arrayContaining(['ollama', 'signal-api', 'gdrive', 'dify-db', 'dify-redis', 'dify-sandbox']));
    for (const name of neverRoute) expect(routed.has(name), name).toBe(false);
  });

  it('only the gateway routes to routed services, and the gateway routes only those', () => {
    for (const r of GATEWAY_ROUTES) expect(service(r.service).exposure, r.path).toBe('routed');
  });

  it('every health check starts with CMD or CMD-SHELL', () => {
    const checks = services.filter((s) => s.healthcheck);
    expect(checks.length).toBeGreaterThan(12);
    for (const s of checks) expect(['CMD', 'CMD-SHELL'], s.name).toContain(s.healthcheck?.test[0]);
  });

  it('every entry names its upstream sources', () => {
    for (const s of services) {
      expect(s.sources.length, s.name).toBeGreaterThan(0);
      for (const url of s.sources) expect(url, s.name).toMatch(/^https:\/\//);
    }
  });

  it('every reference note names a source', () => {
    for (const n of platform.notes) expect(n.source, n.code).toMatch(/^(https:\/\/|shared\/reviews\/)/);
    expect(new Set(platform.notes.map((n) => n.code)).size).toBe(platform.notes.length);
  });
});

describe('code execution isolation', () => {
  it('gives sandboxed code network (the API always asks for it) only on an internal network: off the platform network, raw sockets reach only the SSRF proxy', () => {
    const sandbox = normalizePlatform(referencePlatform()).services.find((s) => s.name === 'dify-sandbox');
    expect(sandbox?.env['ENABLE_NETWORK']).toBe('true');
    expect(sandbox?.isolated).toBe(true);
  });
});
