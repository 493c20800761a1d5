import { getProperty } from 'dot-prop';

/** Where a list response keeps its items. */
export type ItemsLookup =
  | { found: true; items: unknown[] /** Dot path of the array; undefined when the body itself is the array. */; field?: string }
  | { found: false; problem: string };

/** Names that usually hold the items when an object has several arrays. */
const USUAL_ITEM_FIELDS = ['data', 'items', 'results', 'records', 'entries', 'values', 'list', 'content', 'edges', 'nodes'];

/**
 * Finds the items of a list response: the configured `dataField`, else a bare top-level array, else
 * the one array among the object's fields (two levels deep, e.g. data.orders).
 */
export function findItems(body: unknown, dataField?: string): ItemsLookup {
  if (body === undefined) return { found: false, problem: 'the body is not JSON' };
  if (dataField) {
    const value: unknown = getProperty(body as Record<string, unknown>, dataField);
    return Array.isArray(value)
      ? { found: true, items: value, field: dataField }
      : { found: false, problem: `there is no array at "${dataField}" (pagination.dataField)` };
  }
  if (Array.isArray(body)) return { found: true, items: body };
  if (!isObject(body)) return { found: false, problem: 'the body is neither a JSON array nor an object' };
  const arrays = arrayFields(body, '', 2);
  if (arrays.length === 1) return { found: true, items: arrays[0]!.items, field: arrays[0]!.field };
  if (arrays.length === 0)
    return { found: false, problem: 'the JSON body holds no array; set pagination.dataField to where the items are' };
  const usual = arrays.filter((a) => USUAL_ITEM_FIELDS.includes(a.field.split('.').pop() ?? ''));
  if (usual.length === 1) return { found: true, items: usual[0]!.items, field: usual[0]!.field };
  return {
    found: false,
    problem: `the body has several arrays (${arrays.map((a) => a.field).join(', ')}); set pagination.dataField to the one holding the items`,
  };
}

function arrayFields(object: Record<string, unknown>, prefix: string, depth: number): Array<{ field: string; items: unknown[] }> {
  const out: Array<{ field: string; items: unknown[] }> = [];
  for (const [key, value] of Object.entries(object)) {
    // A dot inside a key would be read as nesting by dot-path lookups; escape it.
    const field = `${prefix}${key.replace(/\./g, '\\.')}`;
    if (Array.isArray(value)) out.push({ field, items: value });
    else if (isObject(value) && depth > 1) out.push(...arrayFields(value, `${field}.`, depth - 1));
  }
  return out;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The id of an item at a dot path (e.g. "id" or "node.id"), as a string; undefined when absent. */
export function itemId(item: unknown, idField: string): string | undefined {
  if (!isObject(item)) return typeof item === 'string' || typeof item === 'number' ? String(item) : undefined;
  const value: unknown = getProperty(item, idField);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
