/** The bench's scenarios, run in this order against each fresh database. */
export const SCENARIOS = ['first', 'unchanged', 'changed10'] as const;

/** A scenario: first full load, rerun with nothing changed, rerun with 10 % of records changed. */
export type Scenario = (typeof SCENARIOS)[number];

/** The systems the bench compares. */
export const SYSTEMS = ['tributary', 'dlt', 'limit'] as const;

/** One of the compared systems. */
export type SystemName = (typeof SYSTEMS)[number];

/** What one system did in one scenario. */
export interface ScenarioResult {
  readonly system: SystemName;
  readonly records: number;
  readonly scenario: Scenario;
  readonly rep: number;
  /** Wall time of the load, ms. */
  readonly wallMs: number;
  /** Upstream records read per second of wall time. */
  readonly recordsPerSec: number;
  /** Peak resident memory of the system's process (the Tributary worker, dlt's Python, the limit script). */
  readonly peakRssBytes: number;
  /** Rows inserted + updated + deleted in Postgres. */
  readonly rowsWritten: number;
  /** CPU time of the system's process, ms, when known. */
  readonly cpuMs?: number;
  /** The machine's 1-minute load average when the measurement ended (other work on the machine shows here). */
  readonly loadAvg1?: number;
  /** System-specific detail (Tributary's time split and history sizes). */
  readonly detail?: Record<string, unknown>;
}

/** Everything the systems share: the same upstream, the same Postgres server, the same page size. */
export interface BenchContext {
  readonly upstreamUrl: string;
  /** A URL of the Postgres server; `databaseUrl(name)` points at one database on it. */
  databaseUrl(name: string): string;
  readonly pageSize: number;
  /** Tributary's `merge.maxPartitions`, when set. */
  readonly mergePartitions?: number;
  /** Tributary's `merge.overlap` (false: merged only after the fetch). */
  readonly mergeOverlap: boolean;
  /** Where the bench keeps its working files (gitignored). */
  readonly dataDir: string;
  /** Write CPU profiles of the measured process into this directory. */
  readonly cpuProfDir?: string;
  /** Record the top statements of pg_stat_statements per Tributary scenario (the server preloads it). */
  readonly pgStatements?: boolean;
  /** Progress output. */
  log(msg: string): void;
}

/** A system under measurement. */
export interface BenchSystem {
  readonly name: SystemName;
  /** A fresh database and state, before a repetition's first scenario. */
  reset(records: number): Promise<void>;
  /** Runs one load against the upstream's current data. */
  run(records: number, scenario: Scenario, rep: number): Promise<ScenarioResult>;
  /** Stops whatever the system keeps running. */
  close(): Promise<void>;
}
