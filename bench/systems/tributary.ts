import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { createDatabase } from '../../store/create-database.js';
import { migrateToLatest } from '../../store/migrate.js';
import { workerEnvAdditions, workerNodeFlags } from '../../worker/worker-node-flags.js';
import { spawnChild } from '../measure/child-process.js';
import { recreateDatabase, resetStatements, rowsWritten, tableRowCounts, topStatements } from '../measure/pg-stats.js';
import { analyzeRunHistory } from '../measure/run-history.js';
import type { BenchContext, BenchSystem, Scenario, ScenarioResult } from './bench-system.js';
import { compileForBench } from './compile-worker.js';
import { tributaryBenchConfig } from './tributary-config.js';
import type { WorkerStats } from './tributary-worker.js';

const WORKER_MAIN = fileURLToPath(new URL('./tributary-worker.ts', import.meta.url));
const DATABASE = 'bench_tributary';

// Compiled once per output directory, however many systems (the scaling workload makes one per setting).
const compiled = new Map<string, Promise<string>>();

/**
 * Tributary end to end: a worker child process per scenario (so peak RSS and CPU are per
 * scenario, and Postgres has the worker's row counts once its connections close), the
 * `syncPipeline` workflow started through a Temporal client, and the time split read back from
 * the run's histories and the worker's Postgres timings.
 */
export function tributarySystem(ctx: BenchContext, temporal: { client: Client; address: string; namespace: string; bundlePath: string }): BenchSystem {
  const url = ctx.databaseUrl(DATABASE);
  const configPath = join(ctx.dataDir, 'tributary-pipeline.yaml');
  const workerMain = () => {
    const out = join(ctx.dataDir, 'dist');
    if (!compiled.has(out)) {
      ctx.log('compiling the worker (tsconfig.build.json)');
      compiled.set(out, compileForBench(WORKER_MAIN, out));
    }
    return compiled.get(out)!;
  };
  return {
    name: 'tributary',
    async reset() {
      await recreateDatabase(ctx.databaseUrl('postgres'), DATABASE);
      const db = createDatabase(url, { max: 1 });
      try {
        await migrateToLatest(db);
      } finally {
        await db.destroy();
      }
      await writeFile(configPath, tributaryBenchConfig(ctx.upstreamUrl, ctx.pageSize, { maxPartitions: ctx.mergePartitions, overlap: ctx.mergeOverlap }));
    },
    async run(records: number, scenario: Scenario, rep: number): Promise<ScenarioResult> {
      const taskQueue = `bench-${randomBytes(4).toString('hex')}`;
      // One directory per scenario: Node writes a profile per thread (the workflow thread has its own), the largest is the worker's main thread.
      const profile = ctx.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', join(ctx.cpuProfDir, `tributary-${records}-${scenario}-${rep}`)] : [];
      // The V8 flags and environment a production worker runs with (`TRIBUTARY_WORKER_NODE_FLAGS` and `MALLOC_ARENA_MAX` override them here too).
      const flags = workerNodeFlags(process.env, []);
      const worker = spawnChild(process.execPath, [...profile, ...flags, await workerMain()], {
        ipc: true,
        env: { ...process.env, ...workerEnvAdditions(), BENCH_CONFIG: configPath, DATABASE_URL: url, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: temporal.namespace, BENCH_TASK_QUEUE: taskQueue, BENCH_WORKFLOW_BUNDLE: temporal.bundlePath },
      });
      try {
        await worker.waitForJson((v) => v['ready'] === true, 180_000);
        const rowsBefore = await rowsWritten(url);
        const before = await statsOf(worker.proc);
        if (ctx.pgStatements) await resetStatements(url);
        const workflowId = `bench-${records}-${scenario}-${rep}-${randomBytes(3).toString('hex')}`;
        const started = performance.now();
        // A worker that dies mid-run (out of memory, a crash) leaves the workflow waiting for another: fail the measurement instead.
        const died = worker.exited.then((code) => {
          throw new Error(`the worker exited (${code}) during ${workflowId}: ${worker.stderr().slice(-4000)}`);
        });
        const summary = await Promise.race([temporal.client.workflow.execute('syncPipeline', { taskQueue, workflowId, args: [{ pipeline: 'bench', trigger: 'manual' }] }), died]);
        died.catch(() => undefined);
        const wallMs = performance.now() - started;
        const stats = await statsOf(worker.proc);
        worker.proc.send('stop');
        await worker.exited;
        const history = await analyzeRunHistory(temporal.client, workflowId);
        const rows = (await rowsWritten(url)) - rowsBefore;
        const tables = await tableRowCounts(url);
        const statements = ctx.pgStatements ? await topStatements(url) : undefined;
        return {
          system: 'tributary',
          records,
          scenario,
          rep,
          wallMs,
          recordsPerSec: records / (wallMs / 1000),
          peakRssBytes: stats.maxRssBytes,
          rowsWritten: rows,
          cpuMs: stats.cpuMs - before.cpuMs,
          detail: { history, memory: stats.memory, pgMs: stats.pgMs, pgCalls: stats.pgCalls, entities: (summary as { entities?: unknown }).entities, tables, ...(statements ? { statements } : {}) },
        };
      } finally {
        if (worker.proc.exitCode === null) worker.proc.kill('SIGKILL');
      }
    },
    async close() {},
  };
}

function statsOf(proc: ChildProcess): Promise<WorkerStats> {
  return new Promise<WorkerStats>((resolve) => {
    proc.once('message', (m: { stats: WorkerStats }) => resolve(m.stats));
    proc.send('stats');
  });
}
