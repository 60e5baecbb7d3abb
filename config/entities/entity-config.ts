import { z } from 'zod';
import { identifierSchema } from '../identifier.js';
import { predicateSchema, regexProblem } from './predicate-config.js';

/** Column types an entity field can have. */
export const fieldTypes = ['string', 'integer', 'decimal', 'boolean', 'timestamp', 'date', 'json'] as const;

/** A field's column type. */
export type FieldType = (typeof fieldTypes)[number];

/** How conflicting values from several sources are resolved for one field. */
export const strategyNames = ['priority', 'latest', 'earliest', 'first_non_null', 'max', 'min', 'union', 'sum', 'custom'] as const;

/** A conflict-resolution strategy name. */
export type StrategyName = (typeof strategyNames)[number];

/** A `custom` strategy: a function exported by a user module. */
export const customStrategySchema = z.strictObject({
  /** Module path, relative to the config file (or absolute), e.g. `./strategies.js` (or `.ts`). Loaded once per process. */
  module: z.string().min(1).describe('Module path, relative to the config file (or absolute), e.g. `./strategies.js` (or `.ts`). Loaded once per process.'),
  /** Name of the exported function; defaults to `default`. */
  export: z.string().regex(/^[A-Za-z_$][\w$]*$/, 'must be a JavaScript export name').default('default').describe('Name of the exported function; defaults to `default`.'),
});

/** A custom strategy reference. */
export type CustomStrategyConfig = z.infer<typeof customStrategySchema>;

/** How an existing column whose type changed is migrated. */
export const columnMigrations = ['cast', 'drop_and_refill'] as const;

/** A field of the unified entity. */
export const entityFieldSchema = z.strictObject({
  /** Column type. */
  type: z.enum(fieldTypes).describe('Column type.'),
  /** A list of values of `type` (stored as a Postgres array, or jsonb for json). */
  array: z.boolean().default(false).describe('A list of values of `type` (stored as a Postgres array, or jsonb for json).'),
  /** A record without this field is quarantined. */
  required: z.boolean().default(false).describe('A record without this field is quarantined.'),
  /** Conflict-resolution strategy; defaults to the entity's. */
  strategy: z.enum(strategyNames).optional().describe('Conflict-resolution strategy; defaults to the entity\'s.'),
  /** Source precedence for the `priority` strategy (source names, most trusted first); defaults to the entity's. */
  priority: z.array(identifierSchema).optional().describe('Source precedence for the `priority` strategy (source names, most trusted first); defaults to the entity\'s.'),
  /** The function for `strategy: custom`. */
  custom: customStrategySchema.optional().describe('The function for `strategy: custom`.'),
  /**
   * Let a null from the winning record overwrite a value (for `latest`, `earliest`, `priority`):
   * the source that cleared the field wins. By default nulls never overwrite values.
   */
  nullOverwrites: z.boolean().default(false).describe('Let a null from the winning record overwrite a value (for `latest`, `earliest`, `priority`): the source that cleared the field wins. By default nulls never overwrite values.'),
  /**
   * How to migrate the column when `type` changed since the table was created: `cast` converts
   * it in place (`alter column ... type ... using ...`); `drop_and_refill` drops it and re-merges
   * every row. Without it a type change is refused.
   */
  migrate: z.enum(columnMigrations).optional().describe('How to migrate the column when `type` changed since the table was created: `cast` converts it in place (`alter column ... type ... using ...`); `drop_and_refill` drops it and re-merges every row. Without it a type change is refused.'),
  /** What the field means, for the people who consume it. */
  doc: z.string().optional().describe('What the field means, for the people who consume it.'),
  /**
   * Index the column for the access API's filters and sorting (`?field=eq.x`, `order=field`): a
   * b-tree on (field, _key) over live rows, a GIN index for lists and JSON. Created and dropped
   * with the field's setting when the merge next runs (concurrently, without blocking readers).
   */
  index: z.boolean().default(false).describe('Index the column for the access API\'s filters and sorting (`?field=eq.x`, `order=field`): a b-tree on (field, _key) over live rows, a GIN index for lists and JSON. Created and dropped with the field\'s setting when the merge next runs (concurrently, without blocking readers).'),
});

/** A time-zone-aware timestamp format, e.g. `DD/MM/YYYY HH:mm` in `Europe/Berlin`. */
export const timestampFormatSchema = z.strictObject({
  /** Tokens: YYYY MM M DD D HH H hh h mm ss SSS A (AM/PM) Z (+02:00, +0200 or Z); other letters must be quoted in [brackets]. */
  format: z.string().min(1).describe('Tokens: YYYY MM M DD D HH H hh h mm ss SSS A (AM/PM) Z (+02:00, +0200 or Z); other letters must be quoted in [brackets].'),
  /** IANA time zone of wall-clock times without an offset; defaults to UTC. */
  timezone: z.string().default('UTC').describe('IANA time zone of wall-clock times without an offset; defaults to UTC.'),
});

/** An RE2 regular expression (linear time: no lookaround or backreferences); an invalid one is a config error. */
const patternSchema = z.string().min(1).superRefine((p, ctx) => {
  const problem = regexProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** One transform step applied to a mapped value, in order. */
export const transformSchema = z.union([
  z.enum(['trim', 'lower', 'upper', 'digits', 'null_if_empty', 'epoch_seconds', 'epoch_millis', 'to_string', 'to_number']),
  z.strictObject({ scale: z.number().describe('Multiply a number, e.g. 0.01 for cents -> units.') }),
  z.strictObject({ map: z.record(z.string(), z.unknown()).describe('Replace values by lookup; unknown values pass through.') }),
  z.strictObject({ default: z.unknown().describe('Value used when the mapped value is null or missing.') }),
  z.strictObject({ parse_timestamp: timestampFormatSchema.describe('Parse text in a format and time zone into a timestamp.') }),
  z.strictObject({
    regex_extract: z
      .strictObject({
        /** RE2 pattern searched in the text, e.g. `^plan:(\w+)$`. */
        pattern: patternSchema.describe('RE2 pattern searched in the text, e.g. `^plan:(\\w+)$`.'),
        /** Capture group returned: a number or a name; defaults to 1 when the pattern has a group, else the whole match. */
        group: z.union([z.number().int().min(0), z.string().min(1)]).optional().describe('Capture group returned: a number or a name; defaults to 1 when the pattern has a group, else the whole match.'),
      })
      .describe('The first match of an RE2 pattern (or one of its groups); null when nothing matches.'),
  }),
  z.strictObject({
    regex_replace: z
      .strictObject({
        /** RE2 pattern; every match is replaced. */
        pattern: patternSchema.describe('RE2 pattern; every match is replaced.'),
        /** Replacement; `$1` or `${name}` insert a group. */
        with: z.string().describe('Replacement; `$1` or `${name}` insert a group.'),
      })
      .describe('Replace every match of an RE2 pattern, e.g. { pattern: "^(\\w+), (\\w+)$", with: "$2 $1" }.'),
  }),
  z.strictObject({
    split: z
      .strictObject({
        /** The text between parts (literal, not a pattern). */
        separator: z.string().min(1).describe('The text between parts (literal, not a pattern).'),
        /** The part to keep (0 the first, -1 the last); without it the list of parts. */
        index: z.number().int().optional().describe('The part to keep (0 the first, -1 the last); without it the list of parts.'),
      })
      .describe('Split text by a separator into a list, or keep one part by index.'),
  }),
  z.strictObject({
    pick: z
      .strictObject({
        /** An RFC 9535 filter expression over each element (`@`), e.g. `search(@, '^plan:')` or `@.type == 'primary'`. */
        where: z.string().min(1).describe('An RFC 9535 filter expression over each element (`@`), e.g. `search(@, \'^plan:\')` or `@.type == \'primary\'`.'),
        /** Keep every matching element (a list) instead of the first. */
        all: z.boolean().default(false).describe('Keep every matching element (a list) instead of the first.'),
      })
      .describe('From a list, the first element (or all) matching a JSONPath filter.'),
  }),
  z.strictObject({
    join: z
      .strictObject({
        /** Text put between the elements. */
        separator: z.string().default(', ').describe('Text put between the elements.'),
      })
      .describe('Join a list into text (empty and null elements left out).'),
  }),
]);

/** A transform step. */
export type Transform = z.infer<typeof transformSchema>;

/** The object form of a field mapping: exactly one of `path`, `template`, `concat` or `coalesce`, then transforms. */
const fieldMappingObjectSchema = z
  .strictObject({
    /** JSONPath into the source record, e.g. `$.contact.email`. */
    path: z.string().min(1).optional().describe('JSONPath into the source record, e.g. `$.contact.email`.'),
    /** A template such as `{first_name} {last_name}`; `{name}` is a top-level field (or dotted path) of the record. */
    template: z.string().min(1).optional().describe('A template such as `{first_name} {last_name}`; `{name}` is a top-level field (or dotted path) of the record.'),
    /** JSONPaths whose non-empty values are joined with `separator` (arrays are flattened). */
    concat: z.array(z.string().min(1)).min(1).optional().describe('JSONPaths whose non-empty values are joined with `separator` (arrays are flattened).'),
    /** JSONPaths tried in order: the first that has a value (not null, not empty text) is the value. */
    coalesce: z.array(z.string().min(1)).min(1).optional().describe('JSONPaths tried in order: the first that has a value (not null, not empty text) is the value.'),
    /** Separator for `concat`; defaults to a space. */
    separator: z.string().optional().describe('Separator for `concat`; defaults to a space.'),
    /** Steps applied to the value in order. */
    transforms: z.array(transformSchema).default([]).describe('Steps applied to the value in order.'),
  })
  .superRefine((m, ctx) => {
    const given = (['path', 'template', 'concat', 'coalesce'] as const).filter((k) => m[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `give exactly one of path, template, concat or coalesce${given.length > 1 ? ` (got ${given.join(' and ')})` : ''}` });
    }
    if (m.separator !== undefined && m.concat === undefined) ctx.addIssue({ code: 'custom', path: ['separator'], message: 'separator only applies to concat' });
  });

/** How one entity field is read from a source record: a JSONPath, or a path/template/concat with transforms. */
export const fieldMappingSchema = z.union([z.string().min(1), fieldMappingObjectSchema]);

/** A field mapping: path string or object form. */
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

/**
 * Prefix of a path into the parent record from a child mapping (one with `each`): `$parent.id`,
 * `$parent['a b']`, `$parent.tags[*]`, or `$parent` itself. Other paths read the element.
 */
export const PARENT_PATH = /^\s*\$parent(?=$|[.[\s])/;

/** True when `path` reads the parent record of a child mapping (`$parent...`). */
export function isParentPath(path: string): boolean {
  return PARENT_PATH.test(path);
}

/** Every path a mapping reads: its path, its template placeholders or its concat or coalesce paths. */
export function mappingPaths(mapping: FieldMapping): string[] {
  if (typeof mapping === 'string') return [mapping];
  if (mapping.template !== undefined) return [...mapping.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  return mapping.concat ?? mapping.coalesce ?? (mapping.path === undefined ? [] : [mapping.path]);
}

/** The parts of an entity that hold field mappings (structural, so checks can run before the config is typed). */
export interface EntityMappings {
  readonly sources: Readonly<Record<string, { readonly fields: Readonly<Record<string, FieldMapping>>; readonly updatedAt?: FieldMapping | undefined; readonly each?: string | undefined }>>;
  readonly matchOn: ReadonlyArray<string | { readonly from: Readonly<Record<string, FieldMapping>> }>;
}

/** One field mapping of an entity, with where it is in the config and the stream it reads. */
export interface FieldMappingAt {
  /** The stream it reads (`source.stream`). */
  readonly ref: string;
  /** Its config path, e.g. `['entities', 'customer', 'sources', 'crm.contacts', 'fields', 'email']`. */
  readonly at: Array<string | number>;
  readonly mapping: FieldMapping;
  /** For a child mapping: the JSONPath of the elements its paths are relative to. */
  readonly each?: string;
}

/** Every field mapping of an entity: each stream's fields and `updatedAt`, and the streams' external-id match keys. */
export function fieldMappingsOf(entityName: string, entity: EntityMappings): FieldMappingAt[] {
  const out: FieldMappingAt[] = [];
  for (const [ref, m] of Object.entries(entity.sources)) {
    const at = ['entities', entityName, 'sources', ref];
    const each = m.each === undefined ? {} : { each: m.each };
    for (const [field, mapping] of Object.entries(m.fields)) out.push({ ref, at: [...at, 'fields', field], mapping, ...each });
    if (m.updatedAt !== undefined) out.push({ ref, at: [...at, 'updatedAt'], mapping: m.updatedAt, ...each });
  }
  entity.matchOn.forEach((key, i) => {
    if (typeof key !== 'string') for (const [ref, mapping] of Object.entries(key.from)) out.push({ ref, at: ['entities', entityName, 'matchOn', i, 'from', ref], mapping });
  });
  return out;
}

/** How one source stream maps into an entity. */
export const entitySourceMappingSchema = z.strictObject({
  /** Entity field -> mapping. */
  fields: z.record(identifierSchema, fieldMappingSchema).default({}).describe('Entity field -> mapping.'),
  /** The source-provided last-update time of a record (for `latest`/`earliest`); fetch time is used when absent. */
  updatedAt: fieldMappingSchema.optional().describe('The source-provided last-update time of a record (for `latest`/`earliest`); fetch time is used when absent.'),
  /**
   * A record matching this is a tombstone: its earlier contribution is withdrawn, other sources'
   * stay. `{ path: $.deleted }` alone means `equals: true`; also `in`, `notNull`, `isNull`,
   * `matches`, combined with `all`, `any` and `not`.
   */
  deletedWhen: predicateSchema.optional().describe('A record matching this is a tombstone: its earlier contribution is withdrawn, other sources\' stay. `{ path: $.deleted }` alone means `equals: true`; also `in`, `notNull`, `isNull`, `matches`, combined with `all`, `any` and `not`.'),
  /**
   * A record matching this is not part of the entity: it is counted as skipped and contributes
   * nothing (a contribution it made before is withdrawn). It stays staged, byte-exact.
   */
  skipWhen: predicateSchema.optional().describe('A record matching this is not part of the entity: it is counted as skipped and contributes nothing (a contribution it made before is withdrawn). It stays staged, byte-exact.'),
  /**
   * This stream is a deleted-records feed for another stream (`source.stream`): each record's
   * primary key names a record of that stream whose contribution is withdrawn. No `fields`.
   */
  deletes: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'must be source.stream').optional().describe('This stream is a deleted-records feed for another stream (`source.stream`): each record\'s primary key names a record of that stream whose contribution is withdrawn. No `fields`.'),
  /**
   * For a child entity: JSONPath of the elements (e.g. `$.addresses[*]`). Field and `updatedAt`
   * paths are relative to each element; a path starting with `$parent` reads the whole source
   * record the element came from instead (e.g. `updatedAt: $parent.updated_at`,
   * `{ template: '{$parent.name}: {label}' }`). Without `each`, `$parent` paths are refused.
   */
  each: z.string().min(1).optional().describe('For a child entity: JSONPath of the elements (e.g. `$.addresses[*]`). Field and `updatedAt` paths are relative to each element; a path starting with `$parent` reads the whole source record the element came from instead (e.g. `updatedAt: $parent.updated_at`, `{ template: \'{$parent.name}: {label}\' }`). Without `each`, `$parent` paths are refused.'),
});

/** An external-id match key: read per source stream, not an entity field. */
export const matchKeySchema = z.strictObject({
  /** Name of the key (e.g. `crm_id`); must not be a field name. */
  key: identifierSchema.describe('Name of the key (e.g. `crm_id`); must not be a field name.'),
  /** Per `source.stream`: where that stream holds the id, e.g. `{ crm.contacts: $.id, billing.customers: $.crm_ref }`. */
  from: z.record(z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'must be source.stream'), fieldMappingSchema).describe('Per `source.stream`: where that stream holds the id, e.g. `{ crm.contacts: $.id, billing.customers: $.crm_ref }`.'),
});

/** A match key: an entity field name, or an external-id map. */
export type MatchKeyConfig = string | z.infer<typeof matchKeySchema>;

/** A unified entity: one typed table merged from several source streams. */
export const entitySchema = z
  .strictObject({
    /** Table name; defaults to the entity name. */
    table: identifierSchema.optional().describe('Table name; defaults to the entity name.'),
    /** What the entity is. */
    doc: z.string().optional().describe('What the entity is.'),
    /** The entity's fields. */
    fields: z.record(identifierSchema, entityFieldSchema).describe('The entity\'s fields.'),
    /**
     * What identifies the same real-world thing across sources, most reliable first: field
     * names (values normalized: trimmed, lower-case) and external-id maps. A record links to an
     * existing entity through any of them; a record linking two entities merges them.
     */
    matchOn: z.array(z.union([identifierSchema, matchKeySchema])).default([]).describe('What identifies the same real-world thing across sources, most reliable first: field names (values normalized: trimmed, lower-case) and external-id maps. A record links to an existing entity through any of them; a record linking two entities merges them.'),
    /** For a child entity (e.g. a customer's addresses): the parent entity's name. */
    parent: identifierSchema.optional().describe('For a child entity (e.g. a customer\'s addresses): the parent entity\'s name.'),
    /** For a child entity: fields identifying a child within its parent (e.g. `[kind]`); rows are keyed by parent key + these. */
    childKey: z.array(identifierSchema).optional().describe('For a child entity: fields identifying a child within its parent (e.g. `[kind]`); rows are keyed by parent key + these.'),
    /** Default conflict-resolution strategy for fields that name none. */
    defaultStrategy: z.enum(strategyNames).default('latest').describe('Default conflict-resolution strategy for fields that name none.'),
    /** Default source precedence for `priority`, most trusted first. */
    priority: z.array(identifierSchema).default([]).describe('Default source precedence for `priority`, most trusted first.'),
    /** Mappings keyed by `source.stream`. */
    sources: z.record(z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'must be source.stream'), entitySourceMappingSchema).describe('Mappings keyed by `source.stream`.'),
    /** Quarantine policy: by default bad records are quarantined and counted, and the merge goes on. */
    quarantine: z
      .strictObject({
        /** Fail the merge (nothing applied) when more than this fraction of the records read was quarantined, e.g. 0.1. */
        failAbove: z.number().min(0).max(1).optional().describe('Fail the merge (nothing applied) when more than this fraction of the records read was quarantined, e.g. 0.1.'),
      })
      .default({}),
    /**
     * Columns whose field was removed from config: `keep` leaves the column (no longer written),
     * `drop` drops it with its data. Without an entry, a removed field is refused.
     */
    removedFields: z.record(identifierSchema, z.enum(['keep', 'drop'])).default({}).describe('Columns whose field was removed from config: `keep` leaves the column (no longer written), `drop` drops it with its data. Without an entry, a removed field is refused.'),
  })
  .superRefine((e, ctx) => {
    if (e.parent === undefined && e.matchOn.length === 0) ctx.addIssue({ code: 'custom', path: ['matchOn'], message: 'give at least one match key (or a parent for a child entity)' });
    if (e.parent !== undefined && (e.childKey === undefined || e.childKey.length === 0)) ctx.addIssue({ code: 'custom', path: ['childKey'], message: 'a child entity needs childKey: the fields identifying a child within its parent' });
    if (e.parent === undefined && e.childKey !== undefined) ctx.addIssue({ code: 'custom', path: ['childKey'], message: 'childKey only applies to a child entity (with parent)' });
    const fieldNames = Object.keys(e.fields);
    const valid = fieldNames.join(', ');
    (e.childKey ?? []).forEach((f, i) => {
      if (!e.fields[f]) ctx.addIssue({ code: 'custom', path: ['childKey', i], message: `unknown field "${f}"; valid: ${valid}` });
    });
    for (const [field, f] of Object.entries(e.fields)) {
      const strategy = f.strategy ?? e.defaultStrategy;
      if (strategy === 'custom' && !f.custom) ctx.addIssue({ code: 'custom', path: ['fields', field, 'custom'], message: 'strategy custom needs custom: { module, export }' });
      if (f.custom && strategy !== 'custom') ctx.addIssue({ code: 'custom', path: ['fields', field, 'custom'], message: `custom only applies to strategy custom (the strategy is ${strategy})` });
      if ((strategy === 'sum' || strategy === 'max' || strategy === 'min') && f.array) ctx.addIssue({ code: 'custom', path: ['fields', field, 'strategy'], message: `${strategy} needs a scalar field; use union for arrays` });
      if (strategy === 'sum' && f.type !== 'integer' && f.type !== 'decimal') ctx.addIssue({ code: 'custom', path: ['fields', field, 'strategy'], message: `sum needs an integer or decimal field, not ${f.type}` });
    }
    for (const removed of Object.keys(e.removedFields)) {
      if (e.fields[removed]) ctx.addIssue({ code: 'custom', path: ['removedFields', removed], message: `"${removed}" is still a field; remove it from removedFields` });
    }
    for (const [ref, m] of Object.entries(e.sources)) {
      if (m.deletes !== undefined && (Object.keys(m.fields).length > 0 || m.each !== undefined || m.deletedWhen !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['sources', ref, 'deletes'], message: 'a deleted-records feed has no fields, each or deletedWhen' });
      }
      if (m.each !== undefined && e.parent === undefined) ctx.addIssue({ code: 'custom', path: ['sources', ref, 'each'], message: 'each only applies to a child entity (with parent)' });
      if (m.each === undefined) {
        const mapped: Array<[Array<string | number>, FieldMapping]> = Object.entries(m.fields).map(([f, fm]) => [['fields', f], fm]);
        if (m.updatedAt !== undefined) mapped.push([['updatedAt'], m.updatedAt]);
        for (const [path, fm] of mapped) {
          const parentPath = mappingPaths(fm).find(isParentPath);
          if (parentPath !== undefined) ctx.addIssue({ code: 'custom', path: ['sources', ref, ...path], message: `"${parentPath.trim()}" reads a parent record, which only a child mapping (with each) has` });
        }
      }
    }
  });

/** Validated entity config. */
export type EntityConfig = z.infer<typeof entitySchema>;
/** Validated entity field config. */
export type EntityFieldConfig = z.infer<typeof entityFieldSchema>;
/** Validated source mapping config. */
export type EntitySourceMapping = z.infer<typeof entitySourceMappingSchema>;
