// Dify's public URLs follow routeUrl() (Dify's own origin), and CONSOLE_WEB_URL
// stays empty so the API's cookie names match the web's CSRF cookie name.
import { describe, expect, it } from 'vitest';
import { difyHostEnv } from '../../src/catalog/dify-host-env.js';
import { routeUrl } from '../../src/catalog/host-env.js';
import { referencePlatform } from '../../src/catalog/reference.js';
import { normalizePlatform } from '../../src/model/normalize.js';

describe('difyHostEnv', () => {
  const platform = normalizePlatform(referencePlatform());
  const url = routeUrl(platform, 'dify-nginx') ?? '';
  const env = difyHostEnv(platform);

  it('overrides the image defaults (127.0.0.1) with the public URL, for api and worker', () => {
    for (const name of ['dify-api', 'dify-worker']) {
      expect(env[name]?.['CONSOLE_API_URL']).toBe(url);
      expect(env[name]?.['SERVICE_API_URL']).toBe(url);
      expect(env[name]?.['APP_WEB_URL']).toBe(url);
      expect(env[name]?.['FILES_URL']).toBe(url);
      expect(env[name]?.['ENDPOINT_URL_TEMPLATE']).toBe(`${url}/e/{hook_id}`);
    }
  });

  it('keeps CONSOLE_WEB_URL empty, so is_secure() stays false and cookie names match the web', () => {
    expect(env['dify-api']?.['CONSOLE_WEB_URL']).toBe('');
    const web = platform.services.find((s) => s.name === 'dify-web');
    expect(web?.env['CONSOLE_API_URL']).toBe('');
  });

  it('is empty when Dify is not routed', () => {
    const input = referencePlatform();
    const unrouted = normalizePlatform({ ...input, gateway: { ...input.gateway, routes: input.gateway.routes.filter((r) => r.service !== 'dify-nginx') } });
    expect(difyHostEnv(unrouted)).toEqual({});
  });
});

describe('the sandbox network', () => {
  const platform = normalizePlatform(referencePlatform());
  const byName = (n: string) => platform.services.find((s) => s.name === n);

  it('the sandbox has network (the API always asks for it) and sits only on the internal sandbox network', () => {
    const sandbox = byName('dify-sandbox');
    expect(sandbox?.env['ENABLE_NETWORK']).toBe('true');
    expect(sandbox?.isolated).toBe(true);
    expect(sandbox?.internalNetworks.map((n) => n.name)).toEqual(['dify-sandbox']);
  });

  it('only the SSRF proxy, the API, the worker and beat share it', () => {
    const members = platform.services
      .filter((s) => s.internalNetworks.some((n) => n.name === 'dify-sandbox'))
      .map((s) => s.name)
      .sort();
    expect(members).toEqual(['dify-api', 'dify-sandbox', 'dify-ssrf-proxy', 'dify-worker', 'dify-worker-beat']);
  });
});
