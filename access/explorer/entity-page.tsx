import type { EntityConfig } from '../../config/entities/entity-config.js';
import type { SourceRecordView } from '../lineage-query.js';
import type { MergedKey, QuarantinedRecord } from './explorer-queries.js';
import type { FieldExplanation } from './field-explanation.js';
import { Badge, Head, Json, Time, Value } from './page-layout.js';

/** A child entity's rows under this entity. */
export interface ChildSection {
  readonly name: string;
  readonly entity: EntityConfig;
  readonly rows: readonly Record<string, unknown>[];
}

/** What the one-entity page shows. */
export interface EntityView {
  readonly name: string;
  readonly entity: EntityConfig;
  readonly row: Record<string, unknown>;
  readonly fields: readonly FieldExplanation[];
  readonly records: readonly SourceRecordView[];
  readonly mergedFrom: readonly MergedKey[];
  readonly children: readonly ChildSection[];
  readonly quarantine: readonly QuarantinedRecord[];
  /** The merged-away key the reader followed to get here. */
  readonly followedFrom?: string | undefined;
}

/** `source.stream` and the record key, for a winning record. */
function Origin(props: { from: unknown }) {
  const list = [props.from ?? []].flat() as Array<{ source?: string; stream?: string; key?: string; at?: string }>;
  if (list.length === 0) return <span class="null">no source had a value</span>;
  if (list.length > 1) return <>{`${list.length} records (${[...new Set(list.map((o) => o.source))].join(', ')})`}</>;
  const o = list[0]!;
  return (
    <>
      <strong>{o.source}</strong>
      {`.${o.stream} · record ${o.key} · `}
      <Time at={o.at} />
    </>
  );
}

/**
 * One entity: every field's value with its winning source record, a "why" panel per field
 * (the strategy's rule and every source's candidate, the winner marked), the keys merged into
 * it, its child rows, the contributing source records with their raw payloads, and its
 * deletion and quarantine state.
 */
export function EntityPage(props: { view: EntityView }) {
  const v = props.view;
  const row = v.row;
  const key = String(row._key);
  const provenance = (row._provenance ?? {}) as Record<string, unknown>;
  const deleted = row._deleted_at !== null && row._deleted_at !== undefined;
  return (
    <>
      <p>
        <a href={`/entities/${v.name}`}>{`← all ${v.name} rows`}</a>
      </p>
      <h1>
        {v.name} <code>{key}</code>
      </h1>
      {v.followedFrom ? (
        <p class="notice" role="status">
          You followed <code>{v.followedFrom}</code>, which was merged into this {v.name}: a record linked the two, so they are one.
        </p>
      ) : null}
      {deleted ? (
        <p class="notice bad" role="status">
          Deleted <Time at={row._deleted_at as Date} />
          {row._deleted_by ? ` by ${String(row._deleted_by)}` : ''}: every source withdrew its records. The API answers 404 for this key.
        </p>
      ) : null}
      <dl class="facts">
        <dt>Sources</dt>
        <dd>
          <Value value={row._sources} />
        </dd>
        <dt>First seen</dt>
        <dd>
          <Time at={row._first_seen as Date} />
        </dd>
        <dt>Last changed</dt>
        <dd>
          <Time at={row._last_changed as Date} /> {row._last_run_id ? `(run ${String(row._last_run_id)})` : ''}
        </dd>
        {v.entity.parent && row._parent_key ? (
          <>
            <dt>Parent</dt>
            <dd>
              <a href={`/entities/${v.entity.parent}/${encodeURIComponent(String(row._parent_key))}`}>{`${v.entity.parent} ${String(row._parent_key)}`}</a>
            </dd>
          </>
        ) : null}
        <dt>State</dt>
        <dd>
          {deleted ? <Badge tone="bad">deleted</Badge> : <Badge tone="ok">live</Badge>}{' '}
          {v.quarantine.length > 0 ? <Badge tone="warn">{`${v.quarantine.length} quarantined version(s)`}</Badge> : null}
        </dd>
      </dl>

      <h2 id="fields">Fields</h2>
      <div class="table-wrap">
        <table>
          <Head columns={['Field', 'Value', 'Supplied by', 'Why']} />
          <tbody>
            {v.fields.map((f) => (
              <tr id={`field-${f.field}`}>
                <th scope="row">{f.field}</th>
                <td>
                  <Value value={f.value} />
                </td>
                <td>
                  <Origin from={provenance[f.field]} />
                </td>
                <td>
                  <details class="why" data-field={f.field}>
                    <summary>{`${f.strategy}: ${f.candidates.length} candidate${f.candidates.length === 1 ? '' : 's'}`}</summary>
                    <p class="rule">
                      <strong>{f.strategy}</strong>: {f.rule}.
                    </p>
                    {f.candidates.length === 0 ? (
                      <p>No source maps this field.</p>
                    ) : (
                      <table>
                        <caption class="sr-only">{`Candidates for ${f.field}`}</caption>
                        <Head columns={['Source', 'Record', 'Value', 'As of', 'Outcome']} />
                        <tbody>
                          {f.candidates.map((c) => (
                            <tr class={c.winner ? 'winner' : undefined} data-source={c.source}>
                              <td>{`${c.source}.${c.stream}`}</td>
                              <td>{c.key}</td>
                              <td>
                                <Value value={c.value} />
                              </td>
                              <td>
                                <Time at={c.at} />
                              </td>
                              <td>{c.winner ? <Badge tone="ok">winner</Badge> : c.withdrawn ? <Badge tone="bad">withdrawn</Badge> : <Badge tone="info">outranked</Badge>}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    )}
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {v.mergedFrom.length > 0 ? (
        <>
          <h2 id="merged">Merged into this {v.name}</h2>
          <ul>
            {v.mergedFrom.map((m) => (
              <li>
                <code>{m.from_key}</code> merged <Time at={m.merged_at} /> in run {m.run_id}; its URL redirects here.
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {v.children.map((c) => (
        <>
          <h2 id={`children-${c.name}`}>{`${c.name} (${c.rows.length})`}</h2>
          {c.rows.length === 0 ? (
            <p>None.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <Head columns={['_key', ...Object.keys(c.entity.fields)]} />
                <tbody>
                  {c.rows.map((r) => (
                    <tr>
                      <th scope="row">
                        <a href={`/entities/${c.name}/${encodeURIComponent(String(r._key))}`}>{String(r._key)}</a>
                      </th>
                      {Object.keys(c.entity.fields).map((f) => (
                        <td>
                          <Value value={r[f]} />
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ))}

      <h2 id="records">Source records ({v.records.length})</h2>
      {v.records.map((r) => (
        <section class="card" aria-label={`${r.source}.${r.stream} record ${r.source_key}`}>
          <p>
            <strong>{`${r.source}.${r.stream}`}</strong> record <code>{r.source_key}</code> {r.deleted_at ? <Badge tone="bad">withdrawn</Badge> : null}
            <br />
            updated <Time at={r.source_updated_at} />, fetched <Time at={r.fetched_at} /> in run {r.run_id}
          </p>
          <details>
            <summary>Mapped values</summary>
            <Json value={r.values} label={`Mapped values of ${r.source_key}`} />
          </details>
          <details>
            <summary>Raw payload{r.raw_fetched_at ? '' : ' (pruned by retention)'}</summary>
            {r.raw === null ? <p>The staged page holding it was pruned by the retention policy.</p> : <Json value={r.raw} label={`Raw payload of ${r.source_key}`} />}
          </details>
        </section>
      ))}

      {v.quarantine.length > 0 ? (
        <>
          <h2 id="quarantine">Quarantined versions</h2>
          <p>Newer versions of these records broke the schema; the entity keeps their last good values.</p>
          {v.quarantine.map((q) => (
            <section class="card" aria-label={`Quarantined ${q.source}.${q.stream} record ${q.source_key ?? ''}`}>
              <p>
                <strong>{`${q.source}.${q.stream}`}</strong> record <code>{q.source_key ?? '(no key)'}</code>, run {q.run_id}, <Time at={q.created_at} />
              </p>
              <p>{q.reason}</p>
              <details>
                <summary>Raw payload</summary>
                <Json value={q.payload} label={`Quarantined payload of ${q.source_key ?? ''}`} />
              </details>
            </section>
          ))}
        </>
      ) : null}
    </>
  );
}
