import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { findTemporalCli } from '../../infra/index.js';
import { runToEnd } from '../measure/child-process.js';
import { withPg } from '../measure/pg-stats.js';

/** The machine and software a bench run measured on. */
export interface SystemInfo {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  readonly postgres: string;
  readonly temporalCli: string;
  readonly dlt: string;
  /** The commit measured, with \`+changes\` when the working tree differed from it. */
  readonly commit: string;
  /** Versions of the packages that matter to the measurement, from package.json. */
  readonly packages: Record<string, string>;
}

/** Collects versions and hardware facts for the report. */
export async function systemInfo(opts: { postgresUrl: string; dltVersion: () => Promise<string> }): Promise<SystemInfo> {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const all = { ...pkg.dependencies, ...pkg.devDependencies };
  const packages = Object.fromEntries(['@temporalio/worker', 'kysely', 'pg', 'got', 'graphql', 'zod', 'pg-copy-streams', 'tsx'].map((n) => [n, all[n] ?? '-']));
  let cli: string | undefined;
  try {
    cli = findTemporalCli();
  } catch {
    cli = undefined;
  }
  const temporalCli = cli ? (await runToEnd(cli, ['--version']).catch(() => 'unknown')).trim() : 'external server';
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: readFileSync('/proc/version', 'utf8').split(' ').slice(0, 3).join(' '),
    node: process.version,
    postgres: await withPg(opts.postgresUrl, async (c) => (await c.query<{ v: string }>('select version() as v')).rows[0]!.v.split(' on ')[0]!),
    temporalCli,
    dlt: await opts.dltVersion().catch(() => 'not installed'),
    commit: await gitCommit(),
    packages,
  };
}

async function gitCommit(): Promise<string> {
  const commit = (await runToEnd('git', ['rev-parse', '--short', 'HEAD']).catch(() => '')).trim();
  if (!commit) return process.env['BENCH_COMMIT'] ?? 'unknown (not a git checkout)';
  // The report itself (BENCHMARKS.md, rewritten during the run) does not make the measured code differ.
  const dirty = (await runToEnd('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!BENCHMARKS.md']).catch(() => '')).trim();
  return dirty ? `${commit}+changes` : commit;
}
