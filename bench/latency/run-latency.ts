/**
 * The latency workload of `npm run bench`: an upstream answering every request after 150 ms in
 * the four shapes slow SaaS APIs page in (page-number and offset with a known total, parents
 * with two child pages each, a cursor), fetched and merged by Tributary (maxConcurrency 16; merging
 * during the fetch, the default, and after it) and by dlt (its default and its best documented
 * parallel option), each shape on its own, each a first load. The upstream counts requests in
 * flight per shape: the proof that the limit held.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { parseConfig } from '../../config/load-config.js';
import { createLogger } from '../../observability/logger.js';
import { connectDatabase } from '../../store/create-database.js';
import { migrateToLatest } from '../../store/migrate.js';
import { startWorker } from '../../worker/create-worker.js';
import { syncPipeline } from '../../workflows/index.js';
import { spawnChild } from '../measure/child-process.js';
import { recreateDatabase } from '../measure/pg-stats.js';
import { DLT_VENV } from '../systems/dlt.js';
import { LATENCY_SHAPES, type LatencyShape, SHAPE_REQUESTS, type ShapeLog, spawnLatencyUpstream } from './latency-upstream.js';

/** Requests Tributary keeps in flight per source in the workload (its `rateLimit.maxConcurrency`). */
export const LATENCY_CONCURRENCY = 16;

/** One system's run of one shape. */
export interface LatencyResult {
  readonly shape: LatencyShape;
  /** `tributary` merges during the fetch (`merge.overlap`, the default); `tributary, merge after fetch` with it off. */
  readonly system: 'tributary' | 'tributary, merge after fetch' | 'dlt default' | 'dlt best';
  /** The whole run: fetch, stage and merge (Tributary's workflow; dlt's `pipeline.run`). */
  readonly wallMs: number;
  /** From the first request's arrival to the last answer sent, as the upstream saw it. */
  readonly fetchMs: number;
  readonly requests: number;
  readonly maxInFlight: number;
}

/** What the workload needs from the bench. */
export interface LatencyContext {
  readonly client: Client;
  readonly address: string;
  readonly namespace: string;
  readonly bundlePath: string;
  readonly databaseUrl: (name: string) => string;
  readonly dataDir: string;
  readonly dlt: boolean;
  readonly log: (msg: string) => void;
}

/** The concurrency-16 limit of a shape in ms: its requests in waves of 16 at 150 ms, serial for a cursor. */
export function limitMs(shape: LatencyShape, delayMs: number): number {
  const { requests, serialOnly } = SHAPE_REQUESTS[shape];
  if (serialOnly) return requests * delayMs;
  // Parent pages gate their children: the parent pages' own waves come first.
  if (shape === 'parent_child') return (Math.ceil(3 / LATENCY_CONCURRENCY) + Math.ceil(600 / LATENCY_CONCURRENCY)) * delayMs;
  return Math.ceil(requests / LATENCY_CONCURRENCY) * delayMs;
}

/** Tributary's config of the workload: one source, entity and pipeline per shape, `maxConcurrency` 16, with or without the merge during the fetch. */
export function tributaryConfig(url: string, overlap: boolean) {
  const person = { matchOn: ['email'], fields: { email: { type: 'string' }, name: { type: 'string' }, plan: { type: 'string' } } };
  const mapping = { fields: { email: '$.email', name: '$.name', plan: '$.plan' } };
  const rateLimit = { maxConcurrency: LATENCY_CONCURRENCY };
  const src = (streams: Record<string, unknown>) => ({ type: 'rest', baseUrl: url, rateLimit, streams });
  return parseConfig(
    {
      version: 1,
      sources: {
        page_number: src({ items: { path: '/page_number', recordsPath: '$.data', primaryKey: 'id', pagination: { type: 'page_number', param: 'page', sizeParam: 'per_page', size: 100, totalPagesPath: '$.total_pages', totalPath: '$.total' } } }),
        offset: src({ items: { path: '/offset', recordsPath: '$.data', primaryKey: 'id', pagination: { type: 'offset', offsetParam: 'offset', limitParam: 'limit', limit: 100, totalPath: '$.total' } } }),
        parent_child: src({
          parents: { path: '/parents', params: { per_page: 100 }, recordsPath: '$.data', primaryKey: 'id', pagination: { type: 'page_number', param: 'page', totalPagesPath: '$.total_pages' } },
          items: { path: '/parents/{parent.id}/children', recordsPath: '$.data', primaryKey: 'id', parent: { stream: 'parents' }, pagination: { type: 'cursor', cursorPath: '$.next_page', param: 'page' } },
        }),
        cursor: src({ items: { path: '/cursor', recordsPath: '$.data', primaryKey: 'id', pagination: { type: 'cursor', cursorPath: '$.next', param: 'cursor' } } }),
      },
      entities: Object.fromEntries(LATENCY_SHAPES.map((s) => [`person_${s}`, { ...person, sources: { [`${s}.items`]: mapping } }])),
      pipelines: Object.fromEntries(LATENCY_SHAPES.map((s) => [s, { schedule: { every: '1h' }, sources: [s] }])),
      merge: { overlap },
    },
    'latency-bench',
    {},
  );
}

/** Runs every shape with every system; answers the results (and writes them to `dataDir`). */
export async function runLatencyWorkload(ctx: LatencyContext): Promise<LatencyResult[]> {
  const upstream = await spawnLatencyUpstream(150);
  const results: LatencyResult[] = [];
  const observed = async (shape: LatencyShape): Promise<Pick<LatencyResult, 'fetchMs' | 'requests' | 'maxInFlight'>> => {
    const l: ShapeLog = await upstream.log(shape);
    return { fetchMs: l.lastDoneAt - l.firstAt, requests: l.requests, maxInFlight: l.maxInFlight };
  };
  try {
    await warmUp(ctx, upstream.url);
    // Each a first load into a fresh database: with the merge during the fetch, then without it.
    for (const overlap of [true, false]) {
      await recreateDatabase(ctx.databaseUrl('postgres'), 'bench_latency');
      const { db, pool } = connectDatabase(ctx.databaseUrl('bench_latency'), { applicationName: 'tributary-bench-latency' });
      await migrateToLatest(db);
      const taskQueue = `bench-latency-${Date.now()}`;
      const log = createLogger({ base: { component: 'bench-latency-worker' }, level: 'warn' });
      const worker = await startWorker({ address: ctx.address, namespace: ctx.namespace, taskQueue, config: tributaryConfig(upstream.url, overlap), db, pool, workflowBundlePath: ctx.bundlePath, log });
      try {
        for (const shape of LATENCY_SHAPES) {
          await upstream.reset();
          const started = performance.now();
          await ctx.client.workflow.execute(syncPipeline, { workflowId: `latency-${shape}-${Date.now()}`, taskQueue, args: [{ pipeline: shape, windowEnd: new Date().toISOString() }] });
          const result: LatencyResult = { shape, system: overlap ? 'tributary' : 'tributary, merge after fetch', wallMs: performance.now() - started, ...(await observed(shape)) };
          results.push(result);
          ctx.log(describe(result, upstream.delayMs));
        }
      } finally {
        await worker.shutdown();
        await db.destroy();
      }
    }
    if (ctx.dlt) {
      await recreateDatabase(ctx.databaseUrl('postgres'), 'bench_latency_dlt');
      const pipelines = join(ctx.dataDir, 'dlt-latency');
      for (const mode of ['default', 'best'] as const) {
        for (const shape of LATENCY_SHAPES) {
          if (mode === 'best' && shape === 'cursor') continue;
          await upstream.reset();
          await rm(pipelines, { recursive: true, force: true });
          const out = await runDlt(shape, mode, upstream.url, ctx.databaseUrl('bench_latency_dlt'), pipelines);
          const result: LatencyResult = { shape, system: mode === 'default' ? 'dlt default' : 'dlt best', wallMs: out.wall_s * 1000, ...(await observed(shape)) };
          results.push(result);
          ctx.log(describe(result, upstream.delayMs));
        }
      }
    }
  } finally {
    await upstream.stop();
  }
  mkdirSync(ctx.dataDir, { recursive: true });
  writeFileSync(join(ctx.dataDir, `latency-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(results, null, 2));
  return results;
}

/**
 * Runs the page-number pipeline once, unmeasured, into a database of its own: the measured
 * workers then run in a process whose code has run before, as a worker serving a schedule does
 * (and as dlt's timer starts after its imports).
 */
async function warmUp(ctx: LatencyContext, url: string): Promise<void> {
  await recreateDatabase(ctx.databaseUrl('postgres'), 'bench_latency_warmup');
  const { db, pool } = connectDatabase(ctx.databaseUrl('bench_latency_warmup'), { applicationName: 'tributary-bench-latency' });
  await migrateToLatest(db);
  const taskQueue = `bench-latency-warmup-${Date.now()}`;
  const log = createLogger({ base: { component: 'bench-latency-worker' }, level: 'warn' });
  const worker = await startWorker({ address: ctx.address, namespace: ctx.namespace, taskQueue, config: tributaryConfig(url, true), db, pool, workflowBundlePath: ctx.bundlePath, log });
  try {
    await ctx.client.workflow.execute(syncPipeline, { workflowId: `latency-warmup-${Date.now()}`, taskQueue, args: [{ pipeline: 'page_number', windowEnd: new Date().toISOString() }] });
  } finally {
    await worker.shutdown();
    await db.destroy();
  }
}

async function runDlt(shape: LatencyShape, mode: 'default' | 'best', url: string, dsn: string, pipelines: string): Promise<{ wall_s: number }> {
  const script = fileURLToPath(new URL('../dlt/latency_load.py', import.meta.url));
  const env = { ...process.env, RUNTIME__LOG_LEVEL: 'WARNING', RUNTIME__DLTHUB_TELEMETRY: 'false', EXTRACT__WORKERS: String(LATENCY_CONCURRENCY) };
  const child = spawnChild(join(DLT_VENV, 'bin', 'python'), [script, shape, mode, `${url}/`, dsn, pipelines], { env });
  const code = await child.exited;
  if (code !== 0) throw new Error(`dlt ${mode} ${shape} failed (${code}): ${child.stderr().slice(-3000)}`);
  return child.waitForJson<{ wall_s: number }>((v) => v['done'] === true, 1000);
}

function describe(r: LatencyResult, delayMs: number): string {
  return `latency ${r.shape} ${r.system}: run ${(r.wallMs / 1000).toFixed(2)} s, fetch ${(r.fetchMs / 1000).toFixed(2)} s (limit ${(limitMs(r.shape, delayMs) / 1000).toFixed(2)} s), ${r.requests} requests, at most ${r.maxInFlight} in flight`;
}

/** The markdown section of the latency workload's results. */
export function renderLatency(results: readonly LatencyResult[], delayMs = 150): string {
  const get = (shape: LatencyShape, system: LatencyResult['system']) => results.find((r) => r.shape === shape && r.system === system);
  const s = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(2)} s`);
  const lines = [
    `Every answer after ${delayMs} ms; Tributary with \`maxConcurrency: ${LATENCY_CONCURRENCY}\`, merging during the fetch (the default) and, in "run, merge after fetch", with \`merge.overlap: false\`; each a first load, by a worker process that has run the page-number pipeline once before (unmeasured, as a worker serving a schedule has; dlt's timer starts after its imports); dlt ${'`default`'} is rest_api as documented, \`best\` its best documented parallel option (16 page-range resources with \`parallelized=True\` and 16 extract workers; the child resource \`parallelized\`). "Fetch" is the upstream's view: first request to last answer.`,
    '',
    '| shape | limit (16 in flight) | Tributary fetch | fetch / limit | Tributary run | run, merge after fetch | dlt default run | dlt best run | run: dlt best ÷ Tributary | max in flight (Tributary) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const shape of LATENCY_SHAPES) {
    const t = get(shape, 'tributary');
    const after = get(shape, 'tributary, merge after fetch');
    const d = get(shape, 'dlt default');
    const b = get(shape, 'dlt best') ?? d;
    const limit = limitMs(shape, delayMs);
    lines.push(
      `| ${shape.replace('_', '-')}${SHAPE_REQUESTS[shape].serialOnly ? ' (serial floor)' : ''} | ${s(limit)} | ${s(t?.fetchMs)} | ${t ? `${(t.fetchMs / limit).toFixed(2)}x` : '–'} | ${s(t?.wallMs)} | ${s(after?.wallMs)} | ${s(d?.wallMs)} | ${s(b?.wallMs)} | ${t && b ? `${(b.wallMs / t.wallMs).toFixed(2)}x` : '–'} | ${t ? `${t.maxInFlight} of ${SHAPE_REQUESTS[shape].serialOnly ? 1 : LATENCY_CONCURRENCY}` : '–'} |`,
    );
  }
  return lines.join('\n');
}
