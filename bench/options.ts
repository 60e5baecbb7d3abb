import { SCENARIOS, type Scenario, SYSTEMS, type SystemName } from './systems/bench-system.js';

/** What `npm run bench -- ...` asked for. */
export interface BenchOptions {
  /** Total upstream record counts to measure (across the three sources). */
  readonly records: readonly number[];
  /** Repetitions for record counts below 1M. */
  readonly reps: number;
  /** Repetitions for record counts of 1M and more (a 1M repetition of all systems takes minutes). */
  readonly repsLarge: number;
  readonly scenarios: readonly Scenario[];
  readonly systems: readonly SystemName[];
  /** Records per page, for every system and stream. */
  readonly pageSize: number;
  /** Tributary's `merge.maxPartitions` (default: the config's default, 2). */
  readonly mergePartitions?: number;
  /** Tributary's `merge.overlap` (default: on, the config's default). */
  readonly mergeOverlap: boolean;
  /** Write CPU profiles of the Tributary worker into bench/.data/profiles. */
  readonly cpuProf: boolean;
  /** Preload pg_stat_statements in the bench's own Postgres and keep each Tributary scenario's top statements. */
  readonly pgStatements: boolean;
  /** Earlier results files (bench/.data/results-*.json) whose results join this run's report, e.g. 100k and 1M measured in two sittings. */
  readonly include: readonly string[];
  /** Rewrite the generated section of BENCHMARKS.md (default true). */
  readonly writeReport: boolean;
  /** The latency workload (a 150 ms upstream, see bench/latency): `with` the throughput runs (default), `only`, or `skip`. */
  readonly latency: 'with' | 'only' | 'skip';
  /** The access API under load (1M rows, see bench/access): `with` the throughput runs (default), `only`, or `skip`. */
  readonly access: 'with' | 'only' | 'skip';
  /** The mapping cost of 1M records (see bench/mapping): `with` the throughput runs (default), `only`, or `skip`. */
  readonly mapping: 'with' | 'only' | 'skip';
  /** Settings N of the database scaling workload (a second Postgres on N cores, N parallel workers, N partitions; see bench/scaling); empty: not run. */
  readonly dbScaling: readonly number[];
  /** Run only the database scaling workload. */
  readonly dbScalingOnly: boolean;
}

/** The defaults: 100k and 1M records, 3 repetitions of each, all scenarios and systems, 250 records a page. */
export const DEFAULT_OPTIONS: BenchOptions = {
  records: [100_000, 1_000_000],
  reps: 3,
  repsLarge: 3,
  scenarios: SCENARIOS,
  systems: SYSTEMS,
  pageSize: 250,
  mergeOverlap: true,
  cpuProf: false,
  pgStatements: false,
  include: [],
  writeReport: true,
  latency: 'with',
  access: 'with',
  mapping: 'with',
  dbScaling: [],
  dbScalingOnly: false,
};

const USAGE = `npm run bench -- [options]
  --records 100000,1000000   total upstream records per data set (k and m suffixes allowed)
  --reps 3                   repetitions below 1M records
  --reps-large 3             repetitions at 1M records and more
  --scenarios first,unchanged,changed10
  --systems tributary,dlt,limit
  --skip-dlt | --skip-limit  leave a system out
  --page-size 250            records per page (100-500), the same for every system
  --merge-partitions 4       Tributary's merge.maxPartitions (entity writes on this many connections at most)
  --no-merge-overlap         Tributary with merge.overlap: false (merge only after the fetch)
  --cpu-prof                 CPU profiles of the Tributary worker into bench/.data/profiles
  --pg-statements            top Postgres statements per Tributary scenario (bench-started Postgres only)
  --include <results.json>   add an earlier run's results to the report (repeatable)
  --no-report                do not rewrite BENCHMARKS.md
  --latency-only             only the latency workload (150 ms upstream; Tributary and dlt)
  --skip-latency             leave the latency workload out
  --access-only              only the access API under load (1M rows; Tributary and a minimal node:http + pg server)
  --skip-access              leave the access API load out
  --mapping-only             only the mapping cost of 1M records (in process, a few seconds)
  --skip-mapping             leave the mapping cost out
  --db-scaling 1,2,4         also a first load (of the largest --records) into a second Postgres pinned to N cores
                             with N parallel workers and N merge partitions, for each N
  --db-scaling-only 1,2,4    only that`;

function count(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!m) throw new Error(`not a record count: ${text}`);
  return Math.round(Number(m[1]) * (m[2]?.toLowerCase() === 'm' ? 1e6 : m[2]?.toLowerCase() === 'k' ? 1e3 : 1));
}

function listOf<T extends string>(text: string, valid: readonly T[], name: string): T[] {
  return text.split(',').map((s) => {
    if (!(valid as readonly string[]).includes(s)) throw new Error(`unknown ${name} "${s}"; valid: ${valid.join(', ')}`);
    return s as T;
  });
}

/** Parses the command line; throws with the usage on a bad option. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const o = { ...DEFAULT_OPTIONS } as { -readonly [K in keyof BenchOptions]: BenchOptions[K] };
  let systems = [...SYSTEMS] as SystemName[];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--records') o.records = value().split(',').map(count);
    else if (arg === '--reps') o.reps = count(value());
    else if (arg === '--reps-large') o.repsLarge = count(value());
    else if (arg === '--scenarios') o.scenarios = listOf(value(), SCENARIOS, 'scenario');
    else if (arg === '--systems') systems = listOf(value(), SYSTEMS, 'system');
    else if (arg === '--skip-dlt') systems = systems.filter((s) => s !== 'dlt');
    else if (arg === '--skip-limit') systems = systems.filter((s) => s !== 'limit');
    else if (arg === '--page-size') o.pageSize = count(value());
    else if (arg === '--merge-partitions') o.mergePartitions = count(value());
    else if (arg === '--no-merge-overlap') o.mergeOverlap = false;
    else if (arg === '--cpu-prof') o.cpuProf = true;
    else if (arg === '--pg-statements') o.pgStatements = true;
    else if (arg === '--include') o.include = [...o.include, value()];
    else if (arg === '--no-report') o.writeReport = false;
    else if (arg === '--latency-only') o.latency = 'only';
    else if (arg === '--skip-latency') o.latency = 'skip';
    else if (arg === '--access-only') o.access = 'only';
    else if (arg === '--skip-access') o.access = 'skip';
    else if (arg === '--mapping-only') o.mapping = 'only';
    else if (arg === '--skip-mapping') o.mapping = 'skip';
    else if (arg === '--db-scaling' || arg === '--db-scaling-only') {
      o.dbScaling = value().split(',').map(count);
      if (o.dbScaling.some((n) => n < 1 || n > 64)) throw new Error(`${arg} takes settings from 1 to 64`);
      o.dbScalingOnly = arg === '--db-scaling-only';
    } else if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  if (o.pageSize < 1 || o.pageSize > 1000) throw new Error('--page-size must be between 1 and 1000');
  // Reruns measure against the state the first load left, so they need it.
  if (!o.scenarios.includes('first')) throw new Error('--scenarios must include first (the reruns build on it)');
  o.systems = systems;
  // One "only" leaves every other workload out.
  if (o.latency === 'only') [o.access, o.mapping] = ['skip', 'skip'];
  if (o.access === 'only') [o.latency, o.mapping] = ['skip', 'skip'];
  if (o.mapping === 'only') [o.latency, o.access] = ['skip', 'skip'];
  // The scaling workload measures Tributary alone.
  if (o.dbScalingOnly) [o.latency, o.access, o.mapping, o.systems] = ['skip', 'skip', 'skip', ['tributary']];
  return o;
}
