// compose.yaml validates against the current compose-spec JSON schema (the
// copy the dclint package ships: no third-party file in this tree), and
// Debian's docker-compose (v1) accepts it as a second, independent reader.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { renderCompose } from '../../../src/render/compose.js';
import { goldenPlatform } from '../../support/golden.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const require = createRequire(import.meta.url);
const schemaPath = join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown> & { properties: Record<string, unknown> };

const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
// Ajv's draft-07 is the default dialect; it knows the meta-schema as http://…#, the file says https://….
const { $schema: _dialect, ...body } = schema;
const validate = ajv.compile(body);

const CASES: Record<string, string> = {
  reference: 'reference',
  'published backend': 'services:\n  - name: dify-db\n    publish: [{hostAddress: "::", hostPort: 5432, containerPort: 5432}]\n',
  'udp range':
    'services:\n  - name: signal-api\n    publish: [{hostAddress: 127.0.0.1, hostPort: 6000, hostPortEnd: 6002, containerPort: 6000, protocol: udp}]\n',
};

function composeOf(input: string): Record<string, unknown> {
  const content = renderCompose(goldenPlatform(input), {}).files[0]?.content ?? '';
  return parse(content) as Record<string, unknown>;
}

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe('compose.yaml against the compose-spec schema', () => {
  it('uses the current upstream schema (compose_spec.json with models, provider, gw_priority)', () => {
    // Upstream compose-spec/compose-spec schema/compose-spec.json: draft-07, $id compose_spec.json,
    // and the recent additions below (top-level models, service provider, network gw_priority).
    expect(schema['$id']).toBe('compose_spec.json');
    expect(schema['$schema']).toMatch(/draft-07/);
    expect(Object.keys(schema.properties)).toContain('models');
    const text = JSON.stringify(schema);
    expect(text).toContain('"provider"');
    expect(text).toContain('"gw_priority"');
  });

  for (const [name, input] of Object.entries(CASES)) {
    it(`validates: ${name}`, () => {
      const valid = validate(composeOf(input));
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    });
  }

  it('rejects a compose file with a misspelt key (the check can fail)', () => {
    const doc = composeOf('reference');
    const services = doc['services'] as Record<string, Record<string, unknown>>;
    services['nginx'] = { ...services['nginx'], restart_policy: 'always' };
    expect(validate(doc)).toBe(false);
  });
});

describe("Debian's docker-compose (v1) reads compose.yaml", () => {
  it('accepts the reference bundle with `config -q`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moat-compose-'));
    temps.push(dir);
    const doc = composeOf('reference');
    // v1 predates the top-level `name` (it takes -p); env files must exist, empty is fine.
    const { name, ...rest } = doc;
    mkdirSync(join(dir, 'secrets'));
    for (const service of Object.values(rest['services'] as Record<string, { env_file?: string[] }>)) {
      for (const file of service.env_file ?? []) writeFileSync(join(dir, file), '');
    }
    writeFileSync(join(dir, 'compose.yaml'), stringify(rest));
    const result = await execa('docker-compose', ['-p', String(name), '-f', 'compose.yaml', 'config', '-q'], { cwd: dir, reject: false, all: true });
    if (result.failed && result.exitCode === undefined) throw new Error('docker-compose is missing: apt-get install -y docker-compose');
    expect(result.all).toBe('');
    expect(result.exitCode).toBe(0);
  });
});
