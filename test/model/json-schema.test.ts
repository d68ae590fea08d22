// The committed JSON Schema is what the zod schema generates today, and the
// example file validates against it (as an editor would check it).
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { jsonSchemaText, SCHEMA_FILE } from '../../scripts/write-json-schema.js';

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
}

describe('schema/moat.schema.json', () => {
  it('is up to date (run `npm run schema` after changing the config schema)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(jsonSchemaText());
  });

  it('is deterministic', () => {
    expect(jsonSchemaText()).toBe(jsonSchemaText());
  });

  it('accepts examples/moat.example.yaml', () => {
    const validate = validator();
    const example: unknown = parse(readFileSync(new URL('../../examples/moat.example.yaml', import.meta.url), 'utf8'));
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects unknown keys and malformed addresses, as the loader does', () => {
    const validate = validator();
    expect(validate({ sevices: {} })).toBe(false);
    expect(validate({ services: { n8n: { adress: '172.20.0.40' } } })).toBe(false);
    expect(validate({ services: { n8n: { address: 'n8n.local' } } })).toBe(false);
    expect(validate({ services: { n8n: { address: '172.20.0.40', publish: ['5432:5432', { target: 80, published: 8080 }] } } })).toBe(true);
  });
});
