// The pure helpers beside the catalog entries: values that depend on the host,
// secrets built into URLs, and Clawdbot's config file.
import { describe, expect, it } from 'vitest';
import { CLAWDBOT_PAIRING } from '../../src/catalog/clawdbot.js';
import { CLAWDBOT_CONFIG_PATH, clawdbotConfig, clawdbotConfigJson } from '../../src/catalog/clawdbot-config.js';
import { DERIVED_SECRETS, derivedSecretEnv } from '../../src/catalog/derived-secrets.js';
import { hostDependentEnv, routeUrl } from '../../src/catalog/host-env.js';
import { referencePlatform } from '../../src/catalog/reference.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import type { PlatformInput } from '../../src/model/types.js';

const reference = normalizePlatform(referencePlatform());

function withHost(hostname: string, tailnet: string) {
  const input: PlatformInput = referencePlatform();
  return normalizePlatform({ ...input, host: { ...input.host, tailscale: { ...input.host.tailscale, hostname, tailnet } } });
}

describe('hostDependentEnv', () => {
  it('gives n8n its public webhook and editor URLs and host name', () => {
    const env = hostDependentEnv(withHost('box', 'corp.ts.net'))['n8n'];
    expect(env).toEqual({
      N8N_PATH: '/n8n/',
      N8N_HOST: 'box.corp.ts.net',
      // n8n 2.x: N8N_WEBHOOK_URL (WEBHOOK_URL is deprecated at 2.41.3: upstream/n8n.ts).
      N8N_WEBHOOK_URL: 'https://box.corp.ts.net:8443/n8n/',
      N8N_EDITOR_BASE_URL: 'https://box.corp.ts.net:8443/n8n/',
    });
  });

  it("gives Dify's API and worker the public files and plugin endpoint URLs", () => {
    const env = hostDependentEnv(reference);
    expect(env['dify-api']?.['FILES_URL']).toBe('https://ai-platform.example.ts.net:8445');
    expect(env['dify-api']?.['ENDPOINT_URL_TEMPLATE']).toBe('https://ai-platform.example.ts.net:8445/e/{hook_id}');
    expect(env['dify-worker']).toEqual(env['dify-api']);
  });

  it('never overrides a static env key it does not own and never names an absent service', () => {
    const env = hostDependentEnv(reference);
    const names = new Set(reference.services.map((s) => s.name));
    for (const [service, vars] of Object.entries(env)) {
      expect(names.has(service), service).toBe(true);
      const statics = reference.services.find((s) => s.name === service)?.env ?? {};
      for (const key of Object.keys(vars)) expect(Object.keys(statics), `${service}.${key}`).not.toContain(key);
    }
  });

  it('follows the host: another tailnet changes every URL, the same platform gives the same map', () => {
    expect(JSON.stringify(hostDependentEnv(withHost('a', 'x.ts.net')))).not.toContain('example.ts.net');
    expect(hostDependentEnv(reference)).toEqual(hostDependentEnv(normalizePlatform(referencePlatform())));
  });

  it('routeUrl is undefined for a service the gateway does not route', () => {
    expect(routeUrl(reference, 'ollama')).toBeUndefined();
    expect(routeUrl(reference, 'anythingllm')).toBe('https://ai-platform.example.ts.net:8444');
  });
});

describe('derivedSecretEnv', () => {
  it("builds Dify's Celery broker URL from the Redis password, URL-encoded", () => {
    expect(derivedSecretEnv('dify-worker', { DIFY_REDIS_PASSWORD: 'p@ss/word' })).toEqual({ CELERY_BROKER_URL: 'redis://:p%40ss%2Fword@dify-redis:6379/1' });
  });

  it('uses only secrets the service itself holds', () => {
    for (const [service, derived] of Object.entries(DERIVED_SECRETS)) {
      const own = reference.services.find((s) => s.name === service)?.secrets.map((x) => x.name) ?? [];
      for (const d of derived) for (const name of d.uses) expect(own, `${service}.${d.env}`).toContain(name);
    }
  });

  it('fails loudly when a secret value is missing, and is empty for other services', () => {
    expect(() => derivedSecretEnv('dify-api', {})).toThrow(/DIFY_REDIS_PASSWORD/);
    expect(derivedSecretEnv('n8n', {})).toEqual({});
  });
});

describe('clawdbotConfig', () => {
  const config = clawdbotConfig(reference) as { gateway: Record<string, unknown> & { controlUi: Record<string, unknown>; auth: Record<string, unknown> } };
  const service = reference.services.find((s) => s.name === 'clawdbot');
  const route = reference.gateway.routes.find((r) => r.service === 'clawdbot');

  it('listens on the reference port, on the container network, with token auth', () => {
    expect(config.gateway['port']).toBe(3000);
    expect(service?.ports.map((p) => p.port)).toEqual([3000]);
    expect(config.gateway['bind']).toBe('lan');
    expect(config.gateway.auth).toEqual({ mode: 'token' });
    expect(service?.secrets.map((s) => s.env)).toContain('OPENCLAW_GATEWAY_TOKEN');
  });

  it("trusts only the gateway's address as proxy", () => {
    expect(config.gateway['trustedProxies']).toEqual(['172.20.0.2']);
  });

  it('serves the Control UI under the route path, which the route keeps', () => {
    expect(config.gateway.controlUi['basePath']).toBe('/clawdbot');
    expect(route?.prefix).toBe('native');
    expect(config.gateway.controlUi['allowedOrigins']).toEqual(['https://ai-platform.example.ts.net:8443']);
  });

  it('is the file the service mounts and points OPENCLAW_CONFIG_PATH at', () => {
    const volume = service?.volumes.find((v) => v.target === CLAWDBOT_CONFIG_PATH);
    expect(volume?.bundleFile).toBe('clawdbot/openclaw.json');
    expect(volume?.readOnly).toBe(true);
    expect(service?.env['OPENCLAW_CONFIG_PATH']).toBe(CLAWDBOT_CONFIG_PATH);
    expect(JSON.parse(clawdbotConfigJson(reference))).toEqual(config);
    expect(clawdbotConfigJson(reference)).toBe(clawdbotConfigJson(normalizePlatform(referencePlatform())));
  });

  it('never binds the host: clawdbot publishes nothing', () => {
    expect(service?.publish).toEqual([]);
  });

  it('wires the agent to LiteLLM as the `litellm` provider with every platform model, its own key by env substitution', () => {
    const models = (clawdbotConfig(reference) as { models: { mode: string; catalogRefresh: unknown; providers: Record<string, Record<string, unknown>> } })
      .models;
    const agents = (clawdbotConfig(reference) as { agents: { defaults: { model: { primary: string } } } }).agents;
    expect(models.mode).toBe('replace');
    expect(models.catalogRefresh).toEqual({ enabled: false });
    expect(Object.keys(models.providers)).toEqual(['litellm']);
    const litellm = models.providers['litellm'];
    expect(litellm?.['baseUrl']).toBe('http://litellm:4000/v1');
    expect(litellm?.['api']).toBe('openai-completions');
    expect(litellm?.['apiKey']).toBe('${LITELLM_API_KEY}');
    expect(litellm?.['request']).toEqual({ allowPrivateNetwork: true });
    expect(litellm?.['models']).toEqual(reference.llm.models.map((id) => ({ id, name: id, input: ['text'] })));
    expect(agents.defaults.model.primary).toBe(`litellm/${reference.llm.models[0]}`);
    // The key the config names is the one the secrets file carries, and it is not the master key.
    const secret = service?.secrets.find((s) => s.env === 'LITELLM_API_KEY');
    expect(secret?.name).toBe('CLAWDBOT_LITELLM_KEY');
    expect(clawdbotConfigJson(reference)).not.toContain('LITELLM_MASTER_KEY');
  });

  it('renders no provider when the platform has no LiteLLM or no model', () => {
    const input = referencePlatform();
    const noModels = normalizePlatform({ ...input, llm: { ...input.llm, models: [] } });
    expect(clawdbotConfig(noModels)).not.toHaveProperty('models');
    expect(clawdbotConfig(noModels)).not.toHaveProperty('agents');
  });
});

describe('CLAWDBOT_PAIRING', () => {
  it("runs the image's CLI in the clawdbot container: list, then approve by request id", () => {
    expect(CLAWDBOT_PAIRING.list).toEqual(['docker', 'compose', 'exec', 'clawdbot', 'node', 'openclaw.mjs', 'devices', 'list']);
    expect(CLAWDBOT_PAIRING.approve('r-123')).toEqual(['docker', 'compose', 'exec', 'clawdbot', 'node', 'openclaw.mjs', 'devices', 'approve', 'r-123']);
    expect(CLAWDBOT_PAIRING.why).toMatch(/approve/);
  });

  it('uses the same CLI entry as the service command', () => {
    const command = reference.services.find((s) => s.name === 'clawdbot')?.command ?? [];
    expect(CLAWDBOT_PAIRING.list.slice(4, 6)).toEqual(command.slice(0, 2));
  });
});
