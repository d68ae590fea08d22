// Security verdicts of the core bundle, asserted explicitly (never by snapshot):
// every reference address in place, only the gateway publishes, and only on
// the Tailscale address, no secret in any rendered file.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { allSecrets } from '../../../src/model/lookup.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import { renderCompose } from '../../../src/render/compose.js';
import { renderEnvExample } from '../../../src/render/env-example.js';
import { renderGatewayNginx } from '../../../src/render/gateway-nginx.js';
import { renderBundle } from '../../../src/render/registry.js';
import { goldenPlatform } from '../../support/golden.js';
import { markdownTables, referenceDoc } from '../../support/reference-doc.js';

const platform = normalizePlatform(referencePlatform());

interface ComposeService {
  hostname?: string;
  networks?: Record<string, { ipv4_address?: string }>;
  ports?: string[];
  environment?: Record<string, string>;
  env_file?: string[];
}
const compose = parse(renderCompose(platform, {}).files[0]?.content ?? '') as { services: Record<string, ComposeService> };

describe('compose: addresses and publication', () => {
  const table = markdownTables(referenceDoc()).find((t) => t.title === 'Static IP Assignments');

  it('has all 14 static addresses of the reference, with their host names', () => {
    expect(table?.rows.length).toBe(14);
    for (const [service = '', ip = '', hostname = ''] of table?.rows ?? []) {
      const s = compose.services[service];
      expect(s, service).toBeDefined();
      expect(s?.networks?.['ai-platform']?.ipv4_address, service).toBe(ip);
      expect(s?.hostname, service).toBe(hostname);
    }
  });

  it('gives every service on the platform network a static address (docker/compose#11899); the isolated sandbox is not on it', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (name === 'dify-sandbox') expect(s.networks?.['ai-platform'], name).toBeUndefined();
      else expect(s.networks?.['ai-platform']?.ipv4_address, name).toMatch(/^172\.20\.0\.\d+$/);
    }
  });

  it('publishes only nginx, only on the Tailscale address: the main origin 8443 and the own origins 8444 (AnythingLLM) and 8445 (Dify)', () => {
    const publishing = Object.entries(compose.services).filter(([, s]) => s.ports !== undefined);
    expect(publishing.map(([name]) => name)).toEqual(['nginx']);
    const ts = platform.host.tailscale.address;
    expect(compose.services['nginx']?.ports).toEqual([`${ts}:8443:8443`, `${ts}:8444:8444`, `${ts}:8445:8445`]);
  });

  it('warns when any other service publishes', () => {
    const result = renderCompose(
      goldenPlatform('services:\n  - name: ollama\n    publish: [{hostAddress: 0.0.0.0, hostPort: 11434, containerPort: 11434}]\n'),
      {},
    );
    expect(result.warnings.filter((w) => w.code === 'render.compose.published-backend').map((w) => w.path)).toEqual(['services.ollama.publish[0]']);
  });

  it('adds back no broad capability on the built-in platform, and warns when a config does', () => {
    expect(renderCompose(platform, {}).warnings.filter((w) => w.code === 'render.compose.broad-capability')).toEqual([]);
    const withAdmin = goldenPlatform('services:\n  - name: ollama\n    hardening: {readOnlyRootFs: false, capAdd: [SYS_ADMIN]}\n');
    const broad = renderCompose(withAdmin, {}).warnings.filter((w) => w.code === 'render.compose.broad-capability');
    expect(broad.map((w) => w.path)).toEqual(['services.ollama.hardening.capAdd[0]']);
  });
});

describe('no secret in the bundle', () => {
  const bundle = renderBundle(platform, {}, ['compose', 'gateway-nginx', 'dify-nginx', 'litellm-config', 'env-example', 'ports-doc']);
  const secrets = allSecrets(platform);

  it('sets no secret variable inline in compose: secrets come only from secrets/<service>.env', () => {
    for (const service of platform.services) {
      const rendered = compose.services[service.name];
      for (const secret of service.secrets) expect(Object.keys(rendered?.environment ?? {}), service.name).not.toContain(secret.env);
      expect(rendered?.env_file ?? []).toEqual(service.secrets.length > 0 ? [`secrets/${service.name}.env`] : []);
    }
  });

  it('contains none of the known upstream default secrets', () => {
    // Short words ("salt") and service names ("dify-sandbox") occur in prose; the rest must not.
    const names = new Set(platform.services.map((s) => s.name));
    const defaults = secrets.flatMap((s) => s.knownDefaults).filter((d) => d.length >= 8 && !names.has(d));
    expect(defaults.length).toBeGreaterThan(3);
    for (const file of bundle.files) for (const value of defaults) expect(file.content, `${file.path} contains ${value}`).not.toContain(value);
  });

  it('lists every secret in .env.example with an empty value and its policy', () => {
    const text = renderEnvExample(platform, {}).files[0]?.content ?? '';
    const assignments = text.split('\n').filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l));
    expect(assignments).toEqual(secrets.map((s) => `${s.name}=`));
    for (const s of secrets.filter((x) => x.policy === 'never-rotate')) expect(text).toContain(`# ${s.name} — NEVER ROTATE`);
  });

  it('keeps the secret env files out of git (secrets/.gitignore ignores all but itself)', () => {
    const ignore = bundle.files.find((f) => f.path === 'secrets/.gitignore')?.content ?? '';
    expect(ignore.split('\n').filter((l) => l !== '' && !l.startsWith('#'))).toEqual(['*', '!.gitignore']);
  });

  it('reads the LiteLLM master key from the environment', () => {
    const config = bundle.files.find((f) => f.path === 'litellm/config.yaml')?.content ?? '';
    expect(config).toContain('master_key: os.environ/LITELLM_MASTER_KEY');
  });
});

describe('gateway', () => {
  const conf = renderGatewayNginx(platform, {}).files[0]?.content ?? '';

  it('serves TLS on the main origin (8443) and the own origins of AnythingLLM (8444) and Dify (8445) only, with the protocols of the model, and hides its version', () => {
    expect(conf.match(/listen [^;]+;/g)).toEqual([
      'listen 8443 ssl default_server;',
      'listen 8444 ssl default_server;',
      'listen 8445 ssl default_server;',
      'listen 8443 ssl;',
      'listen 8444 ssl;',
      'listen 8445 ssl;',
      'listen 127.0.0.1:8081;',
    ]);
    expect(conf).toContain('ssl_protocols TLSv1.2 TLSv1.3;');
    expect(conf).toContain('server_tokens off;');
  });

  it('routes nothing to a service that must never be routed', () => {
    const never = platform.services.filter((s) => s.exposure === 'never-route').map((s) => s.name);
    const upstreams = [...conf.matchAll(/server (\d+\.\d+\.\d+\.\d+):(\d+);/g)].map((m) => m[1]);
    // The four routed apps and the console.
    expect(upstreams.length).toBe(5);
    for (const name of never) {
      const address = platform.services.find((s) => s.name === name)?.address;
      expect(upstreams, name).not.toContain(address);
    }
  });

  it('rewrites no app response: no sub_filter, no proxy_redirect, no cookie-path rewriting', () => {
    expect(conf).not.toMatch(/sub_filter|proxy_redirect|proxy_cookie_path/);
  });

  it('serves every route the way its app supports, per its catalog source', () => {
    for (const route of platform.gateway.routes) {
      expect(route.sources.length, route.path).toBeGreaterThan(0);
      // An app without base-path support is only ever served at / of its own origin.
      if (route.prefix === 'none') expect(route.servedAt, route.path).toBe('origin');
    }
  });
});
