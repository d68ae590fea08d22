// `moat check` end to end through main(): exit codes, the open cells of the
// built-in platform, moat.yaml changes located in the file, and SARIF 2.1.0
// structure validated with ajv.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runMoat } from '../support/run-moat.js';

const dir = mkdtempSync(join(tmpdir(), 'moat-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

const run = (...args: string[]) => runMoat('check', ...args);

function config(name: string, yaml: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

interface JsonReport {
  matrix: { zone: string; address: string; port: number; protocol: string; verdict: string; via: string; decidedBy: string; sourceCidrs?: string[] }[];
  findings: { code: string; severity: string; path: string; location?: { file: string; line: number; column: number } }[];
}

describe('moat check on the built-in platform', () => {
  it('refuses --format svg with --target kubernetes (the picture is of one host), exit 2 before any proof', async () => {
    const { code, err, out } = await run('--target', 'kubernetes', '--format', 'svg');
    expect(code).toBe(2);
    expect(err).toContain('cli.invalid-option');
    expect(out).toBe('');
  });

  it('exits 0 and prints the open cells and the summary', async () => {
    const { code, out } = await run();
    expect(code).toBe(0);
    // Only the low note that n8n and Clawdbot share the main origin.
    expect(out).toContain('Findings (1):');
    expect(out).toContain('[origin.shared]');
    expect(out).toMatch(/admin\s+0\.0\.0\.0:22\/tcp\s+sshd\s+host\s+cloud\s+203\.0\.113\.10\/32/);
    expect(out).toMatch(/tailnet\s+100\.64\.0\.10:8443\/tcp\s+nginx\s+publish\s+tailnet/);
    expect(out).toMatch(/internet\s+2\s+\d+\s+41641\/udp\s+cloud \d+, publishing \d+\n/);
  });

  it('prints byte-identical output on every run', async () => {
    const first = await run('--format', 'json');
    const second = await run('--format', 'json');
    expect(second.out).toBe(first.out);
    expect(first.out.length).toBeGreaterThan(1000);
  });

  it('reports exactly 22/tcp (admin), 41641/udp and the three origins 8443, 8444, 8445/tcp (tailnet) open from outside, plus the platform reaching backends', async () => {
    const { code, out } = await run('--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as JsonReport;
    expect(report.findings.map((f) => `${f.severity} ${f.code}`)).toEqual(['low origin.shared']);
    const outside = report.matrix
      .filter((r) => r.verdict === 'open' && ['internet', 'admin', 'tailnet'].includes(r.zone) && r.via !== 'gateway')
      .map((r) => `${r.zone} ${r.port}/${r.protocol}`);
    expect([...new Set(outside)].sort()).toEqual([
      'admin 22/tcp',
      'admin 41641/udp',
      'internet 41641/udp',
      'tailnet 8443/tcp',
      'tailnet 8444/tcp',
      'tailnet 8445/tcp',
    ]);
    expect(report.matrix.find((r) => r.zone === 'admin' && r.port === 22)?.sourceCidrs).toEqual(['203.0.113.10/32']);
    expect(report.matrix.some((r) => r.zone === 'internet' && r.port === 22 && r.verdict === 'open')).toBe(false);
    const platformBackends = report.matrix.filter((r) => r.zone === 'platform' && r.via === 'container');
    expect(platformBackends.length).toBeGreaterThan(10);
    expect(platformBackends.every((r) => r.verdict === 'open')).toBe(true);
  });
});

interface ChangeCase {
  readonly name: string;
  readonly yaml: string;
  readonly code: string;
  readonly path: string;
  readonly line: number;
}

const CHANGES: readonly ChangeCase[] = [
  {
    name: 'a backend given a published port',
    yaml: 'services:\n  dify-db:\n    publish: ["0.0.0.0:5432:5432"]\n',
    code: 'exposure.unexpected-open',
    path: 'services.dify-db.publish[0]',
    line: 3,
  },
  {
    name: 'admin CIDR 0.0.0.0/0',
    yaml: 'host:\n  adminCidr: 0.0.0.0/0\n',
    code: 'exposure.admin-cidr-world',
    path: 'host.adminCidr',
    line: 2,
  },
  {
    name: 'a route to a service that does not exist',
    yaml: 'routes:\n  - { path: /tool, service: my-tool, port: 9000, prefix: strip }\n',
    code: 'route.unknown-service',
    path: 'gateway.routes[5].service',
    line: 2,
  },
  {
    name: 'a route to the Signal API',
    yaml: '# the bot API, for convenience\nroutes:\n  - path: /signal\n    service: signal-api\n    port: 8080\n    prefix: strip\n',
    code: 'route.never-route',
    path: 'gateway.routes[5].service',
    line: 4,
  },
  // The defect classes of the sound-proof issue: each said "No findings" (exit 0) before.
  {
    name: 'an admin CIDR that covers half the IPv4 internet',
    yaml: 'host:\n  adminCidr: 0.0.0.0/1\n',
    code: 'exposure.admin-cidr-world',
    path: 'host.adminCidr',
    line: 2,
  },
  {
    name: 'an admin CIDR that covers every routable IPv6 address',
    yaml: 'host:\n  adminCidr: 2000::/3\n',
    code: 'exposure.admin-cidr-world',
    path: 'host.adminCidr',
    line: 2,
  },
  {
    name: 'a user service published on all interfaces',
    yaml: 'services:\n  my-tool:\n    image: ghcr.io/acme/tool:1.2.3\n    address: 172.20.0.70\n    ports: [{ port: 9000, protocol: tcp, purpose: API }]\n    publish: ["9000:9000"]\n',
    // Blocked by the security group and DOCKER-USER (the matrix says so), but only the gateway may publish.
    code: 'listener.published-beside-gateway',
    path: 'services.my-tool.publish[0]',
    line: 6,
  },
  {
    name: 'a database published on [::0] (another spelling of the IPv6 wildcard)',
    yaml: 'services:\n  dify-db:\n    publish: ["[::0]:5432:5432"]\n',
    code: 'exposure.unexpected-open',
    path: 'services.dify-db.publish[0]',
    line: 3,
  },
  {
    name: 'a database published on an upper-case, v4-mapped IPv6 spelling of the wildcard',
    yaml: 'services:\n  dify-db:\n    publish: [{ target: 5432, published: 5432, host_ip: "::FFFF:0.0.0.0" }]\n',
    code: 'exposure.unexpected-open',
    path: 'services.dify-db.publish[0]',
    line: 3,
  },
  {
    name: 'an admin CIDR that overlaps the platform subnet (containers reach sshd)',
    yaml: 'host:\n  adminCidr: 172.20.0.0/24\n',
    code: 'exposure.unexpected-open',
    path: 'host.adminCidr',
    line: 2,
  },
  {
    name: 'a policy rule that opens Ollama (no auth of its own) to the internet',
    yaml: 'services:\n  ollama:\n    publish: ["11434:11434"]\npolicy:\n  allow:\n    - { zone: internet, port: 11434, protocol: tcp, target: ollama, why: remote clients }\n',
    code: 'exposure.unexpected-open',
    path: 'services.ollama.publish[0]',
    line: 3,
  },
  {
    name: 'the Signal API relabelled as internal and routed',
    yaml: 'services:\n  signal-api: { exposure: internal }\nroutes:\n  - { path: /signal, service: signal-api, port: 8080, prefix: strip }\n',
    code: 'exposure.unexpected-open',
    path: 'gateway.routes[5]',
    line: 4,
  },
];

describe('moat check --config with one change', () => {
  it.each(CHANGES)('$name: exit 1, $code at $path (line $line)', async ({ name, yaml, code, path, line }) => {
    const file = config(name.replace(/\W+/g, '-'), yaml);
    const result = await run('--config', file, '--format', 'json');
    expect(result.err).toBe('');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as JsonReport;
    const hit = report.findings.find((f) => f.code === code && f.path === path);
    expect(hit, JSON.stringify(report.findings.map((f) => [f.code, f.path]))).toBeDefined();
    expect(hit?.location?.line).toBe(line);
    expect(hit?.location?.file).toContain(name.replace(/\W+/g, '-'));
  });

  it('prints located findings in text form', async () => {
    const file = config('text-form', 'services:\n  dify-db:\n    publish: ["0.0.0.0:5432:5432"]\n');
    const { code, out } = await run('--config', file);
    expect(code).toBe(1);
    expect(out).toMatch(/text-form\.yaml:3:\d+: high: .*\[exposure\.unexpected-open\]/);
    expect(out).toContain('  at services.dify-db.publish[0]');
    expect(out).toMatch(/FAIL: \d+ findings? at or above high\./);
  });

  it('--fail-on decides the exit code', async () => {
    const file = config('fail-on', 'services:\n  dify-db:\n    publish: ["0.0.0.0:5432:5432"]\n');
    expect((await run('--config', file, '--fail-on', 'critical')).code).toBe(0);
    expect((await run('--config', file, '--fail-on', 'medium')).code).toBe(1);
  });

  it('moves SSH with host.sshPort and says nothing about it (no finding at or above low but the origin note)', async () => {
    const file = config('ssh-port', 'host:\n  sshPort: 2222\n');
    const { code, out } = await run('--config', file, '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as JsonReport;
    expect(report.findings.map((f) => f.code)).toEqual(['origin.shared']);
    expect(report.matrix.filter((r) => r.zone === 'admin' && r.verdict === 'open' && r.protocol === 'tcp').map((r) => r.port)).toEqual([2222]);
  });

  it('judges a user service published on the Tailscale address beside the gateway: the tailnet policy grants it nothing', async () => {
    const file = config(
      'ts-beside',
      'services:\n  my-tool:\n    image: ghcr.io/acme/tool:1.2.3\n    address: 172.20.0.70\n    ports: [{ port: 9000, protocol: tcp, purpose: API }]\n    publish: ["100.64.0.10:9000:9000"]\n',
    );
    const report = JSON.parse((await run('--config', file, '--format', 'json')).out) as JsonReport;
    const cell = report.matrix.find((r) => r.zone === 'tailnet' && r.port === 9000 && r.via === 'publish');
    expect(cell?.verdict).toBe('blocked');
    expect(cell?.decidedBy).toBe('tailnet');
  });

  it('exits 2 on unusable input and on an unknown --fail-on', async () => {
    const file = config('broken', 'services:\n  olama: { enabled: false }\n');
    expect((await run('--config', file)).code).toBe(2);
    expect((await run('--fail-on', 'severe')).code).toBe(2);
    expect((await run('--config', join(dir, 'missing.yaml'))).code).toBe(2);
  });
});

/** The parts of SARIF 2.1.0 moat emits, with the spec's required properties and enums. */
const SARIF_SUBSET = {
  type: 'object',
  required: ['version', 'runs'],
  properties: {
    $schema: { type: 'string', format: 'uri' },
    version: { const: '2.1.0' },
    runs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['tool'],
        properties: {
          tool: {
            type: 'object',
            required: ['driver'],
            properties: {
              driver: {
                type: 'object',
                required: ['name'],
                properties: {
                  name: { type: 'string' },
                  rules: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['id'],
                      properties: {
                        id: { type: 'string' },
                        shortDescription: { type: 'object', required: ['text'] },
                        fullDescription: { type: 'object', required: ['text'] },
                        defaultConfiguration: { type: 'object', properties: { level: { enum: ['none', 'note', 'warning', 'error'] } } },
                      },
                    },
                  },
                },
              },
            },
          },
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['message', 'ruleId', 'ruleIndex', 'level', 'locations'],
              properties: {
                ruleId: { type: 'string' },
                ruleIndex: { type: 'integer', minimum: 0 },
                level: { enum: ['none', 'note', 'warning', 'error'] },
                message: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } } },
                locations: {
                  type: 'array',
                  minItems: 1,
                  items: {
                    type: 'object',
                    properties: {
                      physicalLocation: {
                        type: 'object',
                        required: ['artifactLocation', 'region'],
                        properties: {
                          artifactLocation: { type: 'object', required: ['uri'], properties: { uri: { type: 'string' } } },
                          region: {
                            type: 'object',
                            required: ['startLine'],
                            properties: { startLine: { type: 'integer', minimum: 1 }, startColumn: { type: 'integer', minimum: 1 } },
                          },
                        },
                      },
                      logicalLocations: {
                        type: 'array',
                        items: { type: 'object', required: ['fullyQualifiedName'], properties: { fullyQualifiedName: { type: 'string' } } },
                      },
                    },
                  },
                },
              },
            },
          },
          columnKind: { enum: ['utf16CodeUnits', 'unicodeCodePoints'] },
        },
      },
    },
  },
} as const;

interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      locations: { physicalLocation?: { region: { startLine: number } }; logicalLocations: { fullyQualifiedName: string }[] }[];
    }[];
  }[];
}

describe('moat check --format sarif', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('uri', /^https?:\/\//);
  const validate = ajv.compile(SARIF_SUBSET);

  it('is valid SARIF 2.1.0 with rules for every code and located results', async () => {
    const file = config('sarif', 'host:\n  adminCidr: 0.0.0.0/0\nservices:\n  dify-db:\n    publish: ["0.0.0.0:5432:5432"]\n');
    const { code, out } = await run('--config', file, '--format', 'sarif');
    expect(code).toBe(1);
    const log = JSON.parse(out) as SarifLog;
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const run0 = log.runs[0];
    expect(run0).toBeDefined();
    const rules = run0?.tool.driver.rules ?? [];
    const results = run0?.results ?? [];
    expect(results.length).toBeGreaterThanOrEqual(2);
    for (const r of results) expect(rules[r.ruleIndex]?.id).toBe(r.ruleId);
    const admin = results.find((r) => r.ruleId === 'exposure.admin-cidr-world');
    expect(admin?.level).toBe('error');
    expect(admin?.locations[0]?.physicalLocation?.region.startLine).toBe(2);
    expect(admin?.locations[0]?.logicalLocations[0]?.fullyQualifiedName).toBe('host.adminCidr');
  });

  it('is valid with only the low origin note for the built-in platform', async () => {
    const { code, out } = await run('--format', 'sarif');
    expect(code).toBe(0);
    const log = JSON.parse(out) as SarifLog;
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0]?.results.map((r) => r.ruleId)).toEqual(['origin.shared']);
    expect(log.runs[0]?.tool.driver.rules.map((r) => r.id)).toContain('route.never-route');
  });

  it('rejects a malformed log (the schema can fail)', () => {
    expect(
      validate({
        version: '2.1.0',
        runs: [{ tool: { driver: { name: 'moat' } }, results: [{ ruleId: 'x', ruleIndex: 0, level: 'fatal', message: { text: 'm' }, locations: [{}] }] }],
      }),
    ).toBe(false);
  });
});
