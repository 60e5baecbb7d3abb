import { z } from 'zod';
import { identifierSchema } from './identifier.js';

/** Column types an entity field can have. */
export const fieldTypes = ['string', 'integer', 'decimal', 'boolean', 'timestamp', 'date', 'json'] as const;

/** How conflicting values from several sources are resolved for one field. */
export const strategyNames = ['priority', 'latest', 'earliest', 'first_non_null', 'max', 'min', 'union', 'sum'] as const;

/** A conflict-resolution strategy name. */
export type StrategyName = (typeof strategyNames)[number];

/** A field of the unified entity. */
export const entityFieldSchema = z.strictObject({
  /** Column type. */
  type: z.enum(fieldTypes),
  /** A list of values of `type` (stored as a Postgres array, or jsonb for json). */
  array: z.boolean().default(false),
  /** A record without this field is quarantined. */
  required: z.boolean().default(false),
  /** Conflict-resolution strategy; defaults to the entity's. */
  strategy: z.enum(strategyNames).optional(),
  /** Source precedence for the `priority` strategy (source names, most trusted first); defaults to the entity's. */
  priority: z.array(identifierSchema).optional(),
  /** What the field means, for the people who consume it. */
  doc: z.string().optional(),
});

/** One transform step applied to a mapped value, in order. */
export const transformSchema = z.union([
  z.enum(['trim', 'lower', 'upper', 'digits', 'null_if_empty', 'epoch_seconds', 'epoch_millis', 'to_string', 'to_number']),
  z.strictObject({ scale: z.number().describe('Multiply a number, e.g. 0.01 for cents -> units.') }),
  z.strictObject({ map: z.record(z.string(), z.unknown()).describe('Replace values by lookup; unknown values pass through.') }),
  z.strictObject({ default: z.unknown().describe('Value used when the mapped value is null or missing.') }),
]);

/** A transform step. */
export type Transform = z.infer<typeof transformSchema>;

/** How one entity field is read from a source record: a JSONPath, or a path with transforms, or a template. */
export const fieldMappingSchema = z.union([
  z.string().min(1),
  z.strictObject({
    /** JSONPath into the source record, e.g. `$.contact.email`. */
    path: z.string().min(1).optional(),
    /** A template such as `{first_name} {last_name}`; `{name}` is a top-level field (or dotted path) of the record. */
    template: z.string().min(1).optional(),
    /** Steps applied to the value in order. */
    transforms: z.array(transformSchema).default([]),
  }),
]);

/** A field mapping: path string or object form. */
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

/** How one source stream maps into an entity. */
export const entitySourceMappingSchema = z.strictObject({
  /** Entity field -> mapping. */
  fields: z.record(identifierSchema, fieldMappingSchema),
  /** The source-provided last-update time of a record (for `latest`/`earliest`); fetch time is used when absent. */
  updatedAt: fieldMappingSchema.optional(),
});

/** A unified entity: one typed table merged from several source streams. */
export const entitySchema = z.strictObject({
  /** Table name; defaults to the entity name. */
  table: identifierSchema.optional(),
  /** What the entity is. */
  doc: z.string().optional(),
  /** The entity's fields. */
  fields: z.record(identifierSchema, entityFieldSchema),
  /** Fields whose (normalized) values identify the same real-world thing across sources, most reliable first. */
  matchOn: z.array(identifierSchema).min(1),
  /** Default conflict-resolution strategy for fields that name none. */
  defaultStrategy: z.enum(strategyNames).default('latest'),
  /** Default source precedence for `priority`, most trusted first. */
  priority: z.array(identifierSchema).default([]),
  /** Mappings keyed by `source.stream`. */
  sources: z.record(z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'must be source.stream'), entitySourceMappingSchema),
});

/** Validated entity config. */
export type EntityConfig = z.infer<typeof entitySchema>;
/** Validated entity field config. */
export type EntityFieldConfig = z.infer<typeof entityFieldSchema>;
/** Validated source mapping config. */
export type EntitySourceMapping = z.infer<typeof entitySourceMappingSchema>;
