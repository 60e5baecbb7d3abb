import { type InferredField, fieldNameOf } from './record-schema.js';

/** An onboarding request that cannot be satisfied, with what to do. */
export class OnboardError extends Error {
  /** Stable error code. */
  readonly code = 'ONBOARD_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'OnboardError';
  }
}

/** What onboarding inferred: config fragments for one source, its stream, an entity and a pipeline, and what to check. */
export interface OnboardPlan {
  readonly sourceName: string;
  /** The source's config (`sources.<sourceName>`), one stream. */
  readonly source: Record<string, unknown>;
  readonly streamName: string;
  readonly entityName: string;
  /** The entity skeleton (`entities.<entityName>`). */
  readonly entity: Record<string, unknown>;
  /** The pipeline (`pipelines.<sourceName>`). */
  readonly pipeline: Record<string, unknown>;
  /** Environment variables the auth reads (`env:NAME`): set them, or put them in a `.env` next to the config. */
  readonly secrets: readonly string[];
  /** What was inferred and what a person should check, one line each. */
  readonly notes: readonly string[];
}

/** Names the user may give, or that are derived. */
export interface OnboardNames {
  readonly sourceName: string;
  readonly streamName: string;
  readonly entityName?: string;
}

/**
 * The entity skeleton over inferred fields: every field typed, mapped from the stream by its
 * JSONPath, matched on the primary key's field (a single-source entity; a shared key such as an
 * e-mail address merges it with other sources), `updatedAt` from the record's update time.
 */
export function entitySkeleton(ref: string, fields: readonly InferredField[], primaryKey: string | undefined, updatedAt: string | undefined): { entity: Record<string, unknown>; notes: string[] } {
  const notes: string[] = [];
  const match = fields.find((f) => f.property === primaryKey)?.name ?? fields[0]?.name ?? 'id';
  const email = fields.find((f) => f.name === 'email');
  if (email) notes.push(`the records have an email field: add it to matchOn to merge this entity with other sources' records of the same person`);
  const mappings: Record<string, string> = {};
  const typed: Record<string, Record<string, unknown>> = {};
  for (const f of fields) {
    typed[f.name] = { type: f.type, ...(f.array ? { array: true } : {}), ...(f.name === match ? { required: true } : {}) };
    mappings[f.name] = f.path;
  }
  if (fields.length === 0) {
    typed.id = { type: 'string', required: true };
    mappings.id = '$.id';
    notes.push('no record schema was found: the entity has one field, id; add the fields you need');
  }
  const updated = updatedAt === undefined ? undefined : fields.find((f) => f.property === updatedAt);
  if (updated && updated.type !== 'timestamp') notes.push(`updatedAt reads ${updated.path}, typed ${updated.type}: if it is epoch seconds, map it with transforms: [epoch_seconds]`);
  return {
    entity: {
      matchOn: [match],
      fields: typed,
      sources: { [ref]: { ...(updated ? { updatedAt: updated.type === 'integer' ? { path: updated.path, transforms: ['epoch_seconds'] } : updated.path } : {}), fields: mappings } },
    },
    notes,
  };
}

/** An entity name from a stream name: `contacts` → `contact`. */
export function entityNameOf(stream: string): string {
  const name = fieldNameOf(stream);
  return name.endsWith('ies') ? `${name.slice(0, -3)}y` : name.endsWith('ses') ? name.slice(0, -2) : name.endsWith('s') && !name.endsWith('ss') ? name.slice(0, -1) : name;
}
