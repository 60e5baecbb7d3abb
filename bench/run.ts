/**
 * `npm run bench`: Tributary end to end against dlt's rest_api source and against the machine's
 * limit, on the same local upstream APIs and the same Postgres, for each record count,
 * repetition and scenario (first load, unchanged rerun, 10 % changed). Medians, ratios, the
 * time split and the targets' verdicts go into the generated section of BENCHMARKS.md; every
 * raw result into bench/.data/results-<time>.json. Not part of `npm test`.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startPostgres, startTemporal, withDatabase } from '../infra/index.js';
import { WORKFLOWS_PATH } from '../worker/workflow-bundle.js';
import { killAllChildren, spawnTs } from './measure/child-process.js';
import { preloadsStatements, withPg } from './measure/pg-stats.js';
import { type BenchOptions, parseOptions } from './options.js';
import { renderResults } from './report/markdown.js';
import { systemInfo } from './report/system-info.js';
import { writeAccessSection, writeLatencySection, writeMappingSection, writeResultsSection, writeScalingSection } from './report/write-report.js';
import { renderScaling, runScalingWorkload } from './scaling/run-scaling.js';
import { MAPPING_RECORDS, renderMapping, runMappingWorkload } from './mapping/run-mapping.js';
import { ACCESS_ROWS, renderAccess, runAccessWorkload } from './access/run-access.js';
import { renderLatency, runLatencyWorkload } from './latency/run-latency.js';
import { type BenchContext, type BenchSystem, SCENARIOS, SYSTEMS, type Scenario, type ScenarioResult } from './systems/bench-system.js';
import { dltSystem, dltVersion, ensureDlt } from './systems/dlt.js';
import { limitSystem } from './systems/limit.js';
import { tributarySystem } from './systems/tributary.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const DATA_DIR = join(BENCH_DIR, '.data');
const REPORT = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
// The generation of upstream data each scenario reads: a rerun sees the same data, "changed10" the next generation.
const GENERATION: Record<Scenario, number> = { first: 0, unchanged: 0, changed10: 1 };

const log = (msg: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

async function control(upstreamUrl: string, body: { total?: number; generation?: number }): Promise<void> {
  const res = await fetch(`${upstreamUrl}/_control`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`upstream control failed: ${res.status}`);
}

function describe(r: ScenarioResult): string {
  return `${r.system} ${r.records} ${r.scenario} rep ${r.rep}: ${(r.wallMs / 1000).toFixed(1)} s, ${Math.round(r.recordsPerSec)} rec/s, RSS ${Math.round(r.peakRssBytes / 2 ** 20)} MB, ${r.rowsWritten} rows written, load ${r.loadAvg1?.toFixed(1)}`;
}

async function run(opts: BenchOptions): Promise<void> {
  const startedAt = new Date();
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  mkdirSync(DATA_DIR, { recursive: true });
  const cleanups: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    killAllChildren();
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    log('starting Postgres and Temporal');
    let postgres = await startPostgres({ dataDir: join(DATA_DIR, 'postgres'), port: 0, database: 'postgres', log });
    if (opts.pgStatements && postgres.startedHere && !(await preloadsStatements(postgres.url))) {
      // Preloading takes a restart; the setting stays in the bench's own cluster only.
      await withPg(postgres.url, (c) => c.query(`alter system set shared_preload_libraries = 'pg_stat_statements'`));
      await postgres.stop();
      postgres = await startPostgres({ dataDir: join(DATA_DIR, 'postgres'), port: 0, database: 'postgres', log });
    }
    if (opts.pgStatements && !(await preloadsStatements(postgres.url))) throw new Error('--pg-statements needs a Postgres that preloads pg_stat_statements (the bench-started one does)');
    const pg = postgres;
    cleanups.push(() => pg.stop());
    // A fresh Temporal store each run: old histories would only slow the dev server down.
    if (!process.env['TEMPORAL_ADDRESS']) rmSync(join(DATA_DIR, 'temporal'), { recursive: true, force: true });
    const temporal = await startTemporal({ dataDir: join(DATA_DIR, 'temporal'), port: 0, log });
    cleanups.push(() => temporal.stop());
    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: temporal.namespace });

    log('bundling workflows');
    const bundlePath = join(DATA_DIR, 'workflow-bundle.js');
    writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } })).code);

    const upstream = spawnTs(fileURLToPath(new URL('./workload/serve.ts', import.meta.url)));
    const { url: upstreamUrl } = await upstream.waitForJson<{ url: string }>((v) => typeof v['url'] === 'string');
    cleanups.push(async () => {
      upstream.proc.kill('SIGTERM');
      await upstream.exited;
    });
    if (opts.systems.includes('dlt')) await ensureDlt(log);

    const cpuProfDir = opts.cpuProf ? join(DATA_DIR, 'profiles') : undefined;
    if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
    const ctx: BenchContext = { upstreamUrl, databaseUrl: (name) => withDatabase(postgres.url, name), pageSize: opts.pageSize, ...(opts.mergePartitions ? { mergePartitions: opts.mergePartitions } : {}), mergeOverlap: opts.mergeOverlap, dataDir: DATA_DIR, pgStatements: opts.pgStatements, log, ...(cpuProfDir ? { cpuProfDir } : {}) };
    const systems: BenchSystem[] = opts.systems.map((name) =>
      name === 'tributary' ? tributarySystem(ctx, { client, address: temporal.address, namespace: temporal.namespace, bundlePath }) : name === 'dlt' ? dltSystem(ctx) : limitSystem(ctx),
    );
    const info = await systemInfo({ postgresUrl: postgres.url, dltVersion });
    const earlier = opts.include.map((f) => JSON.parse(readFileSync(f, 'utf8')) as { command: string; results: ScenarioResult[] });
    const results: ScenarioResult[] = earlier.flatMap((e) => e.results);
    const reported: BenchOptions = {
      ...opts,
      records: [...new Set([...results.map((r) => r.records), ...opts.records])].sort((a, b) => a - b),
      scenarios: SCENARIOS.filter((s) => opts.scenarios.includes(s) || results.some((r) => r.scenario === s)),
      systems: SYSTEMS.filter((s) => opts.systems.includes(s) || results.some((r) => r.system === s)),
    };
    const fullCommand = [...earlier.map((e) => e.command), command].join('` and `');
    const failures: string[] = [];
    const resultsFile = join(DATA_DIR, `results-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    const save = () => {
      writeFileSync(resultsFile, JSON.stringify({ command, info, options: opts, results, failures }, null, 2));
      if (opts.writeReport && results.length > 0) {
        const section = renderResults(results, info, reported, fullCommand, startedAt, Date.now() - startedAt.getTime());
        writeResultsSection(REPORT, failures.length ? `${section}\n\n### Failures\n\n${failures.map((f) => `- ${f}`).join('\n')}` : section);
      }
    };

    const throughput = opts.latency !== 'only' && opts.access !== 'only' && opts.mapping !== 'only' && !opts.dbScalingOnly;
    for (const records of throughput ? opts.records : []) {
      await control(upstreamUrl, { total: records, generation: 0 });
      const reps = records >= 1_000_000 ? opts.repsLarge : opts.reps;
      for (let rep = 1; rep <= reps; rep++) {
        for (const system of systems) {
          await system.reset(records);
          for (const scenario of opts.scenarios) {
            await control(upstreamUrl, { generation: GENERATION[scenario] });
            try {
              const result = { ...(await system.run(records, scenario, rep)), loadAvg1: loadavg()[0]! };
              results.push(result);
              log(describe(result));
            } catch (err) {
              const msg = `${system.name} ${records} ${scenario} rep ${rep}: ${(err as Error).message.slice(0, 2000)}`;
              failures.push(msg);
              log(`FAILED ${msg}`);
              break;
            }
            save();
          }
        }
      }
    }
    if (throughput) save();
    if (opts.dbScaling.length > 0) {
      const records = Math.max(...opts.records);
      log(`database scaling: a first load of ${records} records for settings ${opts.dbScaling.join(', ')}`);
      await control(upstreamUrl, { total: records, generation: 0 });
      const tributary = (c: BenchContext) => tributarySystem(c, { client, address: temporal.address, namespace: temporal.namespace, bundlePath });
      const scaling = await runScalingWorkload({ ctx, system: tributary, log }, records, opts.dbScaling);
      writeFileSync(join(DATA_DIR, `scaling-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(scaling, null, 2));
      if (opts.writeReport) writeScalingSection(REPORT, `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`${command}\` on ${info.cpus} × ${info.cpuModel}.\n\n${renderScaling(scaling)}`);
    }
    if (opts.mapping !== 'skip') {
      log(`mapping cost: ${MAPPING_RECORDS} records`);
      const firstLoads = results.filter((r) => r.system === 'tributary' && r.scenario === 'first' && r.records === MAPPING_RECORDS).map((r) => r.wallMs).sort((a, b) => a - b);
      const mapping = runMappingWorkload();
      const median = firstLoads.length > 0 ? firstLoads[Math.floor(firstLoads.length / 2)] : undefined;
      if (opts.writeReport) writeMappingSection(REPORT, `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`${command}\` on ${info.cpus} × ${info.cpuModel}.\n\n${renderMapping(mapping, median)}`);
    }
    if (opts.latency !== 'skip') {
      log('latency workload: a 150 ms upstream, four paging shapes');
      const latency = await runLatencyWorkload({ client, address: temporal.address, namespace: temporal.namespace, bundlePath, databaseUrl: (name) => withDatabase(postgres.url, name), dataDir: DATA_DIR, dlt: opts.systems.includes('dlt'), log });
      if (opts.writeReport) writeLatencySection(REPORT, `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`${command}\` on ${info.cpus} × ${info.cpuModel}.\n\n${renderLatency(latency)}`);
    }
    if (opts.access !== 'skip') {
      log(`access API under load: ${ACCESS_ROWS} rows`);
      const access = await runAccessWorkload({ databaseUrl: (name) => withDatabase(postgres.url, name), log });
      writeFileSync(join(DATA_DIR, `access-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(access, null, 2));
      if (opts.writeReport) writeAccessSection(REPORT, `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`${command}\` on ${info.cpus} × ${info.cpuModel}.\n\n${renderAccess(access)}`);
    }
    log(`done; raw results in ${resultsFile}${opts.writeReport ? ', report in BENCHMARKS.md' : ''}`);
  } finally {
    await stopAll();
  }
}

run(parseOptions(process.argv.slice(2))).catch((err) => {
  console.error(err);
  killAllChildren();
  process.exit(1);
});
