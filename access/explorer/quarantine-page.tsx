import type { QuarantinedRecord } from './explorer-queries.js';
import { Head, Json, Time } from './page-layout.js';

/** What the quarantine page shows. */
export interface QuarantineView {
  /** Entities the caller may read, for the filter. */
  readonly entities: readonly string[];
  /** The entity filtered on, if any. */
  readonly entity?: string | undefined;
  readonly counts: ReadonlyArray<{ entity: string; reason: string; n: number }>;
  readonly records: readonly QuarantinedRecord[];
  /** The id to page on from, when there are more. */
  readonly before: string | null;
}

/** Records the merge refused, per entity: counts per reason, then each record with its reasons and raw payload. */
export function QuarantinePage(props: { view: QuarantineView }) {
  const v = props.view;
  return (
    <>
      <h1>Quarantine{v.entity ? `: ${v.entity}` : ''}</h1>
      <p class="lead">Source records that broke the entity's schema. They are kept with their raw payload; the rest of the run merged.</p>
      <form class="filters" method="get" action="/quarantine">
        <label for="q-entity">
          Entity
          <select id="q-entity" name="entity">
            <option value="">all</option>
            {v.entities.map((e) => (
              <option value={e} selected={e === v.entity}>
                {e}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Show</button>
      </form>
      <h2 id="reasons">By reason</h2>
      {v.counts.length === 0 ? (
        <p>Nothing is quarantined.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <Head columns={['Entity', 'Reason', { label: 'Records', num: true }]} />
            <tbody>
              {v.counts.map((c) => (
                <tr>
                  <td>{c.entity}</td>
                  <td>{c.reason}</td>
                  <td class="num">{c.n}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 id="records">Records</h2>
      {v.records.map((q) => (
        <section class="card" aria-label={`Quarantined ${q.source}.${q.stream} record ${q.source_key ?? ''}`}>
          <p>
            <strong>{q.entity}</strong> from <strong>{`${q.source}.${q.stream}`}</strong> record <code>{q.source_key ?? '(no key)'}</code> · run {q.run_id} · <Time at={q.created_at} />
          </p>
          <ul>
            {q.reason.split('; ').map((r) => (
              <li>{r}</li>
            ))}
          </ul>
          <details>
            <summary>Raw payload</summary>
            <Json value={q.payload} label={`Raw payload of quarantined record ${q.source_key ?? ''}`} />
          </details>
        </section>
      ))}
      {v.before ? (
        <p class="pager">
          <a href={`/quarantine?${new URLSearchParams({ ...(v.entity ? { entity: v.entity } : {}), before: v.before }).toString()}`} rel="next">
            Older records
          </a>
        </p>
      ) : null}
    </>
  );
}
