import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnChild } from '../measure/child-process.js';
import { parseTimeVerbose, sampleRss } from '../measure/peak-rss.js';
import { recreateDatabase, rowsWritten } from '../measure/pg-stats.js';
import type { BenchContext, BenchSystem, Scenario, ScenarioResult } from './bench-system.js';

const LIMIT_MAIN = fileURLToPath(new URL('./limit-load.ts', import.meta.url));
const DATABASE = 'bench_limit';
const TIME = '/usr/bin/time';

/**
 * The hardware ceiling (bench/systems/limit-load.ts) in its own process and database: every
 * scenario reloads all N records, since a ceiling has no notion of "unchanged".
 */
export function limitSystem(ctx: BenchContext): BenchSystem {
  const url = ctx.databaseUrl(DATABASE);
  return {
    name: 'limit',
    async reset() {
      await recreateDatabase(ctx.databaseUrl('postgres'), DATABASE);
    },
    async run(records: number, scenario: Scenario, rep: number): Promise<ScenarioResult> {
      const rowsBefore = await rowsWritten(url);
      const env = { ...process.env, BENCH_UPSTREAM_URL: ctx.upstreamUrl, DATABASE_URL: url, BENCH_PAGE_SIZE: String(ctx.pageSize) };
      const node = [process.execPath, '--import', 'tsx', LIMIT_MAIN];
      const useTime = existsSync(TIME);
      const child = useTime ? spawnChild(TIME, ['-v', ...node], { env }) : spawnChild(node[0]!, node.slice(1), { env });
      const sampler = sampleRss(child.proc.pid!);
      const code = await child.exited;
      const sampled = sampler.stop();
      if (code !== 0) throw new Error(`limit script failed (${code}): ${child.stderr().slice(-4000)}`);
      const out = await child.waitForJson<{ records: number; wallMs: number; cpuMs: number }>((v) => v['done'] === true, 1000);
      if (out.records !== records) throw new Error(`limit script loaded ${out.records} records, expected ${records}`);
      return {
        system: 'limit',
        records,
        scenario,
        rep,
        wallMs: out.wallMs,
        recordsPerSec: records / (out.wallMs / 1000),
        peakRssBytes: (useTime ? parseTimeVerbose(child.stderr()) : undefined) ?? sampled,
        rowsWritten: (await rowsWritten(url)) - rowsBefore,
        cpuMs: out.cpuMs,
      };
    },
    async close() {},
  };
}
