/** A JSON Schema (OpenAPI's dialect, dereferenced) as far as onboarding reads it. */
export interface RecordSchema {
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly properties?: Readonly<Record<string, RecordSchema>>;
  readonly items?: RecordSchema;
  readonly required?: readonly string[];
  readonly allOf?: readonly RecordSchema[];
  readonly anyOf?: readonly RecordSchema[];
  readonly oneOf?: readonly RecordSchema[];
  readonly nullable?: boolean;
  readonly description?: string;
}

/** A typed entity field inferred from a record property, with the mapping that reads it. */
export interface InferredField {
  /** The entity field name (a lower-case identifier). */
  readonly name: string;
  /** The record property it reads. */
  readonly property: string;
  readonly type: 'string' | 'integer' | 'decimal' | 'boolean' | 'timestamp' | 'date' | 'json';
  readonly array: boolean;
  /** JSONPath of the property in the record. */
  readonly path: string;
}

/** The most entity fields a skeleton gets (the rest stay in the staged raw records). */
export const MAX_FIELDS = 40;

/** A schema's object properties, `allOf` members merged and the first `anyOf`/`oneOf` option taken. */
export function propertiesOf(schema: RecordSchema | undefined): Record<string, RecordSchema> {
  if (!schema) return {};
  const own = { ...(schema.properties ?? {}) };
  for (const part of schema.allOf ?? []) Object.assign(own, propertiesOf(part));
  const option = (schema.anyOf ?? schema.oneOf)?.find((o) => o.properties || o.allOf);
  if (option) Object.assign(own, propertiesOf(option), own);
  return own;
}

/** The JSON type a schema names (`nullable`, `[type, "null"]` and single-option unions see through). */
export function typeOf(schema: RecordSchema | undefined): string | undefined {
  if (!schema) return undefined;
  if (Array.isArray(schema.type)) return (schema.type as readonly string[]).find((t) => t !== 'null');
  if (typeof schema.type === 'string') return schema.type;
  if (schema.properties || schema.allOf) return 'object';
  const option = (schema.anyOf ?? schema.oneOf)?.find((o) => typeOf(o) !== 'null');
  return option ? typeOf(option) : undefined;
}

/** A property name as an entity field name: snake_case, lower-case, starting with a letter. */
export function fieldNameOf(property: string): string {
  const snake = property
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  const name = /^[a-z]/.test(snake) ? snake : `f_${snake}`;
  return name.slice(0, 48) || 'value';
}

/** JSONPath of a top-level property: `$.name`, or `$['odd name']`. */
export function propertyPath(property: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(property) ? `$.${property}` : `$['${property.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/**
 * Typed fields for a record schema's properties (scalars, lists of scalars; objects as json), at
 * most `MAX_FIELDS`: the `keep` properties (key, update time) first, then in the schema's order.
 */
export function inferFields(record: RecordSchema | undefined, keep: ReadonlyArray<string | undefined> = []): InferredField[] {
  const fields: InferredField[] = [];
  const taken = new Set<string>();
  const all = Object.entries(propertiesOf(record));
  const first = keep.filter((k): k is string => k !== undefined);
  const ordered = [...all.filter(([p]) => first.includes(p)), ...all.filter(([p]) => !first.includes(p))];
  for (const [property, schema] of ordered) {
    if (fields.length >= MAX_FIELDS) break;
    const t = typeOf(schema);
    const array = t === 'array';
    const scalar = array ? schema.items : schema;
    const type = fieldTypeOf(array ? typeOf(scalar) : t, scalar?.format);
    let name = fieldNameOf(property);
    while (taken.has(name)) name = `${name}_`;
    taken.add(name);
    fields.push({ name, property, type: array && type === 'json' ? 'json' : type, array: array && type !== 'json', path: propertyPath(property) });
  }
  return fields;
}

function fieldTypeOf(type: string | undefined, format: string | undefined): InferredField['type'] {
  if (type === 'integer') return 'integer';
  if (type === 'number') return 'decimal';
  if (type === 'boolean') return 'boolean';
  if (type === 'string') return format === 'date-time' ? 'timestamp' : format === 'date' ? 'date' : 'string';
  return 'json';
}

/** The property that identifies a record: `id`, else `<x>_id` / `uuid` / `key`, else the first required one. */
export function primaryKeyOf(record: RecordSchema | undefined): string | undefined {
  const props = Object.keys(propertiesOf(record));
  return (
    props.find((p) => p === 'id') ??
    props.find((p) => /^(uuid|guid|key)$/i.test(p)) ??
    props.find((p) => /(_id|Id|ID)$/.test(p)) ??
    record?.required?.[0] ??
    props[0]
  );
}

/** The property holding a record's last-update time, if the schema has one. */
export function updatedAtOf(record: RecordSchema | undefined): string | undefined {
  const props = propertiesOf(record);
  const usable = Object.keys(props).filter((p) => /string|integer|number/.test(typeOf(props[p]) ?? ''));
  // The most specific name wins: `updated_at` over a bare `updated`.
  const preference = [/^updated_?at$/i, /^modified_?at$/i, /^last_?modified(_?at)?$/i, /^date_?modified$/i, /^updated$/i, /^modified$/i];
  for (const pattern of preference) {
    const found = usable.find((p) => pattern.test(p));
    if (found) return found;
  }
  return undefined;
}
