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
];
