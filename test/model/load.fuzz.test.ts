// The loader fuzzed: whatever moat.yaml says, loadPlatform either returns a
// platform or throws UserInputError (exit 2) whose every finding has a code,
// a message, a hint and a location in the file; never any other exception
// (the "bug in moat, exit 70" path). And whatever loads, renders and proves
// without throwing: a config the loader accepts is one moat can deploy.
// Inputs: random YAML-ish text, random data of any shape, data shaped like
// moat.yaml with valid and invalid values mixed, and mutations of real configs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadPlatform } from '../../src/cli/load-platform.js';
import type { Finding } from '../../src/model/findings.js';
import { UserInputError } from '../../src/model/findings.js';
import { proveBundle } from '../../src/proof/bundle.js';
import { renderBundle } from '../../src/render/registry.js';
import { DONE_WHEN_YAML, makeTempDir } from './config-helpers.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());
const NAME = 'moat.yaml';

const unlocated: { finding: Finding; text: string }[] = [];
afterAll(() => {
  const byCode = new Map<string, { finding: Finding; text: string }>();
  for (const u of unlocated) if (!byCode.has(u.finding.code)) byCode.set(u.finding.code, u);
  if (process.env.MOAT_SHOW_UNLOCATED) console.log([...byCode.values()].map((u) => `${JSON.stringify(u.finding)}\n${u.text}`).join('\n-----\n'));
});

type Outcome = { kind: 'loaded' } | { kind: 'rejected' | 'known-bug'; codes: string[] };

// Bugs this fuzzing found (each has a named test below, now passing); the
// predicates that let them through while they were open are kept, empty, so a
// new one has its place.
/** `!!binary` where a mapping is expected: a TypeError from config-prune.ts (see below). */
const knownCrash = (_text: string, _error: unknown): boolean => false;
/**
 * Findings the loader cannot locate: an unknown key whose name holds `.`, `[`
 * or `]` (load.ts locates by the formatted path, which parsePath splits
 * differently), and address findings about catalog services that the file's
 * network settings caused (the file never names those services).
 */
const knownUnlocated = (_f: Finding, _text: string): boolean => false;

/** Loads the text; fails the property on anything but a platform or a well-formed UserInputError. */
async function judge(text: string, strict = false): Promise<Outcome> {
  writeFileSync(join(temp.dir, NAME), text);
  let platform;
  try {
    platform = (await loadPlatform({ cwd: temp.dir, configPath: NAME })).platform;
  } catch (error) {
    if (!(error instanceof UserInputError)) {
      if (!strict && knownCrash(text, error)) return { kind: 'known-bug', codes: [] };
      throw new Error(`loadPlatform threw ${String(error)} (not a UserInputError) for:\n${text}`, { cause: error });
    }
    expect(error.findings.length, 'a rejection names at least one problem').toBeGreaterThan(0);
    const lines = text.split('\n').length;
    for (const f of error.findings) {
      expect(f.code, JSON.stringify(f)).toMatch(/^[a-z0-9]+(\.[a-z0-9-]+)+$/);
      expect(f.message.trim().length, JSON.stringify(f)).toBeGreaterThan(0);
      expect(f.hint.trim().length, JSON.stringify(f)).toBeGreaterThan(0);
      if (f.location === undefined) {
        unlocated.push({ finding: f, text });
        expect(!strict && knownUnlocated(f, text), `an unlocated finding:\n${JSON.stringify(f)}\nfor:\n${text}`).toBe(true);
        continue;
      }
      expect(f.location.file, JSON.stringify(f)).toBe(NAME);
      expect(f.location.line, JSON.stringify(f)).toBeGreaterThanOrEqual(1);
      expect(f.location.line, JSON.stringify(f)).toBeLessThanOrEqual(lines);
    }
    return { kind: 'rejected', codes: error.findings.map((f) => f.code) };
  }
  // What loads must render and prove.
  const rendered = renderBundle(platform);
  expect(rendered.files.length).toBeGreaterThan(0);
  const proof = proveBundle(platform, rendered);
  expect(proof.matrix.length).toBeGreaterThan(0);
  return { kind: 'loaded' };
}

// ---------------------------------------------------------------- inputs

const TOKENS = [
  'host:',
  'services:',
  'routes:',
  'policy:',
  'network:',
  'models:',
  'gateway:',
  'project: ai-platform',
  '  adminCidr: ',
  '  sshPort: ',
  '  n8n:',
  '  my-tool:',
  '    image: ',
  '    address: ',
  '    publish: ',
  '    ports: ',
  '    env: ',
  '- ',
  '  - ',
  ': ',
  ':',
  '{',
  '}',
  '[',
  ']',
  ',',
  '"',
  "'",
  '&a ',
  '*a',
  '<<: *a',
  '!!str ',
  '!!binary ',
  '!<tag:x> ',
  '# c',
  '\t',
  ' ',
  '  ',
  '\n',
  '\n',
  '\n',
  '---\n',
  '...\n',
  '|\n',
  '>-\n',
  '?',
  '%YAML 1.1\n',
  '0.0.0.0/0',
  '::',
  '[::1]:5432:5432',
  '22',
  '65536',
  '-1',
  '1e999',
  '0x10',
  'null',
  '~',
  'true',
  'on',
  'no',
  'ollama',
  '172.20.0.70',
  '100.64.0.10',
  '\u0000',
  '\u00e9',
  '\u{1F600}',
  '\uFEFF',
  '\r\n',
];
const yamlish = fc
  .array(fc.oneof({ arbitrary: fc.constantFrom(...TOKENS), weight: 5 }, { arbitrary: fc.string({ maxLength: 6 }), weight: 1 }), { maxLength: 40 })
  .map((t) => t.join(''));

/**
 * A value of the shape the key expects: the first is valid, the others valid
 * or almost; rarely any value at all. `validWeight` sets how often the first
 * is picked, so that some whole configs are valid and get rendered and proved.
 */
let validWeight = 1;
const val = (first: unknown, ...others: unknown[]): fc.Arbitrary<unknown> =>
  fc.oneof(
    { arbitrary: fc.constant(first), weight: validWeight },
    { arbitrary: fc.constantFrom(first, ...others), weight: 4 },
    { arbitrary: fc.anything({ maxDepth: 2 }), weight: validWeight > 1 ? 0 : 1 },
  );
const some = (arb: fc.Arbitrary<unknown>) => fc.option(arb, { nil: undefined, freq: 2 });
const SERVICE_NAMES = ['ollama', 'n8n', 'dify-db', 'dify-api', 'nginx', 'litellm', 'clawdbot', 'anythingllm', 'my-tool', 'other', 'Bad_Name', ''];

const serviceArb = () =>
  fc.record(
    {
      enabled: val(true, false),
      image: val('ghcr.io/acme/tool:1.2.3', 'nginx:latest', 'nginx', 'a b', 'postgres:16@sha256:abc'),
      address: val('172.20.0.70', '172.20.0.33', '172.20.0.1', '172.20.0.0', '172.20.255.255', '10.1.1.1', '::1', 'fd00::1'),
      publish: fc.array(
        val(
          '0.0.0.0:9000:9000',
          '127.0.0.1:80:80',
          '[::]:5432:5432',
          '9000-9010:80',
          '9000-9001:9000-9001',
          '5432',
          '100.64.0.10:8443:8443',
          '0.0.0.0:22:22',
          '[::ffff:0.0.0.0]:80:80',
          { target: 80, published: '8080', host_ip: '0.0.0.0' },
          { target: 80 },
        ),
        { maxLength: 2 },
      ),
      ports: fc.array(fc.record({ port: val(9000, 80, 0, 65535, 8443), purpose: val('API', '') }, { requiredKeys: ['port'] }), { maxLength: 2 }),
      env: fc.dictionary(fc.constantFrom('A', 'N8N_PATH', '1BAD', 'OLLAMA_HOST'), val('x', 1, true, null, '0.0.0.0:11434')),
      dependsOn: fc.array(fc.constantFrom(...SERVICE_NAMES), { maxLength: 2 }),
      exposure: val('gateway', 'routed', 'internal', 'never-route', 'public'),
      healthcheck: val({ test: ['CMD', 'true'], expects: 'ok' }, { test: ['CMD'] }),
      volumes: fc.array(
        val({ name: 'data', target: '/data', purpose: 'x' }, { name: '/etc', target: '/x', purpose: 'x' }, { name: 'd', target: 'rel', purpose: 'x' }),
        { maxLength: 1 },
      ),
    },
    { requiredKeys: [] },
  );

const shapedConfigWith = () =>
  fc.record(
    {
      project: val('ai-platform', 'Bad', 'x-1', ''),
      host: fc.record(
        {
          adminCidr: val('198.51.100.7/32', '198.51.100.7', '0.0.0.0/0', '0.0.0.0/1', '::/0', '2001:db8::/32', '10.0.0.0/8', 'x', '300.1.1.1/32'),
          sshPort: val(22, 2222, 0, 70000, 443, 8443, 41641, 80, '22'),
          publicInterface: val('eth0', 'ens5', 'a b', '-x', '', 'tailscale0', 'lo'),
          region: val('eu-west-1', 'mars'),
          instanceType: val('m7i.2xlarge', 'big'),
          tailscale: fc.record(
            {
              address: val('100.101.102.103', '100.64.0.10', '1.2.3.4', 'fd7a:115c:a1e0::1'),
              address6: val('fd7a:115c:a1e0::1', '::1', '100.64.0.1'),
              hostname: val('ai-host', 'AI HOST'),
              tailnet: val('tail1234.ts.net', 'x y'),
            },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
      network: fc.record(
        {
          subnet: val('172.20.0.0/16', '10.0.0.0/8', '172.20.0.0/30', '172.20.0.0/24', 'fd00::/64', 'x'),
          gateway: val('172.20.0.1', '172.20.0.0', '172.20.0.2', '10.0.0.1'),
        },
        { requiredKeys: [] },
      ),
      models: fc.array(val('llama3.2:3b', 'qwen2.5:7b', 'BAD MODEL', ''), { maxLength: 3 }),
      services: fc.dictionary(fc.constantFrom(...SERVICE_NAMES), serviceArb(), { maxKeys: 2 }),
      gateway: fc.record({ originPerApp: val(true, false, 'yes') }, { requiredKeys: [] }),
      routes: fc.array(
        fc.record(
          {
            path: val('/tool', '/', 'x', '/n8n', '/a b'),
            service: fc.constantFrom(...SERVICE_NAMES),
            port: val(9000, 80, 5678, 0),
            prefix: val('strip', 'native', 'none', 'rewrite'),
          },
          { requiredKeys: ['path', 'service', 'port'] },
        ),
        { maxLength: 2 },
      ),
      policy: fc.record({
        allow: fc.array(
          fc.record(
            {
              zone: val('internet', 'admin', 'tailnet', 'host', 'platform', 'x'),
              port: val(22, 9443, 0, 9000),
              protocol: val('tcp', 'udp', 'icmp'),
              why: val('because', ''),
              from: some(val('0.0.0.0/0', 'group:x', 'a b')),
              target: some(val('host', 'my-tool', 'ollama')),
            },
            { requiredKeys: ['zone', 'port', 'protocol', 'why'] },
          ),
          { maxLength: 2 },
        ),
      }),
    },
    { requiredKeys: [] },
  );
const shapedWith = (weight: number) => {
  validWeight = weight;
  return shapedConfigWith();
};
/** Half mostly valid (the first value of each key, 40:4), half mixed. */
const shapedConfig = fc.oneof(shapedWith(40), shapedWith(1));

/** undefined values dropped (yaml would write `null`, which is a different config). */
const clean = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)) ?? 'null');
const toYaml = (data: unknown): string => {
  try {
    return stringify(data, { aliasDuplicateObjects: false }) ?? '';
  } catch {
    return stringify(clean(data)) ?? '';
  }
};

const EXAMPLE = readFileSync(new URL('../../examples/moat.example.yaml', import.meta.url), 'utf8');
const REAL_CONFIGS = [
  EXAMPLE,
  DONE_WHEN_YAML,
  'gateway: { originPerApp: true }\nhost: { sshPort: 2222, adminCidr: 203.0.113.9/32 }\n',
  'services:\n  my-tool:\n    image: ghcr.io/acme/tool:1.2.3\n    address: 172.20.0.70\n    ports: [{ port: 9000, purpose: API }]\n    publish: ["0.0.0.0:9000:9000"]\n',
  'services:\n  clawdbot: { enabled: false }\n  dify-db:\n    publish: ["127.0.0.1:5432:5432"]\npolicy:\n  allow:\n    - { zone: tailnet, port: 5432, protocol: tcp, target: dify-db, why: debugging }\n',
];

/** Text-level mutations of a real config: lines deleted, duplicated, re-indented, cut, or given a token. */
const textMutation = fc
  .tuple(
    fc.constantFrom(...REAL_CONFIGS),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 5 }), fc.constantFrom(...TOKENS)), { minLength: 1, maxLength: 4 }),
  )
  .map(([text, edits]) => {
    const lines = text.split('\n');
    for (const [at, op, token] of edits) {
      const i = at % Math.max(1, lines.length);
      const line = lines[i] ?? '';
      if (op === 0) lines.splice(i, 1);
      else if (op === 1) lines.splice(i, 0, line);
      else if (op === 2) lines[i] = ` ${line}`;
      else if (op === 3) lines[i] = line.slice(0, at % (line.length + 1));
      else if (op === 4) lines[i] = `${line.slice(0, at % (line.length + 1))}${token}${line.slice(at % (line.length + 1))}`;
      else lines.splice(i, 0, token);
    }
    return lines.join('\n');
  });

/** Data-level mutations of a real config: a value replaced (by a shaped or any value), a key deleted or renamed. */
function paths(x: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (x === null || typeof x !== 'object') return [prefix];
  const entries = Array.isArray(x) ? x.map((v, i) => [i, v] as const) : Object.entries(x);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}
function setAt(root: unknown, path: readonly (string | number)[], op: 'set' | 'delete' | 'rename', value: unknown): unknown {
  if (path.length === 0) return op === 'set' ? value : {};
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (op === 'set') node[last] = value;
  else if (Array.isArray(node)) node.splice(Number(last), 1);
  else {
    const v = node[last];
    delete node[last];
    if (op === 'rename') node[`${String(last)}x`] = v;
  }
  return copy;
}
const dataMutation = fc
  .tuple(
    fc.constantFrom(...REAL_CONFIGS.map((t) => parse(t) as unknown)),
    fc.nat(),
    fc.constantFrom<'set' | 'delete' | 'rename'>('set', 'set', 'delete', 'rename'),
    fc.oneof(
      fc.constantFrom(
        '0.0.0.0',
        '::',
        '0.0.0.0/0',
        22,
        0,
        65536,
        -1,
        1.5,
        '',
        'x',
        true,
        null,
        [],
        {},
        ['a'],
        { a: 1 },
        '172.20.0.1',
        '100.64.0.10',
        'tcp',
        'never-route',
      ),
      fc.anything({ maxDepth: 2 }),
    ),
  )
  .map(([data, pick, op, value]) => {
    const all = paths(data);
    return toYaml(setAt(data, all[pick % all.length] ?? [], op, value));
  });

// ---------------------------------------------------------------- properties

const RUNS = Number(process.env.MOAT_RUNS ?? 100);

describe('loadPlatform fuzzed: a platform or located UserInputError findings, never another exception', () => {
  it('the real configs themselves: the example loads, the done-when config is rejected', async () => {
    expect(await judge(EXAMPLE)).toEqual({ kind: 'loaded' });
    expect((await judge(DONE_WHEN_YAML)).kind).toBe('rejected');
    for (const text of REAL_CONFIGS.slice(2)) expect(await judge(text), text).toEqual({ kind: 'loaded' });
  });

  it('random YAML-ish text', async () => {
    await fc.assert(
      fc.asyncProperty(yamlish, async (text) => void (await judge(text))),
      { numRuns: RUNS * 1.5 },
    );
  });

  it('random data of any shape, as YAML', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything({ maxDepth: 3 }), async (data) => void (await judge(toYaml(data)))),
      { numRuns: RUNS * 2 },
    );
  });

  it('data shaped like moat.yaml, valid and invalid values mixed (whatever loads renders and proves)', async () => {
    const seen = { loaded: 0, rejected: 0, 'known-bug': 0 };
    await fc.assert(
      fc.asyncProperty(shapedConfig, async (data) => {
        seen[(await judge(toYaml(clean(data)))).kind] += 1;
      }),
      { numRuns: RUNS },
    );
    // The generator reaches past the schema: some configs load (and were rendered and proved).
    if (process.env.MOAT_SHOW_UNLOCATED) console.log(seen);
    expect(seen.loaded).toBeGreaterThan(0);
  });

  it('text mutations of real configs', async () => {
    await fc.assert(
      fc.asyncProperty(textMutation, async (text) => void (await judge(text))),
      { numRuns: RUNS },
    );
  });

  it('data mutations of real configs (a value replaced, a key deleted or renamed)', async () => {
    await fc.assert(
      fc.asyncProperty(dataMutation, async (text) => void (await judge(text))),
      { numRuns: RUNS },
    );
  });
});

describe('counterexamples the fuzzing found (bugs in src/, reported to the lead)', () => {
  // BUG: a YAML 1.1 tag the yaml package still resolves under version 1.2
  // (`!!binary` → Uint8Array) where the schema expects a mapping: zod reads the
  // typed array's indices as unknown keys, and src/model/config-prune.ts:26
  // (`delete` on a Uint8Array index, a TypeError in strict mode) throws out of
  // loadPlatform: "bug in moat, exit 70". Root cause: src/model/config-yaml.ts:100
  // parses with yaml's default `resolveKnownTags: true`. Fix: parse with
  // `resolveKnownTags: false` and turn the TAG_RESOLVE_FAILED warnings into
  // located `config.yaml-syntax`-style findings (yaml 2.9.1 keeps the value as
  // plain data then), or reject any explicit `!!` tag.
  it('`host: !!binary AAAA` is a located finding, not a TypeError', async () => {
    expect((await judge('host: !!binary AAAA\n', true)).kind).toBe('rejected');
  });

  // Was a bug, fixed (same root cause, src/model/config-yaml.ts:100): `!!omap`, `!!set` and
  // `!!timestamp` resolve to a Map, a Set and a Date; zod's strictObject sees no
  // own keys in them and accepts `{}`, so what the user wrote is silently
  // dropped: here adminCidr 0.0.0.0/0 is ignored and the reference's
  // 203.0.113.10/32 is used, with no finding. Strict keys are bypassed.
  it('`host: !!omap [adminCidr: 0.0.0.0/0]` is not silently ignored', async () => {
    expect((await judge('host: !!omap [adminCidr: 0.0.0.0/0]\n', true)).kind).toBe('rejected');
  });

  // Was a bug, fixed (src/model/load.ts:132, `located` → parsePath(f.path)): an unknown key
  // whose name holds `.`, `[` or `]` is formatted into the finding's path and
  // parsed back into other segments, so the key is not found and the finding
  // has no location. Fix: locate issues by their segments (issue.path plus the
  // key), not by the formatted path.
  it('an unknown key `a.b` is located at its line', async () => {
    expect((await judge('project: ai-platform\n"a.b": 1\n', true)).kind).toBe('rejected');
  });

  // Was a bug, fixed (src/model/load.ts:163-166, address findings located by the model path):
  // a network setting in the file that collides with a catalog service's address
  // gives a finding at `services.nginx.address`, which the file never wrote, so
  // it has no location. It should point at what the user wrote (network.gateway,
  // network.subnet): fall back to that key when the service path is not in the file.
  it("`network: { gateway: 172.20.0.2 }` (the catalog nginx's address) is located at network.gateway", async () => {
    expect((await judge('network:\n  gateway: 172.20.0.2\n', true)).kind).toBe('rejected');
  });

  it('`network: { subnet: 10.0.0.0/8 }` (the catalog addresses fall outside) is located at network.subnet', async () => {
    expect((await judge('network:\n  subnet: 10.0.0.0/8\n', true)).kind).toBe('rejected');
  });

  it('the same problems in keys the file wrote are located (the contrast)', async () => {
    const outcome = await judge('services:\n  nginx:\n    address: 172.20.0.1\n', true);
    expect(outcome.kind === 'loaded' ? [] : outcome.codes).toContain('config.address-reserved');
  });
});
