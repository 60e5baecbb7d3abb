import type { EntityConfig } from '../../config/entities/entity-config.js';

/** One entity on the overview. */
export interface EntitySummaryView {
  readonly name: string;
  readonly entity: EntityConfig;
  readonly rows: number;
  readonly quarantined: number;
}

/** What the overview shows. */
export interface OverviewView {
  readonly entities: readonly EntitySummaryView[];
  /** Stale and all source streams, when the caller may see runs. */
  readonly freshness?: { readonly stale: number; readonly total: number } | undefined;
}

/** The landing page: every readable entity with its row count, and the sources' freshness in one line. */
export function OverviewPage(props: { view: OverviewView }) {
  const v = props.view;
  return (
    <>
      <h1>Overview</h1>
      <p class="lead">The consolidated data, where each value came from, and how fresh every source is.</p>
      {v.freshness ? (
        <p class={v.freshness.stale > 0 ? 'notice warn' : 'notice'}>
          {v.freshness.stale > 0 ? `${v.freshness.stale} of ${v.freshness.total} source streams are stale. ` : `All ${v.freshness.total} source streams are fresh. `}
          <a href="/sources">Sources and runs</a>
        </p>
      ) : null}
      <div class="grid">
        {v.entities.map((e) => (
          <section class="card" aria-labelledby={`entity-${e.name}`}>
            <h2 id={`entity-${e.name}`}>
              <a href={`/entities/${e.name}`}>{e.name}</a>
            </h2>
            {e.entity.doc ? <p>{e.entity.doc}</p> : null}
            <p>
              {`${e.rows.toLocaleString('en')} rows · ${Object.keys(e.entity.fields).length} fields · from ${[...new Set(Object.keys(e.entity.sources).map((s) => s.split('.')[0]))].join(', ')}`}
              {e.entity.parent ? ` · child of ${e.entity.parent}` : ''}
            </p>
            {e.quarantined > 0 ? (
              <p>
                <a href={`/quarantine?entity=${e.name}`}>{`${e.quarantined} quarantined records`}</a>
              </p>
            ) : null}
          </section>
        ))}
      </div>
      <p>
        The same data as JSON: <a href="/openapi.json">OpenAPI document</a>, <code>/v1/entities/&lt;entity&gt;</code> and <code>/graphql</code>.
      </p>
    </>
  );
}
