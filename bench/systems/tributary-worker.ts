/**
 * The Tributary worker as the bench runs it: a child process of its own, so its peak RSS and CPU
 * are the worker's alone. Reads BENCH_CONFIG, DATABASE_URL, TEMPORAL_ADDRESS, BENCH_TASK_QUEUE
 * and BENCH_WORKFLOW_BUNDLE; says `{"ready":true}` on stdout once polling.
 *
 * It times every Postgres round trip per activity type (a wrapper around pg's `Client.query`,
 * bench-only, the product code is untouched), so the report can split an activity's time into
 * Postgres and Node (HTTP, parsing, hashing, mapping). On an IPC `stats` message it answers with
 * those timings, CPU time, peak RSS and where the memory went; on `stop` it shuts down gracefully and exits.
 */
import { performance } from 'node:perf_hooks';
import { Context } from '@temporalio/activity';
import pg from 'pg';
import { installQuietRuntime } from '../../client/runtime-logging.js';
import { loadConfigFile } from '../../config/index.js';
import { connectDatabase } from '../../store/create-database.js';
import { startWorker } from '../../worker/create-worker.js';
import { type MemoryReport, sampleMemory } from '../measure/memory-sampler.js';

/** What the worker child reports about itself. */
export interface WorkerStats {
  /** Milliseconds spent waiting on Postgres, per activity type (`other` outside activities). */
  readonly pgMs: Record<string, number>;
  /** Postgres round trips per activity type. */
  readonly pgCalls: Record<string, number>;
  /** CPU time of the process in ms (user + system). */
  readonly cpuMs: number;
  /** Peak RSS in bytes as the process saw it. */
  readonly maxRssBytes: number;
  /** `process.memoryUsage()` once polling, and each field's peak since. */
  readonly memory: MemoryReport;
}

const pgMs: Record<string, number> = {};
const pgCalls: Record<string, number> = {};

function activityType(): string {
  try {
    return Context.current().info.activityType;
  } catch {
    return 'other';
  }
}

function instrumentPg(): void {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    const type = activityType();
    const result = original.apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      const done = () => {
        pgMs[type] = (pgMs[type] ?? 0) + performance.now() - started;
        pgCalls[type] = (pgCalls[type] ?? 0) + 1;
      };
      (result as Promise<unknown>).then(done, done);
    }
    return result;
  };
}

async function run(): Promise<void> {
  const env = (name: string): string => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is not set`);
    return v;
  };
  installQuietRuntime();
  instrumentPg();
  const config = await loadConfigFile(env('BENCH_CONFIG'), process.env);
  const { db, pool } = connectDatabase(env('DATABASE_URL'), { applicationName: 'tributary-bench' });
  const worker = await startWorker({
    address: env('TEMPORAL_ADDRESS'),
    namespace: process.env['TEMPORAL_NAMESPACE'] ?? 'default',
    taskQueue: env('BENCH_TASK_QUEUE'),
    config,
    db,
    pool,
    workflowBundlePath: env('BENCH_WORKFLOW_BUNDLE'),
  });
  const memory = sampleMemory();
  process.on('message', (msg: unknown) => {
    if (msg === 'stats') {
      const cpu = process.cpuUsage();
      const stats: WorkerStats = { pgMs, pgCalls, cpuMs: (cpu.user + cpu.system) / 1000, maxRssBytes: process.resourceUsage().maxRSS * 1024, memory: memory.report() };
      process.send?.({ stats });
    } else if (msg === 'stop') {
      void worker
        .shutdown()
        .then(() => db.destroy())
        .then(() => process.exit(0));
    }
  });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  await worker.done;
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
