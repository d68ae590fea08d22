// The JSON Schema of moat.yaml, generated from the zod schema. Editors use the
// committed copy (schema/moat.schema.json); the loader walks it to know which
// keys are valid at a path (for did-you-mean on unknown keys).
import * as z from 'zod';
import { ConfigSchema } from './config-schema.js';
import type { PathSegment } from './config-yaml.js';

type JsonSchema = { readonly [key: string]: unknown };

let cached: JsonSchema | undefined;

/** The JSON Schema of moat.yaml; same input, same output (keys in schema order). */
export function configJsonSchema(): JsonSchema {
  // `io: 'input'`: describe what the user writes, so fields with defaults stay optional.
  cached ??= { ...z.toJSONSchema(ConfigSchema, { io: 'input', target: 'draft-2020-12' }), title: 'moat.yaml' };
  return cached;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object branch of a schema (through anyOf), if it has one. */
function objectBranch(schema: JsonSchema): JsonSchema | undefined {
  if (isSchema(schema['properties']) || isSchema(schema['additionalProperties'])) return schema;
  const anyOf = schema['anyOf'];
  if (Array.isArray(anyOf))
    return anyOf
      .filter(isSchema)
      .map(objectBranch)
      .find((b) => b !== undefined);
  return undefined;
}

function arrayBranch(schema: JsonSchema): JsonSchema | undefined {
  if (isSchema(schema['items'])) return schema;
  const anyOf = schema['anyOf'];
  if (Array.isArray(anyOf))
    return anyOf
      .filter(isSchema)
      .map(arrayBranch)
      .find((b) => b !== undefined);
  return undefined;
}

/** The keys an object at this config path may have (empty if free-form or unknown). */
export function knownKeysAt(segments: readonly PathSegment[]): string[] {
  let node: JsonSchema | undefined = configJsonSchema();
  for (const segment of segments) {
    if (!node) return [];
    if (typeof segment === 'number') {
      const items: unknown = arrayBranch(node)?.['items'];
      node = isSchema(items) ? items : undefined;
    } else {
      const object = objectBranch(node);
      const properties = object?.['properties'];
      const additional = object?.['additionalProperties'];
      node = isSchema(properties) && isSchema(properties[segment]) ? properties[segment] : isSchema(additional) ? additional : undefined;
    }
  }
  const properties = node && objectBranch(node)?.['properties'];
  return isSchema(properties) ? Object.keys(properties) : [];
}
