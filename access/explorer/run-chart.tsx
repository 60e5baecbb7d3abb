/** One run's counts for one source. */
export interface RunPoint {
  readonly runId: string;
  readonly at: Date;
  /** Records fetched from the source's streams. */
  readonly fetched: number;
  /** Contributions the merge added or changed from them. */
  readonly merged: number;
}

const W = 360;
const H = 150;
const PAD = { left: 40, right: 10, top: 10, bottom: 24 };
const SERIES = [
  { key: 'fetched', label: 'fetched', color: '#0550ae' },
  { key: 'merged', label: 'merged (new or changed)', color: '#bf3989' },
] as const;

/**
 * A small server-rendered SVG line chart of records fetched and merged per run over time for
 * one source, oldest run left; every point carries a tooltip (`<title>`) and the chart an
 * accessible description with the latest numbers.
 */
export function RunChart(props: { source: string; points: readonly RunPoint[] }) {
  const pts = props.points;
  if (pts.length === 0) return <p>No runs yet.</p>;
  const max = Math.max(1, ...pts.map((p) => Math.max(p.fetched, p.merged)));
  const t0 = pts[0]!.at.getTime();
  const t1 = pts[pts.length - 1]!.at.getTime();
  const x = (p: RunPoint) => PAD.left + (t1 === t0 ? (W - PAD.left - PAD.right) / 2 : ((p.at.getTime() - t0) / (t1 - t0)) * (W - PAD.left - PAD.right));
  const y = (n: number) => PAD.top + (1 - n / max) * (H - PAD.top - PAD.bottom);
  const last = pts[pts.length - 1]!;
  const description = `${props.source}: ${pts.length} runs; latest run fetched ${last.fetched} and merged ${last.merged} records; at most ${max} in one run.`;
  return (
    <figure class="chart">
      <figcaption>
        <strong>{props.source}</strong>
        <span class="legend">
          {SERIES.map((s) => (
            <span class={`series-${s.key}`}>{s.label}</span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={description}>
        <line x1={PAD.left} y1={y(0)} x2={W - PAD.right} y2={y(0)} stroke="#8c959f" />
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={y(0)} stroke="#8c959f" />
        <text x={PAD.left - 6} y={y(max) + 4} text-anchor="end" font-size="10" fill="#57606a">
          {String(max)}
        </text>
        <text x={PAD.left - 6} y={y(0) + 4} text-anchor="end" font-size="10" fill="#57606a">
          0
        </text>
        <text x={PAD.left} y={H - 8} font-size="10" fill="#57606a">
          {pts[0]!.at.toISOString().slice(0, 16).replace('T', ' ')}
        </text>
        <text x={W - PAD.right} y={H - 8} text-anchor="end" font-size="10" fill="#57606a">
          {last.at.toISOString().slice(0, 16).replace('T', ' ')}
        </text>
        {SERIES.map((s) => (
          <g>
            <polyline fill="none" stroke={s.color} stroke-width="2" points={pts.map((p) => `${x(p).toFixed(1)},${y(p[s.key]).toFixed(1)}`).join(' ')} />
            {pts.map((p) => (
              <circle cx={x(p).toFixed(1)} cy={y(p[s.key]).toFixed(1)} r="3" fill={s.color}>
                <title>{`${p.runId}: ${p[s.key]} ${s.label}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
    </figure>
  );
}
