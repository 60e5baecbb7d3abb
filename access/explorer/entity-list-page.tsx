import type { EntityConfig } from '../../config/entities/entity-config.js';
import type { QueryableColumn } from '../entity-fields.js';
import { FILTER_OPS } from '../entity-filter.js';
import type { EntityListQuery } from '../entity-query.js';
import { Value } from './page-layout.js';

/** What the entity list page shows. */
export interface EntityListView {
  readonly name: string;
  readonly entity: EntityConfig;
  readonly columns: ReadonlyMap<string, QueryableColumn>;
  readonly query: EntityListQuery;
  /** The request's own parameters (filters, order, select, limit, updated_since, cursor). */
  readonly params: ReadonlyArray<readonly [string, string]>;
  readonly rows: readonly Record<string, unknown>[];
  readonly nextCursor: string | null;
  /** Rows matching the filters (all pages). */
  readonly count: number;
  /** Set when the parameters were refused: the page shows the message instead of rows. */
  readonly error?: string | undefined;
}

/** Parameters of the explorer's own forms, folded into the API's parameters by the route. */
const FORM_PARAMS = new Set(['cursor']);

/** `?a=1&b=2` from pairs. */
export function queryString(params: ReadonlyArray<readonly [string, string]>): string {
  const text = new URLSearchParams(params as [string, string][]).toString();
  return text ? `?${text}` : '';
}

/**
 * One entity's rows: a filter builder over its typed fields, the active filters as removable
 * chips, a column choice, sortable headers, the total count and keyset paging — the same
 * parameters as `GET /v1/entities/<entity>`, so a page's URL doubles as an API example.
 */
export function EntityListPage(props: { view: EntityListView }) {
  const v = props.view;
  const base = `/entities/${v.name}`;
  const kept = v.params.filter(([k]) => !FORM_PARAMS.has(k));
  const filters = kept.map((p, i) => [p, i] as const).filter(([[k]]) => v.columns.has(k));
  const without = (i: number) => base + queryString(kept.filter((_, j) => j !== i));
  const orderText = kept.find(([k]) => k === 'order')?.[1];
  const sortLink = (col: string) => {
    const desc = orderText === `${col}.asc` || orderText === col;
    return base + queryString([...kept.filter(([k]) => k !== 'order'), ['order', `${col}.${desc ? 'desc' : 'asc'}`]]);
  };
  const sortState = (col: string): 'ascending' | 'descending' | undefined => {
    if (orderText === undefined) return col === '_last_changed' ? 'ascending' : undefined;
    const first = orderText.split(',')[0]!;
    if (first === col || first === `${col}.asc`) return 'ascending';
    if (first === `${col}.desc`) return 'descending';
    return undefined;
  };
  const filterable = [...v.columns.values()];
  const selected = new Set(v.query.select);
  return (
    <>
      <h1>{v.name}</h1>
      {v.entity.doc ? <p class="lead">{v.entity.doc}</p> : null}
      {v.entity.parent ? (
        <p>
          Child of <a href={`/entities/${v.entity.parent}`}>{v.entity.parent}</a>: each row belongs to one {v.entity.parent}; open a {v.entity.parent} to see its {v.name} rows.
        </p>
      ) : null}

      <form class="filters" method="get" action={base} aria-label="Add a filter">
        {kept.map(([k, val]) => (
          <input type="hidden" name={k} value={val} />
        ))}
        <label for="add_field">
          Field
          <select id="add_field" name="add_field">
            {filterable.map((c) => (
              <option value={c.name}>{`${c.name} (${c.array ? `list of ${c.type}` : c.type})`}</option>
            ))}
          </select>
        </label>
        <label for="add_op">
          Operator
          <select id="add_op" name="add_op">
            {FILTER_OPS.map((op) => (
              <option value={op}>{op}</option>
            ))}
          </select>
        </label>
        <label for="add_value">
          Value
          <input id="add_value" name="add_value" type="text" placeholder="value" />
        </label>
        <button class="primary" type="submit">
          Add filter
        </button>
      </form>

      {filters.length > 0 || kept.some(([k]) => k === 'updated_since') ? (
        <ul class="chips" aria-label="Active filters">
          {kept.map(([k, val], i) =>
            v.columns.has(k) || k === 'updated_since' ? (
              <li>
                <code>{`${k}=${val}`}</code>{' '}
                <a href={without(i)} aria-label={`Remove filter ${k}=${val}`}>
                  remove
                </a>
              </li>
            ) : null,
          )}
        </ul>
      ) : null}

      <details class="columns">
        <summary>Columns ({v.query.select.length} of {v.columns.size + 1})</summary>
        <form method="get" action={base}>
          {kept
            .filter(([k]) => k !== 'select')
            .map(([k, val]) => (
              <input type="hidden" name={k} value={val} />
            ))}
          <input type="hidden" name="cols_chosen" value="1" />
          <fieldset>
            <legend>Show these columns</legend>
            {[...v.columns.keys(), '_provenance'].map((c) => (
              <label>
                <input type="checkbox" name="cols" value={c} checked={selected.has(c)} /> {c}
              </label>
            ))}
          </fieldset>
          <p>
            <button type="submit">Show columns</button>
          </p>
        </form>
      </details>

      {v.error ? (
        <p class="notice bad" role="alert">
          {v.error}
        </p>
      ) : (
        <>
          <p aria-live="polite" id="count">
            <strong>{v.count.toLocaleString('en')}</strong> {v.count === 1 ? 'row matches' : 'rows match'}
            {v.params.some(([k]) => k === 'cursor') ? ' (showing a later page)' : ''}.
          </p>
          <div class="table-wrap">
            <table class="rows">
              <caption class="sr-only">{`${v.name} rows`}</caption>
              <thead>
                <tr>
                  {v.query.select.map((c) => {
                    const col = v.columns.get(c);
                    const sortable = col && !col.array && col.type !== 'json';
                    return (
                      <th scope="col" aria-sort={sortState(c)}>
                        {sortable ? <a href={sortLink(c)}>{c}</a> : c}
                        {sortState(c) === 'ascending' ? ' ▲' : sortState(c) === 'descending' ? ' ▼' : ''}
                      </th>
                    );
                  })}
                </tr>
              </thead>
              <tbody>
                {v.rows.map((r) => (
                  <tr>
                    {v.query.select.map((c) =>
                      c === '_key' ? (
                        <th scope="row">
                          <a href={`${base}/${encodeURIComponent(String(r._key))}`}>{String(r._key)}</a>
                        </th>
                      ) : (
                        <td class={typeof r[c] === 'number' ? 'num' : undefined}>
                          <Value value={r[c]} />
                        </td>
                      ),
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label="Pages">
            {v.params.some(([k]) => k === 'cursor') ? <a href={base + queryString(kept)}>First page</a> : null}
            {v.nextCursor ? (
              <a href={base + queryString([...kept, ['cursor', v.nextCursor]])} rel="next">
                Next page
              </a>
            ) : (
              <span>Last page</span>
            )}
            <a href={`/v1/entities/${v.name}${queryString(v.params)}`}>This page as JSON</a>
          </nav>
        </>
      )}
    </>
  );
}
