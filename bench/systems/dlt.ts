import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runToEnd, spawnChild } from '../measure/child-process.js';
import { parseTimeVerbose, sampleRss } from '../measure/peak-rss.js';
import { recreateDatabase, rowsWritten } from '../measure/pg-stats.js';
import type { BenchContext, BenchSystem, Scenario, ScenarioResult } from './bench-system.js';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
/** The virtualenv holding dlt (gitignored; created on first use). */
export const DLT_VENV = join(BENCH_DIR, '.venv');
const PYTHON = join(DLT_VENV, 'bin', 'python');
const LOAD_SCRIPT = join(BENCH_DIR, 'dlt', 'load.py');
const DATABASE = 'bench_dlt';
const TIME = '/usr/bin/time';

/** Creates `bench/.venv` with `dlt[postgres]` unless it is there already. */
export async function ensureDlt(log: (msg: string) => void): Promise<void> {
  if (existsSync(PYTHON) && (await runToEnd(PYTHON, ['-c', 'import dlt, psycopg2']).then(() => true, () => false))) return;
  log('installing dlt[postgres] into bench/.venv (once)');
  await runToEnd('python3', ['-m', 'venv', DLT_VENV]);
  await runToEnd(join(DLT_VENV, 'bin', 'pip'), ['install', '--quiet', 'dlt[postgres]']);
}

/** The dlt version in the bench's virtualenv. */
export async function dltVersion(): Promise<string> {
  return (await runToEnd(PYTHON, ['-c', 'import dlt; print(dlt.__version__)'])).trim();
}

interface DltOutput {
  readonly wall_s: number;
  readonly row_counts: Record<string, number>;
  readonly steps: Record<string, number>;
}

/**
 * dlt: its `rest_api` source (bench/dlt/load.py) with the same cursor and Relay pagination and
 * page size, `write_disposition: merge` on each resource's primary key, into its own database on
 * the same Postgres. Pipeline state persists between the scenarios of a repetition, as it would
 * for a scheduled dlt job. Wall time is dlt's `pipeline.run` (interpreter start and imports not
 * counted); peak RSS from `/usr/bin/time -v` (or sampled from /proc without it).
 */
export function dltSystem(ctx: BenchContext): BenchSystem {
  const url = ctx.databaseUrl(DATABASE);
  const pipelinesDir = join(ctx.dataDir, 'dlt-pipelines');
  return {
    name: 'dlt',
    async reset() {
      await recreateDatabase(ctx.databaseUrl('postgres'), DATABASE);
      await rm(pipelinesDir, { recursive: true, force: true });
    },
    async run(records: number, scenario: Scenario, rep: number): Promise<ScenarioResult> {
      const rowsBefore = await rowsWritten(url);
      const args = [LOAD_SCRIPT, `${ctx.upstreamUrl}/`, url, pipelinesDir, String(ctx.pageSize)];
      const useTime = existsSync(TIME);
      const env = { ...process.env, RUNTIME__LOG_LEVEL: 'WARNING', RUNTIME__DLTHUB_TELEMETRY: 'false' };
      const child = useTime ? spawnChild(TIME, ['-v', PYTHON, ...args], { env }) : spawnChild(PYTHON, args, { env });
      const sampler = sampleRss(child.proc.pid!);
      const started = performance.now();
      const code = await child.exited;
      const processWallMs = performance.now() - started;
      const sampled = sampler.stop();
      if (code !== 0) throw new Error(`dlt failed (${code}): ${child.stderr().slice(-4000)}`);
      const out = await child.waitForJson<DltOutput>((v) => v['done'] === true, 1000);
      const wallMs = out.wall_s * 1000;
      return {
        system: 'dlt',
        records,
        scenario,
        rep,
        wallMs,
        recordsPerSec: records / out.wall_s,
        peakRssBytes: (useTime ? parseTimeVerbose(child.stderr()) : undefined) ?? sampled,
        rowsWritten: (await rowsWritten(url)) - rowsBefore,
        detail: { processWallMs, steps: out.steps, rowCounts: out.row_counts },
      };
    },
    async close() {},
  };
}
