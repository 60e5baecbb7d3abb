import type { SourceFreshness } from '../../observability/freshness.js';
import { formatMs } from '../../observability/freshness.js';
import type { RunRow } from '../../store/run-store.js';
import { Badge, Head, Time, statusTone } from './page-layout.js';
import { type RunPoint, RunChart } from './run-chart.js';

/** An open alert as the board lists it. */
export interface AlertView {
  readonly pipeline: string;
  readonly reason: string;
  readonly source: string | null;
  readonly stream: string | null;
  readonly message: string;
  readonly since: Date;
  readonly occurrences: number;
}

/** What the sources-and-runs page shows. */
export interface SourcesView {
  readonly freshness: readonly SourceFreshness[];
  readonly alerts: readonly AlertView[];
  /** Newest first. */
  readonly runs: readonly RunRow[];
  readonly temporalUrl: (runId: string) => string | null;
  readonly charts: ReadonlyArray<{ source: string; points: readonly RunPoint[] }>;
}

/** A stream's per-run outcome as the summary stores it. */
interface StreamOutcome {
  readonly source: string;
  readonly stream: string;
  readonly status: string;
  readonly records?: number;
  readonly error?: string;
}

/** A run's per-source outcomes from its summary. */
export function streamsOf(run: RunRow): StreamOutcome[] {
  return ((run.summary ?? {}) as { streams?: StreamOutcome[] }).streams ?? [];
}

/**
 * The freshness board (each source stream: last success, stale and why, last error), the open
 * alerts, a chart of records fetched and merged per run for each source, and the runs with
 * per-source counts, duration and status, each linking to its workflow in the Temporal UI.
 */
export function SourcesPage(props: { view: SourcesView }) {
  const v = props.view;
  const stale = v.freshness.filter((f) => f.stale).length;
  return (
    <>
      <h1>Sources and runs</h1>
      <p class="lead">
        {stale === 0 ? 'Every source stream is fresh.' : `${stale} of ${v.freshness.length} source streams are stale.`} A stream is stale when its last successful fetch is older than its schedule allows.
      </p>

      <h2 id="freshness">Freshness</h2>
      <div class="table-wrap">
        <table id="freshness-board">
          <Head columns={['Stream', 'Pipeline', 'State', 'Last success', 'Why / last error']} />
          <tbody>
            {v.freshness.map((f) => {
              const state = f.paused ? 'paused' : f.stale ? 'stale' : f.lastSuccessAt ? 'fresh' : 'waiting';
              return (
                <tr data-stream={`${f.source}.${f.stream}`} data-state={state}>
                  <th scope="row">{`${f.source}.${f.stream}`}</th>
                  <td>{f.pipeline}</td>
                  <td>
                    <Badge tone={statusTone(state)}>{state}</Badge>
                  </td>
                  <td>
                    <Time at={f.lastSuccessAt} />
                    {f.ageMs !== null ? ` (${formatMs(f.ageMs) || '0s'} ago)` : ''}
                  </td>
                  <td>
                    {f.reason ?? (f.lastError ? `last error: ${f.lastError}` : <span class="null">none</span>)}
                    {f.lastFailureRunId ? ` (run ${f.lastFailureRunId})` : ''}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <h2 id="alerts">Open alerts ({v.alerts.length})</h2>
      {v.alerts.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul>
          {v.alerts.map((a) => (
            <li>
              <Badge tone="bad">{a.reason}</Badge> {a.pipeline}
              {a.source ? ` · ${a.source}${a.stream ? `.${a.stream}` : ''}` : ''}: {a.message} (since <Time at={a.since} />, {a.occurrences}×)
            </li>
          ))}
        </ul>
      )}

      <h2 id="charts">Records per run</h2>
      <div class="grid">
        {v.charts.map((c) => (
          <RunChart source={c.source} points={c.points} />
        ))}
      </div>

      <h2 id="runs">Runs</h2>
      <div class="table-wrap">
        <table id="runs-table">
          <Head columns={['Run', 'Status', 'Started', { label: 'Duration', num: true }, 'Sources', 'Error']} />
          <tbody>
            {v.runs.map((r) => {
              const url = v.temporalUrl(r.runId);
              return (
                <tr data-run={r.runId}>
                  <th scope="row">
                    {url ? <a href={url}>{r.runId}</a> : r.runId}
                    <br />
                    <small>{`${r.pipeline}${r.trigger ? ` · ${r.trigger}` : ''}`}</small>
                  </th>
                  <td>
                    <Badge tone={statusTone(r.status)}>{r.status}</Badge>
                  </td>
                  <td>
                    <Time at={r.startedAt} />
                  </td>
                  <td class="num">{r.finishedAt ? formatMs(r.finishedAt.getTime() - r.startedAt.getTime()) || '0s' : 'running'}</td>
                  <td>
                    <ul>
                      {streamsOf(r).map((s) => (
                        <li>
                          {`${s.source}.${s.stream}: ${s.records ?? 0} records `}
                          {s.status === 'succeeded' ? null : <Badge tone={statusTone(s.status)}>{s.status}</Badge>}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>{r.error ?? <span class="null">none</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
