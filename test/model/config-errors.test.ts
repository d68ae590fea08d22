// Table test: each row is a moat.yaml and the exact findings it must produce,
// as [code, key path, line]. Every problem of a file is reported at once.
import { afterAll, describe, expect, it } from 'vitest';
import { findingsOf, makeTempDir, summary, yamlText } from './config-helpers.js';

type Row = readonly [name: string, lines: readonly string[], expected: readonly [string, string, number | undefined][]];

const rows: readonly Row[] = [
  ['YAML syntax error (bad indentation)', ['services:', '  n8n:', '    image: n8nio/n8n:1.96.0', '   env: x'], [['config.yaml-syntax', 'moat.yaml', 4]]],
  ['YAML duplicate key', ['project: a', 'project: b'], [['config.yaml-syntax', 'moat.yaml', 2]]],
  [
    'YAML: every syntax error at once',
    ['project: a', 'project: b', 'models: [a', 'host: {'],
    [
      ['config.yaml-syntax', 'moat.yaml', 2],
      ['config.yaml-syntax', 'moat.yaml', 4],
      ['config.yaml-syntax', 'moat.yaml', 5],
    ],
  ],
  ['unknown top-level key', ['project: ai', 'sevices: {}'], [['config.unknown-key', 'sevices', 2]]],
  ['unknown key inside a service', ['services:', '  n8n:', '    imag: n8nio/n8n:1.96.0'], [['config.unknown-key', 'services.n8n.imag', 3]]],
  ['unknown key inside host.tailscale', ['host:', '  tailscale:', '    adress: 100.101.102.103'], [['config.unknown-key', 'host.tailscale.adress', 3]]],
  ['wrong type', ['models: llama3.2:3b'], [['config.invalid-value', 'models', 1]]],
  ['file is a list', ['- a', '- b'], [['config.invalid-value', 'moat.yaml', 1]]],
  ['admin CIDR not a CIDR', ['host:', '  adminCidr: my-ip'], [['config.invalid-value', 'host.adminCidr', 2]]],
  ['Tailscale address outside 100.64.0.0/10', ['host:', '  tailscale: { address: 10.0.0.1 }'], [['config.invalid-value', 'host.tailscale.address', 2]]],
  ['service name not a valid name', ['services:', '  My_Tool: { image: a/b:1 }'], [['config.invalid-value', 'services.My_Tool', 2]]],
  ['misspelled catalog service', ['services:', '  olama: { env: { OLLAMA_KEEP_ALIVE: 5m } }'], [['config.unknown-service', 'services.olama', 2]]],
  [
    'extra service missing address and ports',
    ['services:', '  my-tool: { image: ghcr.io/acme/tool:1.2.3 }'],
    [['config.invalid-value', 'services.my-tool', 2]],
  ],
  ['address outside the subnet', ['services:', '  n8n:', '    address: 172.21.0.40'], [['config.address-outside-subnet', 'services.n8n.address', 3]]],
  ['address not an IP', ['services:', '  n8n:', '    address: n8n.local'], [['config.invalid-value', 'services.n8n.address', 3]]],
  ['network address', ['services:', '  n8n: { address: 172.20.0.0 }'], [['config.address-reserved', 'services.n8n.address', 2]]],
  ['gateway address', ['services:', '  n8n: { address: 172.20.0.1 }'], [['config.address-reserved', 'services.n8n.address', 2]]],
  ['broadcast address', ['services:', '  n8n: { address: 172.20.255.255 }'], [['config.address-reserved', 'services.n8n.address', 2]]],
  ['duplicate address with a catalog service', ['services:', '  n8n: { address: 172.20.0.10 }'], [['config.duplicate-address', 'services.n8n.address', 2]]],
  [
    'duplicate address between two written services: path at the second',
    ['services:', '  ollama: { address: 172.20.0.99 }', '  n8n: { address: 172.20.0.99 }'],
    [['config.duplicate-address', 'services.n8n.address', 3]],
  ],
  [
    'network gateway outside its subnet',
    ['network: { subnet: 10.30.0.0/24, gateway: 10.31.0.1 }', 'services: {}'],
    expect.arrayContaining([['config.address-outside-subnet', 'network.gateway', 1]]) as never,
  ],
  ['network gateway is the network address', ['network: { gateway: 172.20.0.0 }'], [['config.address-reserved', 'network.gateway', 1]]],
  ['services is not a mapping', ['services: [n8n]'], [['config.invalid-value', 'services', 1]]],
  ['bad publish: no container port', ['services:', '  dify-db:', '    publish: ["0.0.0.0:5432"]'], [['config.bad-publish', 'services.dify-db.publish[0]', 3]]],
  [
    'bad publish: IPv6 without brackets',
    ['services:', '  dify-db:', '    publish:', '      - "5432:5432"', '      - "::1:5432:5432"'],
    [['config.bad-publish', 'services.dify-db.publish[1]', 5]],
  ],
  ['bad publish: sctp', ['services:', '  dify-db:', '    publish: ["5432:5432/sctp"]'], [['config.bad-publish', 'services.dify-db.publish[0]', 3]]],
  [
    'bad publish: long form without published',
    ['services:', '  dify-db:', '    publish:', '      - { target: 5432, host_ip: 127.0.0.1 }'],
    [['config.bad-publish', 'services.dify-db.publish[0]', 4]],
  ],
  [
    'publish long form: misspelled key',
    ['services:', '  dify-db:', '    publish:', '      - target: 5432', '        publised: 5432'],
    [['config.unknown-key', 'services.dify-db.publish[0].publised', 5]],
  ],
  ['disabled dependency', ['services:', '  ollama: { enabled: false }'], [['config.dependency-disabled', 'services.ollama.enabled', 2]]],
  ['gateway cannot be disabled', ['services:', '  nginx: { enabled: false }'], [['config.invalid-value', 'services.nginx.enabled', 2]]],
  ['dependsOn an unknown service', ['services:', '  n8n:', '    dependsOn: [postgress]'], [['config.unknown-service', 'services.n8n.dependsOn[0]', 3]]],
  ['image without a tag', ['services:', '  n8n: { image: n8nio/n8n }'], [['config.image-unpinned', 'services.n8n.image', 2]]],
  ['image :latest', ['services:', '  n8n:', '    image: n8nio/n8n:latest'], [['config.image-unpinned', 'services.n8n.image', 3]]],
  ['route with a bad path', ['routes:', '  - { path: tool, service: n8n, port: 5678, prefix: strip }'], [['config.invalid-value', 'routes[0].path', 2]]],
  ['route missing prefix', ['routes:', '  - path: /tool', '    service: n8n', '    port: 5678'], [['config.invalid-value', 'routes[0].prefix', 2]]],
  [
    'policy rule with an unknown zone',
    ['policy:', '  allow:', '    - { zone: everyone, port: 443, protocol: tcp, why: x }'],
    [['config.invalid-value', 'policy.allow[0].zone', 3]],
  ],
  [
    'several problems at once, in file order',
    ['projekt: x', 'services:', '  n8n: { image: n8nio/n8n:latest, address: 172.20.0.11 }', '  olama: {}', 'models: []', 'host: { sshPort: 0 }'],
    [
      ['config.unknown-key', 'projekt', 1],
      ['config.image-unpinned', 'services.n8n.image', 3],
      ['config.duplicate-address', 'services.n8n.address', 3],
      ['config.unknown-service', 'services.olama', 4],
      ['config.invalid-value', 'host.sshPort', 6],
    ],
  ],
];

describe('moat.yaml errors (table)', () => {
  const temp = makeTempDir();
  afterAll(() => temp.cleanup());

  it.each(rows)('%s', async (_name, lines, expected) => {
    const findings = await findingsOf(temp.dir, yamlText(lines));
    expect(summary(findings)).toEqual(expected);
    for (const f of findings) {
      expect(f.severity).toBe('high');
      expect(f.hint.length).toBeGreaterThan(0);
    }
  });
});
