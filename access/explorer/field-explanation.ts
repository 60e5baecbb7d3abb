import type { EntityConfig, StrategyName } from '../../config/entities/entity-config.js';
import type { SourceRecordView } from '../lineage-query.js';

/** One source record's value for a field. */
export interface Candidate {
  readonly source: string;
  readonly stream: string;
  readonly key: string;
  readonly value: unknown;
  /** The record's update time, else its fetch time (what `latest`/`earliest` compare). */
  readonly at: string | null;
  /** The record was withdrawn (deleted upstream): it no longer takes part. */
  readonly withdrawn: boolean;
  /** The record supplied (or, for `union`/`sum`/`custom`, took part in) the entity's value. */
  readonly winner: boolean;
}

/** Why a field of an entity has its value. */
export interface FieldExplanation {
  readonly field: string;
  readonly value: unknown;
  readonly strategy: StrategyName;
  /** The strategy's rule in words, with its source order where it has one. */
  readonly rule: string;
  /** Every contributing record that maps the field, winners first. */
  readonly candidates: readonly Candidate[];
}

/** A provenance entry as the merge stores it in `_provenance`. */
interface Origin {
  readonly source: string;
  readonly stream: string;
  readonly key: string;
}

/**
 * Explains every field of one entity row: the strategy that decided it, in words, and every
 * source record's candidate value, marking the record(s) the stored provenance names as winners.
 * Records that do not map the field are left out; withdrawn ones are listed but never win.
 */
export function explainFields(entity: EntityConfig, row: Record<string, unknown>, records: readonly SourceRecordView[]): FieldExplanation[] {
  const provenance = (row._provenance ?? {}) as Record<string, Origin | Origin[] | null>;
  return Object.entries(entity.fields).map(([field, config]) => {
    const strategy = config.strategy ?? entity.defaultStrategy;
    const origins = [provenance[field] ?? []].flat();
    const won = (r: SourceRecordView) => origins.some((o) => o.source === r.source && o.stream === r.stream && o.key === r.source_key);
    const candidates = records
      .filter((r) => Object.hasOwn((r.values ?? {}) as object, field))
      .map((r) => ({
        source: r.source,
        stream: r.stream,
        key: r.source_key,
        value: (r.values as Record<string, unknown>)[field] ?? null,
        at: isoOf(r.source_updated_at ?? r.fetched_at),
        withdrawn: r.deleted_at !== null,
        winner: r.deleted_at === null && won(r),
      }))
      .sort((a, b) => Number(b.winner) - Number(a.winner));
    return { field, value: row[field] ?? null, strategy, rule: strategyRule(strategy, entity, field), candidates };
  });
}

/** The rule of a field's strategy in words, e.g. `priority: the first of crm, billing with a value wins`. */
export function strategyRule(strategy: StrategyName, entity: EntityConfig, field: string): string {
  const config = entity.fields[field]!;
  const nulls = config.nullOverwrites ? ' (a null counts as a value: nullOverwrites)' : '; nulls never overwrite a value';
  switch (strategy) {
    case 'priority': {
      const order = config.priority ?? entity.priority;
      return `the value of the most trusted source wins, in the order ${order.length ? order.join(', ') : '(none configured)'}; sources not listed come last${nulls}`;
    }
    case 'latest':
      return `the value of the most recently updated record wins (its updatedAt, else when it was fetched)${nulls}`;
    case 'earliest':
      return `the value of the least recently updated record wins (its updatedAt, else when it was fetched)${nulls}`;
    case 'first_non_null':
      return `the first source with a value wins, in the order the entity maps them: ${Object.keys(entity.sources).map((s) => s.split('.')[0]).filter((s, i, all) => all.indexOf(s) === i).join(', ')}`;
    case 'max':
      return 'the largest value wins';
    case 'min':
      return 'the smallest value wins';
    case 'union':
      return 'the distinct values of every source are combined';
    case 'sum':
      return 'the values of every source are added up';
    case 'custom':
      return `decided by the function ${config.custom?.export ?? 'default'} of ${config.custom?.module ?? '(no module)'}`;
  }
}

function isoOf(v: Date | string | null): string | null {
  if (v === null) return null;
  return v instanceof Date ? v.toISOString() : new Date(v).toISOString();
}
