import { CHUNKS_PER_EXECUTION, streamExecutionEventBound } from '../../workflows/definitions.js';
import type { BenchOptions } from '../options.js';
import type { RunHistoryStats } from '../measure/run-history.js';
import type { Scenario, ScenarioResult } from '../systems/bench-system.js';
import { type MedianResult, find, medians } from './summarize.js';
import type { SystemInfo } from './system-info.js';

const SCENARIO_NAMES: Record<Scenario, string> = { first: 'first load', unchanged: 'unchanged rerun', changed10: '10 % changed' };
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (b: number) => `${fmt(b / 2 ** 20)} MB`;
const s = (ms: number) => `${fmt(ms / 1000, 1)} s`;
const k = (n: number) => (n >= 1e6 ? `${fmt(n / 1e6, n % 1e6 ? 1 : 0)}M` : `${fmt(n / 1e3)}k`);
const ratio = (a?: number, b?: number) => (a !== undefined && b ? `${fmt(a / b, 2)}x` : '–');
// A verdict's measured ratio is rounded down, so a miss by a hair never reads as the target itself.
const ratioDown = (a?: number, b?: number) => (a !== undefined && b ? `${fmt(Math.floor((a / b) * 100) / 100, 2)}x` : '–');

function resultsTable(ms: readonly MedianResult[], opts: BenchOptions): string[] {
  const out = [
    '| records | scenario | system | reps | wall (median) | records/s | peak RSS | Postgres rows written | CPU | load avg |',
    '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const n of opts.records)
    for (const sc of opts.scenarios)
      for (const sys of opts.systems) {
        const m = find(ms, sys, n, sc);
        if (m) out.push(`| ${k(n)} | ${SCENARIO_NAMES[sc]} | ${sys} | ${m.reps} | ${s(m.wallMs)} | ${fmt(m.recordsPerSec)} | ${mb(m.peakRssBytes)} | ${fmt(m.rowsWritten)} | ${m.cpuMs !== undefined ? s(m.cpuMs) : '–'} | ${m.loadAvg1 !== undefined ? fmt(m.loadAvg1, 1) : '–'} |`);
      }
  return out;
}

function ratiosTable(ms: readonly MedianResult[], opts: BenchOptions): string[] {
  const out = ['| records | scenario | Tributary records/s | Tributary / dlt | Tributary / limit | dlt / limit |', '|---:|---|---:|---:|---:|---:|'];
  for (const n of opts.records)
    for (const sc of opts.scenarios) {
      const t = find(ms, 'tributary', n, sc)?.recordsPerSec;
      const d = find(ms, 'dlt', n, sc)?.recordsPerSec;
      const l = find(ms, 'limit', n, sc)?.recordsPerSec;
      if (t === undefined && d === undefined) continue;
      out.push(`| ${k(n)} | ${SCENARIO_NAMES[sc]} | ${t !== undefined ? fmt(t) : '–'} | ${ratio(t, d)} | ${ratio(t, l)} | ${ratio(d, l)} |`);
    }
  return out;
}

/** The merge's activities: the steps of a partitioned merge, or the one activity of runs before it. */
const MERGE_STEPS = ['prepareMerge', 'writeMergePartition', 'recordLatest', 'publishMerge', 'mergeRun'] as const;

function splitTable(ms: readonly MedianResult[], opts: BenchOptions): string[] {
  const out = [
    '| records | scenario | wall | fetch phase (fetch + stage) | fetch activities: fetch (Node) / stage (Postgres), busy | after the fetch (merge, finish, Temporal) | merge busy: prepare / partitions (n) / latest payloads | merge Postgres waits | activities | history events: pipeline / largest stream run / total | stream executions |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const n of opts.records)
    for (const sc of opts.scenarios) {
      const m = find(ms, 'tributary', n, sc);
      if (!m?.representative.detail) continue;
      const h = m.representative.detail['history'] as RunHistoryStats;
      const pg = (m.representative.detail['pgMs'] ?? {}) as Record<string, number>;
      const fetch = h.activityMs['fetchStreamChunk'] ?? 0;
      const fetchPg = pg['fetchStreamChunk'] ?? 0;
      const busy = (t: string) => h.activityMs[t] ?? 0;
      const mergePg = MERGE_STEPS.reduce((sum, t) => sum + (pg[t] ?? 0), 0);
      const acts = Object.values(h.activities).reduce((a, b) => a + b, 0);
      const prepare = busy('prepareMerge') + busy('mergeRun');
      out.push(
        `| ${k(n)} | ${SCENARIO_NAMES[sc]} | ${s(m.representative.wallMs)} | ${s(h.fetchPhaseMs)} | ${s(fetch - fetchPg)} / ${s(fetchPg)} | ${s(m.representative.wallMs - h.fetchPhaseMs)} | ${s(prepare)} / ${s(busy('writeMergePartition'))} (${h.activities['writeMergePartition'] ?? 0}) / ${s(busy('recordLatest'))} | ${s(mergePg)} | ${acts} | ${h.pipelineEvents} / ${h.maxStreamRunEvents} / ${h.totalEvents} | ${h.streamRuns} |`,
      );
    }
  return out;
}

function scalingTable(ms: readonly MedianResult[], opts: BenchOptions): string[] {
  const sorted = [...opts.records].sort((a, b) => a - b);
  if (sorted.length < 2) return ['(one record count measured: no scaling data)'];
  const [lo, hi] = [sorted[0]!, sorted[sorted.length - 1]!];
  const out = [`| system | scenario | wall ${k(lo)} → ${k(hi)} | wall growth (records grew ${fmt(hi / lo)}x) | records/s ${k(lo)} → ${k(hi)} | peak RSS ${k(lo)} → ${k(hi)} |`, '|---|---|---:|---:|---:|---:|'];
  for (const sys of opts.systems)
    for (const sc of opts.scenarios) {
      const a = find(ms, sys, lo, sc);
      const b = find(ms, sys, hi, sc);
      if (!a || !b) continue;
      out.push(`| ${sys} | ${SCENARIO_NAMES[sc]} | ${s(a.wallMs)} → ${s(b.wallMs)} | ${fmt(b.wallMs / a.wallMs, 1)}x | ${fmt(a.recordsPerSec)} → ${fmt(b.recordsPerSec)} | ${mb(a.peakRssBytes)} → ${mb(b.peakRssBytes)} |`);
    }
  return out;
}

function verdicts(ms: readonly MedianResult[], opts: BenchOptions): string[] {
  const n = Math.max(...opts.records);
  const lo = Math.min(...opts.records);
  const t = find(ms, 'tributary', n, 'first');
  const d = find(ms, 'dlt', n, 'first');
  const u = find(ms, 'tributary', n, 'unchanged');
  const ul = find(ms, 'limit', n, 'unchanged');
  const c = find(ms, 'tributary', n, 'changed10');
  const cd = find(ms, 'dlt', n, 'changed10');
  const rss = ms.filter((m) => m.system === 'tributary').map((m) => m.peakRssBytes);
  // Bounded means: the pipeline's history does not grow with N, and no stream execution outgrows
  // what its chunk cap allows (a bigger stream continues as new more often instead).
  const histories = (r: number) => ms.filter((m) => m.system === 'tributary' && m.records === r && m.representative.detail).map((m) => m.representative.detail!['history'] as RunHistoryStats);
  const bound = streamExecutionEventBound();
  const bounded =
    histories(lo).length > 0 && histories(n).length > 0 && opts.records.length > 1
      ? Math.max(...histories(n).map((h) => h.pipelineEvents)) <= Math.max(...histories(lo).map((h) => h.pipelineEvents)) * 1.2 && Math.max(...histories(n).map((h) => h.maxStreamRunEvents)) <= bound
      : undefined;
  // Linear: a record costs at N at most a fifth more wall time than at the smallest N measured.
  const growth = opts.scenarios.map((sc) => {
    const a = find(ms, 'tributary', lo, sc);
    const b = find(ms, 'tributary', n, sc);
    return a && b && lo < n ? (b.wallMs / n) / (a.wallMs / lo) : undefined;
  });
  const linear = growth.every((g) => g !== undefined) ? growth.every((g) => g! <= 1.2) : undefined;
  const line = (ok: boolean | undefined, text: string) => `- ${ok === undefined ? 'NOT MEASURED' : ok ? 'MET' : 'MISSED'}: ${text}`;
  const byN = opts.records.map((r) => {
    const h = find(ms, 'tributary', r, 'first')?.representative.detail?.['history'] as RunHistoryStats | undefined;
    return h ? `${k(r)}: pipeline ${h.pipelineEvents}, largest stream execution ${h.maxStreamRunEvents} (${h.streamRuns} stream executions)` : '';
  });
  return [
    line(t && d ? t.recordsPerSec >= 3 * d.recordsPerSec : undefined, `first load at ${k(n)} >= 3x dlt's records/s — measured ${ratioDown(t?.recordsPerSec, d?.recordsPerSec)}`),
    line(u && ul ? u.wallMs <= 1.25 * ul.wallMs : undefined, `unchanged rerun at ${k(n)} within 1.25x of the limit's wall time — measured ${ratioDown(u?.wallMs, ul?.wallMs)}`),
    line(c && cd ? c.recordsPerSec >= 6 * cd.recordsPerSec : undefined, `10 % changed at ${k(n)} >= 6x dlt's records/s — measured ${ratioDown(c?.recordsPerSec, cd?.recordsPerSec)}`),
    line(rss.length ? Math.max(...rss) < 300 * 2 ** 20 : undefined, `worker peak RSS < 300 MB at every N — measured max ${rss.length ? mb(Math.max(...rss)) : '–'}`),
    line(bounded, `history per execution bounded (the pipeline's does not grow with N; a stream execution holds at most ${bound} events, continuing as new every ${CHUNKS_PER_EXECUTION} chunks) — events per execution (first load) ${byN.filter(Boolean).join('; ')}`),
    line(linear, `cost linear from ${k(lo)} to ${k(n)} (wall per record at most 1.2x) — measured ${growth.map((g, i) => `${SCENARIO_NAMES[opts.scenarios[i]!]} ${g === undefined ? '–' : `${fmt(g, 2)}x`}`).join(', ')}`),
  ];
}

/** The generated part of BENCHMARKS.md: setup, medians, ratios, time split, scaling, verdicts. */
export function renderResults(results: readonly ScenarioResult[], info: SystemInfo, opts: BenchOptions, command: string, startedAt: Date, durationMs: number): string {
  const ms = medians(results);
  return [
    `Run ${startedAt.toISOString()}, took ${fmt(durationMs / 60_000, 1)} min, commit ${info.commit}: \`${command}\``,
    '',
    `Machine: ${info.cpuModel}, ${info.cpus} vCPUs, ${info.memoryGiB} GiB RAM, ${info.kernel}. Node ${info.node}; ${info.postgres}; Temporal CLI ${info.temporalCli.replace(/\n/g, ' ')}; dlt ${info.dlt}; ` +
      Object.entries(info.packages)
        .map(([p, v]) => `${p} ${v}`)
        .join(', ') +
      `. Page size ${opts.pageSize} for every system and stream; repetitions: ${opts.reps} below 1M records, ${opts.repsLarge} at 1M and more.`,
    '',
    '### Medians',
    '',
    ...resultsTable(ms, opts),
    '',
    '### Ratios (records/s, same run)',
    '',
    ...ratiosTable(ms, opts),
    '',
    '### Where Tributary spends its time (the median repetition)',
    '',
    'Busy columns are time summed over activities (the three streams fetch concurrently and the partitions write concurrently, so busy time can exceed wall time). "Postgres" is time waiting on Postgres round trips inside the activities (in the fetch activities: the unchanged-record check, the COPYs into `staged_record` and the checkpoints); "Node" is the rest (HTTP, JSON parsing, hashing and building the COPY data). The fetch phase is the start of the first fetch to the end of the last; what comes after it is the merge (prepare, then the partitions beside the record of the latest payloads, then publish), finishing the run and Temporal\'s own work.',
    '',
    ...splitTable(ms, opts),
    '',
    '### Growth with N',
    '',
    ...scalingTable(ms, opts),
    '',
    '### Targets',
    '',
    ...verdicts(ms, opts),
  ].join('\n');
}
