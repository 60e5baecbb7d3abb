/**
 * The database scaling workload of `npm run bench -- --db-scaling 1,2,4`: Tributary's first load
 * into a second Postgres server, its own cluster apart from the bench's, once per setting N:
 * the server's processes pinned to N of the machine's cores (as many as it has),
 * `max_parallel_workers` (and the per-gather and maintenance limits) = N, and the merge's
 * `maxPartitions` = N, so N connections write entity rows at once. It shows how the first load
 * scales with the database's cores and the merge's partitions, to size a database server by.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startPostgres, withDatabase } from '../../infra/index.js';
import type { RunHistoryStats } from '../measure/run-history.js';
import { withPg } from '../measure/pg-stats.js';
import type { BenchContext, BenchSystem, ScenarioResult } from '../systems/bench-system.js';

const run = promisify(execFile);

/** One setting's first load. */
export interface ScalingResult {
  /** The setting: parallel workers and merge partitions. */
  readonly n: number;
  /** Cores the server's processes were pinned to (at most the machine's). */
  readonly cores: number;
  readonly records: number;
  readonly result: ScenarioResult;
}

/** What the workload needs from the bench: a Tributary system for a context, and the context to derive one from. */
export interface ScalingContext {
  readonly ctx: BenchContext;
  readonly system: (ctx: BenchContext) => BenchSystem;
  readonly log: (msg: string) => void;
}

/** Pins the server's processes (the postmaster, so every backend it forks later, and those running) to the first `cores` cores. */
async function pinServer(dataDir: string, cores: number): Promise<void> {
  const pid = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]!.trim();
  const list = Array.from({ length: cores }, (_, i) => i).join(',');
  const children = (await run('pgrep', ['-P', pid]).catch(() => ({ stdout: '' }))).stdout.split('\n').filter(Boolean);
  await run('taskset', ['-a', '-p', '-c', list, pid]);
  // A backend may have exited since it was listed.
  for (const p of children) await run('taskset', ['-a', '-p', '-c', list, p]).catch(() => undefined);
}

/** Runs a first load of `records` records for each setting in `settings`; answers the results. */
export async function runScalingWorkload(sc: ScalingContext, records: number, settings: readonly number[]): Promise<ScalingResult[]> {
  const dataDir = join(sc.ctx.dataDir, 'postgres-scaling');
  // Its own cluster: the settings and pinning must not reach the bench's other measurements.
  const server = await startPostgres({ dataDir, port: 0, database: 'postgres', useEnv: false, log: sc.log });
  const results: ScalingResult[] = [];
  try {
    for (const n of settings) {
      const cores = Math.min(n, availableParallelism());
      await withPg(server.url, async (c) => {
        for (const [name, value] of [['max_parallel_workers', n], ['max_parallel_workers_per_gather', n], ['max_parallel_maintenance_workers', n]] as const) {
          await c.query(`alter system set ${name} = ${value}`);
        }
        await c.query('select pg_reload_conf()');
      });
      await pinServer(dataDir, cores);
      const ctx: BenchContext = { ...sc.ctx, databaseUrl: (name) => withDatabase(server.url, name), mergePartitions: n, pgStatements: false };
      const system = sc.system(ctx);
      await system.reset(records);
      const result = await system.run(records, 'first', 1);
      await system.close();
      results.push({ n, cores, records, result });
      sc.log(`db scaling ${n} (${cores} cores): first load of ${records} in ${(result.wallMs / 1000).toFixed(1)} s`);
    }
  } finally {
    await server.stop();
  }
  return results;
}

/** The markdown section of the scaling workload's results. */
export function renderScaling(results: readonly ScalingResult[]): string {
  const s = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);
  const base = results[0]?.result.wallMs;
  const lines = [
    `Tributary's first load into a second Postgres server (its own cluster), once per setting N: the server's processes pinned to N cores (at most the machine's ${availableParallelism()}), \`max_parallel_workers\` = N and \`merge.maxPartitions\` = N; the worker and the upstream are not pinned. One repetition each, in one sitting.`,
    '',
    '| N | database cores | records | first load | records/s | fetch phase | after the fetch | prepare | partitions busy (n) | latest payloads | wall vs the first setting |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const h = r.result.detail?.['history'] as RunHistoryStats | undefined;
    const busy = (t: string) => h?.activityMs[t];
    lines.push(
      `| ${r.n} | ${r.cores} | ${r.records.toLocaleString('en-US')} | ${s(r.result.wallMs)} | ${Math.round(r.result.recordsPerSec).toLocaleString('en-US')} | ${s(h?.fetchPhaseMs)} | ${s(h ? r.result.wallMs - h.fetchPhaseMs : undefined)} | ${s(busy('prepareMerge'))} | ${s(busy('writeMergePartition'))} (${h?.activities['writeMergePartition'] ?? 0}) | ${s(busy('recordLatest'))} | ${base ? `${(r.result.wallMs / base).toFixed(2)}x` : '–'} |`,
    );
  }
  return lines.join('\n');
}
