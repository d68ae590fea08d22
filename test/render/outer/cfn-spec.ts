// Checks a CloudFormation template against the resource specification that
// @aws-cdk/cfnspec ships: resource types, property names, required
// properties, primitive and nested types, Ref and Fn::GetAtt targets.
import { createRequire } from 'node:module';

interface PropSpec {
  readonly PrimitiveType?: string;
  readonly Type?: string;
  readonly ItemType?: string;
  readonly PrimitiveItemType?: string;
  readonly Required?: boolean;
}
interface TypeSpec {
  readonly Properties?: Record<string, PropSpec>;
  readonly Attributes?: Record<string, unknown>;
}
interface Spec {
  readonly ResourceTypes: Record<string, TypeSpec>;
  readonly PropertyTypes: Record<string, TypeSpec>;
}

const spec = createRequire(import.meta.url)('@aws-cdk/cfnspec/spec/specification.json') as Spec;

const TOP_LEVEL = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
]);
const PARAMETER_TYPE =
  /^(String|Number|List<Number>|CommaDelimitedList|AWS::EC2::[A-Za-z]+::[A-Za-z]+|List<AWS::EC2::[A-Za-z]+::[A-Za-z]+>|AWS::SSM::Parameter::Name|AWS::SSM::Parameter::Value<.+>)$/;

type Json = unknown;

function isIntrinsic(value: Json): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'));
}

function checkPrimitive(type: string, value: Json, at: string, errors: string[]): void {
  if (isIntrinsic(value)) return;
  const ok =
    type === 'String'
      ? typeof value === 'string'
      : type === 'Integer' || type === 'Long'
        ? Number.isInteger(value) || (typeof value === 'string' && /^-?\d+$/.test(value))
        : type === 'Double'
          ? typeof value === 'number' || (typeof value === 'string' && !Number.isNaN(Number(value)))
          : type === 'Boolean'
            ? typeof value === 'boolean' || value === 'true' || value === 'false'
            : type === 'Json'
              ? typeof value === 'object'
              : type === 'Timestamp'
                ? typeof value === 'string'
                : false;
  if (!ok) errors.push(`${at}: expected ${type}, got ${JSON.stringify(value)}`);
}

function propertyType(resourceType: string, name: string): TypeSpec | undefined {
  return spec.PropertyTypes[`${resourceType}.${name}`] ?? spec.PropertyTypes[name];
}

function checkValue(resourceType: string, prop: PropSpec, value: Json, at: string, errors: string[]): void {
  if (prop.PrimitiveType) return checkPrimitive(prop.PrimitiveType, value, at, errors);
  if (isIntrinsic(value)) return;
  if (prop.Type === 'List' || prop.Type === 'Map') {
    const items = prop.Type === 'List' ? value : value;
    if (prop.Type === 'List' && !Array.isArray(items)) return void errors.push(`${at}: expected a list`);
    if (prop.Type === 'Map' && (typeof items !== 'object' || items === null || Array.isArray(items))) return void errors.push(`${at}: expected a map`);
    const entries = Object.entries(items as object);
    for (const [k, item] of entries) {
      if (prop.PrimitiveItemType) checkPrimitive(prop.PrimitiveItemType, item, `${at}[${k}]`, errors);
      else if (prop.ItemType) checkObject(resourceType, prop.ItemType, item, `${at}[${k}]`, errors);
    }
    return;
  }
  if (prop.Type) checkObject(resourceType, prop.Type, value, at, errors);
}

function checkProperties(resourceType: string, typeSpec: TypeSpec, value: Json, at: string, errors: string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return void errors.push(`${at}: expected an object`);
  const props = typeSpec.Properties ?? {};
  for (const [name, v] of Object.entries(value)) {
    const p = props[name];
    if (!p) errors.push(`${at}.${name}: no such property`);
    else checkValue(resourceType, p, v, `${at}.${name}`, errors);
  }
  for (const [name, p] of Object.entries(props)) if (p.Required && !(name in value)) errors.push(`${at}.${name}: required`);
}

function checkObject(resourceType: string, typeName: string, value: Json, at: string, errors: string[]): void {
  const t = propertyType(resourceType, typeName);
  if (!t) return void errors.push(`${at}: unknown property type ${typeName}`);
  checkProperties(resourceType, t, value, at, errors);
}

function collectRefs(value: Json, out: { refs: string[]; getAtts: [string, string][] }): void {
  if (Array.isArray(value)) return value.forEach((v) => collectRefs(v, out));
  if (typeof value !== 'object' || value === null) return;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'Ref' && typeof v === 'string') out.refs.push(v);
    else if (k === 'Fn::GetAtt' && Array.isArray(v)) out.getAtts.push([String(v[0]), String(v[1])]);
    else collectRefs(v, out);
  }
}

/** Every problem of the template against the specification; empty when valid. */
export function validateTemplate(template: Record<string, Json>): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(template)) if (!TOP_LEVEL.has(key)) errors.push(`${key}: not a template section`);
  const parameters = (template['Parameters'] ?? {}) as Record<string, { Type?: string }>;
  for (const [name, p] of Object.entries(parameters)) if (!p.Type || !PARAMETER_TYPE.test(p.Type)) errors.push(`Parameters.${name}: bad Type ${p.Type}`);
  const resources = (template['Resources'] ?? {}) as Record<string, { Type?: string; Properties?: Json }>;
  for (const [name, r] of Object.entries(resources)) {
    const t = r.Type === undefined ? undefined : spec.ResourceTypes[r.Type];
    if (!t) {
      errors.push(`Resources.${name}: unknown type ${r.Type}`);
      continue;
    }
    checkProperties(r.Type!, t, r.Properties ?? {}, `Resources.${name}.Properties`, errors);
  }
  const found = { refs: [] as string[], getAtts: [] as [string, string][] };
  collectRefs({ Resources: resources, Outputs: template['Outputs'] }, found);
  for (const ref of found.refs)
    if (!(ref in parameters) && !(ref in resources) && !ref.startsWith('AWS::')) errors.push(`Ref ${ref}: no such parameter or resource`);
  for (const [res, attr] of found.getAtts) {
    const type = resources[res]?.Type;
    if (!type || !spec.ResourceTypes[type]?.Attributes?.[attr]) errors.push(`Fn::GetAtt ${res}.${attr}: no such attribute`);
  }
  return errors;
}
