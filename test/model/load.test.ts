// loadPlatform: discovery, overrides reaching the model, the issue's "done
// when" case (three located findings at once) and locate().
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { loadPlatform } from '../../src/cli/load-platform.js';
import { UserInputError } from '../../src/model/findings.js';
import { serviceByName } from '../../src/model/lookup.js';
import { DONE_WHEN_YAML, findingsOf, loadText, makeTempDir, summary, yamlText } from './config-helpers.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

describe('the issue: misspelled service, address outside the subnet, duplicate address', () => {
  it('yields exactly three located findings', async () => {
    const findings = await findingsOf(temp.dir, DONE_WHEN_YAML);
    expect(summary(findings)).toEqual([
      ['config.unknown-service', 'services.olama', 3],
      ['config.address-outside-subnet', 'services.n8n.address', 6],
      ['config.duplicate-address', 'services.my-tool.address', 9],
    ]);
    expect(findings[0]?.hint).toContain('"ollama"');
    expect(findings[0]?.location).toEqual({ file: 'moat.yaml', line: 3, column: 3 });
    expect(findings[1]?.location?.column).toBe(14);
    expect(findings[2]?.message).toContain('dify-db');
    expect(findings[2]?.message).toContain('my-tool');
  });
});

describe('config discovery', () => {
  it('uses the built-in reference platform when there is no moat.yaml', async () => {
    const dir = join(temp.dir, 'empty');
    mkdirSync(dir);
    const loaded = await loadPlatform({ cwd: dir });
    expect(loaded.configFile).toBeUndefined();
    expect(loaded.platform.host.adminCidr).toBe(referencePlatform().host.adminCidr);
    expect(loaded.locate('services.n8n.address')).toBeUndefined();
  });

  it('reads moat.yaml from cwd', async () => {
    const dir = join(temp.dir, 'discover');
    mkdirSync(dir);
    writeFileSync(join(dir, 'moat.yaml'), 'host: { region: eu-central-1 }\n');
    const loaded = await loadPlatform({ cwd: dir });
    expect(loaded.configFile).toBe(join(dir, 'moat.yaml'));
    expect(loaded.platform.host.region).toBe('eu-central-1');
  });

  it('an explicit --config that does not exist is a finding', async () => {
    const error = await loadPlatform({ cwd: temp.dir, configPath: 'nope/moat.yaml' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect(summary((error as UserInputError).findings)).toEqual([['config.file-missing', 'nope/moat.yaml', undefined]]);
  });

  it('an empty file is the reference platform', async () => {
    const loaded = await loadText(temp.dir, '# nothing yet\n', 'empty.yaml');
    expect(loaded.platform.services.map((s) => s.name)).toEqual(referencePlatform().services.map((s) => s.name));
  });
});

describe('overrides reach the platform', () => {
  const text = yamlText([
    'project: acme-ai',
    'host:',
    '  adminCidr: 198.51.100.7',
    '  region: eu-west-1',
    '  tailscale: { address: 100.101.102.103, hostname: ai-host, tailnet: tail1234.ts.net }',
    'models: [llama3.2:3b, qwen2.5:7b]',
    'services:',
    '  clawdbot: { enabled: false }',
    '  n8n: { image: n8nio/n8n:1.96.0, env: { GENERIC_TIMEZONE: Europe/Berlin, N8N_DIAGNOSTICS_ENABLED: null } }',
    '  dify-db: { publish: ["0.0.0.0:5432:5432", "[::]:5433:5432/tcp"] }',
    '  my-tool:',
    '    image: ghcr.io/acme/tool:1.2.3',
    '    address: 172.20.0.70',
    '    ports: [{ port: 9000, purpose: API }]',
    'routes:',
    '  - { path: /tool, service: my-tool, port: 9000, prefix: strip }',
    '  - { path: /ghost, service: not-there, port: 1, prefix: strip }',
    'policy:',
    '  allow: [{ zone: tailnet, port: 9443, protocol: tcp, why: dashboard }]',
  ]);

  it('applies every override', async () => {
    const { platform, locate } = await loadText(temp.dir, text, 'overrides.yaml');
    expect(platform.project).toBe('acme-ai');
    // A bare admin address becomes a /32.
    expect(platform.host.adminCidr).toBe('198.51.100.7/32');
    expect(platform.host.region).toBe('eu-west-1');
    expect(platform.host.tailscale.hostname).toBe('ai-host');
    // The Tailscale address reaches every publication of the gateway: the main origin and AnythingLLM's and Dify's own.
    expect(serviceByName(platform, 'nginx')?.publish.map((p) => `${p.hostAddress}:${p.hostPort}:${p.containerPort}/${p.protocol}`)).toEqual([
      '100.101.102.103:8443:8443/tcp',
      '100.101.102.103:8444:8444/tcp',
      '100.101.102.103:8445:8445/tcp',
    ]);
    expect(serviceByName(platform, 'nginx')?.publish.slice(0, 1)).toEqual([
      { hostAddress: '100.101.102.103', hostPort: 8443, containerPort: 8443, protocol: 'tcp' },
    ]);
    expect(platform.llm.models).toEqual(['llama3.2:3b', 'qwen2.5:7b']);

    // Disabled: gone, with its catalog route and its platformOnly entry.
    expect(serviceByName(platform, 'clawdbot')).toBeUndefined();
    expect(platform.gateway.routes.map((r) => r.path)).toEqual(['/anythingllm', '/dify', '/n8n', '/', '/tool', '/ghost']);
    expect(platform.policy.platformOnly).not.toContain('clawdbot');

    const n8n = serviceByName(platform, 'n8n');
    expect(n8n?.image).toBe('n8nio/n8n:1.96.0');
    expect(n8n?.origin).toBe('reference');
    expect(n8n?.env['GENERIC_TIMEZONE']).toBe('Europe/Berlin');
    expect(n8n?.env).not.toHaveProperty('N8N_DIAGNOSTICS_ENABLED');
    expect(n8n?.env['N8N_PORT']).toBe('5678'); // catalog env kept

    // Publishing a backend is allowed here; `moat check` judges it.
    expect(serviceByName(platform, 'dify-db')?.publish).toEqual([
      { hostAddress: '0.0.0.0', hostPort: 5432, containerPort: 5432, protocol: 'tcp' },
      { hostAddress: '::', hostPort: 5433, containerPort: 5432, protocol: 'tcp' },
    ]);

    const tool = serviceByName(platform, 'my-tool');
    expect(tool).toMatchObject({ origin: 'user', image: 'ghcr.io/acme/tool:1.2.3', address: '172.20.0.70', network: 'ai-platform' });
    expect(tool?.ports).toEqual([{ port: 9000, protocol: 'tcp', purpose: 'API' }]);

    const reference = referencePlatform().policy.allow.length;
    expect(platform.policy.allow[reference]).toMatchObject({ zone: 'tailnet', port: 9443, why: 'dashboard' });
    // The user's rule, then the tailnet rules of the apps' own origins (8444, 8445), which normalize derives.
    expect(platform.policy.allow.slice(reference + 1).map((r) => `${r.zone}:${r.port}`)).toEqual(['tailnet:8444', 'tailnet:8445']);

    // locate: model key paths → where the user wrote them.
    expect(locate('services.dify-db.publish[1]')?.line).toBe(10);
    expect(locate('services.my-tool.ports[0]')?.line).toBe(14);
    expect(locate('services.my-tool.ports[0].port')).toMatchObject({ line: 14, file: 'overrides.yaml' });
    expect(locate('gateway.routes[5]')?.line).toBe(17);
    expect(locate('gateway.routes[5].service')?.line).toBe(17);
    expect(locate('gateway.routes[0]')).toBeUndefined(); // a catalog route: not written
    expect(locate('llm.models[1]')).toMatchObject({ line: 6, column: 23 });
    expect(locate(`policy.allow[${referencePlatform().policy.allow.length}]`)?.line).toBe(19);
    expect(locate('host.tailscale.address')).toMatchObject({ line: 5, column: 25 });
    // Not written: the closest written ancestor, or nothing.
    expect(locate('services.n8n.healthcheck')?.line).toBe(9);
    expect(locate('services.ollama.address')?.line).toBe(7);
    expect(locate('gateway.listenPort')).toBeUndefined();
  });

  it('a new subnet without a gateway gets its first host address', async () => {
    const lines = ['network: { subnet: 10.30.0.0/16 }', 'services:'];
    for (const s of referencePlatform().services) lines.push(`  ${s.name}: { address: ${s.address.replace('172.20.', '10.30.')} }`);
    const { platform } = await loadText(temp.dir, yamlText(lines), 'subnet.yaml');
    expect(platform.networks[0]).toMatchObject({ subnet: '10.30.0.0/16', gateway: '10.30.0.1' });
  });

  it('a new subnet leaves catalog addresses outside it: every one is reported', async () => {
    const findings = await findingsOf(temp.dir, 'network: { subnet: 10.30.0.0/16 }\n');
    expect(findings.length).toBe(referencePlatform().services.length);
    expect(new Set(findings.map((f) => f.code))).toEqual(new Set(['config.address-outside-subnet']));
  });
});

describe('examples/moat.example.yaml', () => {
  it('loads without findings and adds my-tool', async () => {
    const loaded = await loadPlatform({ cwd: process.cwd(), configPath: 'examples/moat.example.yaml' });
    expect(serviceByName(loaded.platform, 'my-tool')?.origin).toBe('user');
    expect(loaded.platform.llm.models).toEqual(['llama3.2:3b', 'qwen2.5:7b']);
  });
});
