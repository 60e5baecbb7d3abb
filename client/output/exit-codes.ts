/**
 * Exit codes of every `tributary` command, so scripts can branch on them:
 *
 * | code | meaning |
 * |---|---|
 * | 0 | done |
 * | 1 | the operation failed (a run failed, a server could not start) |
 * | 2 | bad usage or an invalid config file: fix the command line or the file |
 * | 3 | a dependency is unreachable (Postgres, Temporal): start it or fix its address |
 * | 4 | done, but degraded: some sources failed or are stale |
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  unavailable: 3,
  degraded: 4,
} as const;

/** One of `ExitCode`'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
