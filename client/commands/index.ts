/** A CLI command: its name, a one-line summary for `--help`, and a lazy loader. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  /** Loads the command module; commands load lazily so `validate` never pulls in the Temporal SDK. */
  readonly load: () => Promise<{ run: (argv: string[]) => Promise<number> }>;
}

/**
 * Every command of `tributary`, in the order `--help` lists them. Each command parses its own
 * options (from `argv`, the arguments after its name) and returns its exit code:
 * 0 ok, 1 failure, 2 usage or config error.
 */
export const commands: readonly CommandEntry[] = [
  { name: 'start', summary: 'Run everything: Postgres, Temporal, worker, schedules, access API (the demo without --config)', load: () => import('./start.js') },
  { name: 'validate', summary: 'Check a config file offline and list every problem with its path', load: () => import('./validate.js') },
  { name: 'onboard', summary: 'Write a config for a new API from its OpenAPI document (--openapi, --operation) or GraphQL schema (--graphql, --field), validate it and fetch one page', load: () => import('./onboard.js') },
  { name: 'sources', summary: 'sources test --source S [--stream T] [--pages N]: fetch the first page(s), print samples and the pagination used', load: () => import('./sources-test.js') },
  { name: 'introspect', summary: 'Introspect a GraphQL source (--source S): schema summary and query validation', load: () => import('./introspect.js') },
  { name: 'serve', summary: 'Serve the access API alone (REST, GraphQL, OpenAPI, runs, freshness, metrics) over DATABASE_URL', load: () => import('./serve.js') },
  { name: 'worker', summary: 'Run a worker against TEMPORAL_ADDRESS and DATABASE_URL (graceful on SIGINT/SIGTERM)', load: () => import('./worker.js') },
  { name: 'apply', summary: 'Create or update the Temporal Schedules from config (--prune --yes removes those of deleted pipelines)', load: () => import('./apply.js') },
  { name: 'run', summary: 'Run a pipeline now (--pipeline P [--source S] [--wait] prints live progress and the summary)', load: () => import('./run.js') },
  { name: 'backfill', summary: 'Run a pipeline for past windows (--pipeline P --from T1 --to T2 [--step 1h]); idempotent', load: () => import('./backfill.js') },
  { name: 'rerun', summary: "Recompute a past run's pipeline from the latest raw payloads, without fetching (--run ID)", load: () => import('./rerun.js') },
  { name: 'status', summary: 'Schedules, last runs with counts, last success per source', load: () => import('./status.js') },
];
