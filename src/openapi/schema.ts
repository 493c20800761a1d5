import { createRequire } from 'node:module';
import type { MediaType, OpenApiDocument, Parameter, Schema } from './document.js';
import { isObject } from './load.js';

// openapi-sampler ships CommonJS with a types file that declares no ESM default export.
const { sample } = createRequire(import.meta.url)('openapi-sampler') as {
  sample(
    schema: unknown,
    options?: { skipReadOnly?: boolean; skipWriteOnly?: boolean; skipNonRequired?: boolean; quiet?: boolean; enablePatterns?: boolean },
    spec?: unknown,
  ): unknown;
};

/** The JSON media type of a request or response body, if it has one (application/json, +json, problem+json). */
export function jsonMedia(content: Record<string, MediaType | undefined> | undefined): { type: string; media: MediaType } | undefined {
  if (!isObject(content)) return undefined;
  const entries = Object.entries(content).filter((entry): entry is [string, MediaType] => isObject(entry[1]));
  const found =
    entries.find(([type]) => /^application\/json\b/i.test(type)) ??
    entries.find(([type]) => /[/+]json\b/i.test(type)) ??
    entries.find(([type]) => type === '*/*');
  return found ? { type: found[0], media: found[1] } : undefined;
}

const MAX_DEPTH = 8;

/** The properties of an object schema, allOf parts merged in (a circular $ref contributes nothing). */
export function propertiesOf(schema: Schema | undefined, depth = 0): Record<string, Schema> {
  if (!isObject(schema) || depth > MAX_DEPTH) return {};
  const own = isObject(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
  const merged: Record<string, Schema> = {};
  for (const part of Array.isArray(schema.allOf) ? schema.allOf : []) Object.assign(merged, propertiesOf(part, depth + 1));
  // A oneOf/anyOf of object shapes: the first variant stands for the rest.
  const variant =
    (Array.isArray(schema.oneOf) ? schema.oneOf[0] : undefined) ?? (Array.isArray(schema.anyOf) ? schema.anyOf[0] : undefined);
  if (variant) Object.assign(merged, propertiesOf(variant, depth + 1));
  return { ...merged, ...own };
}

export function isArraySchema(schema: Schema | undefined): boolean {
  if (!isObject(schema)) return false;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('array')) return true;
  return schema.type === undefined && isObject(schema.items);
}

/** A value the document gives: the example, the first of examples, the default, the first enum value. */
export function documentedValue(holder: Parameter | MediaType | undefined): unknown {
  if (holder === undefined || !isObject(holder)) return undefined;
  const { example, examples, schema } = holder as Parameter;
  if (example !== undefined) return example;
  const named = isObject(examples) ? Object.values(examples).find((e) => isObject(e) && e.value !== undefined) : undefined;
  if (named?.value !== undefined) return named.value;
  return schemaValue(schema);
}

function schemaValue(schema: Schema | undefined): unknown {
  if (!isObject(schema)) return undefined;
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  return undefined;
}

/**
 * A minimal valid instance of a schema (openapi-sampler: examples and defaults first, then required
 * properties only). A schema that marks nothing required yields every property, since {} would tell
 * a write endpoint nothing.
 */
export function sampleOf(schema: Schema | undefined, document: OpenApiDocument): unknown {
  if (!isObject(schema)) return undefined;
  try {
    // enablePatterns: a string with a pattern gets a value that matches it (job_00000000, not "string").
    const minimal = sample(schema, { skipReadOnly: true, skipNonRequired: true, quiet: true, enablePatterns: true }, document);
    if (isHollow(minimal)) {
      return sample(schema, { skipReadOnly: true, quiet: true, enablePatterns: true }, document);
    }
    return minimal;
  } catch {
    // A schema the sampler cannot follow (an exotic circular shape): the caller writes a TODO.
    return undefined;
  }
}

/** {} or [{}]: what skipNonRequired leaves of a schema that marks nothing required. */
function isHollow(value: unknown): boolean {
  const item = Array.isArray(value) && value.length === 1 ? value[0] : value;
  return isObject(item) && Object.keys(item).length === 0;
}

/** The first value a parameter's schema allows by enumeration (its own enum, or its items' for an array). */
export function enumValue(schema: Schema | undefined): unknown {
  if (!isObject(schema)) return undefined;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  const items = schema.items;
  if (isObject(items)) return items.default ?? (Array.isArray(items.enum) ? items.enum[0] : undefined);
  return undefined;
}
