// Writes schema/moat.schema.json from the zod schema of moat.yaml, so editors
// (yaml-language-server) validate and explain the file as it is typed.
// Deterministic: the same schema gives the same bytes. `npm run schema`.
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from '../src/model/config-json-schema.js';

export const SCHEMA_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'moat.schema.json');

export function jsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, jsonSchemaText());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
