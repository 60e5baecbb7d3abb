/** What starting either server (Temporal, PostgreSQL) takes: where its data lives, its port, a log and whether the environment may name an external one. */
export interface StartServerOptions {
  /** Directory of the server's persisted state; kept across restarts. */
  dataDir: string;
  /** Port; the server's default when absent, `0` picks a free one. */
  port?: number;
  /** Progress messages; silent by default. */
  log?: (msg: string) => void;
  /** Honour the environment variable naming an external server (default true). Tests that must start their own server pass false. */
  useEnv?: boolean;
}

/** A server a command uses: one it started, or an external one the environment named. */
export interface ServerHandle {
  /** False when an external server from the environment is used. */
  startedHere: boolean;
  /** Stop the server if we started it; a no-op otherwise. Idempotent. */
  stop(): Promise<void>;
}

/** The external server the environment variable `name` names, unless `useEnv` is false; undefined when unset or empty. */
export function externalServer(name: string, opts: Pick<StartServerOptions, 'useEnv'>): string | undefined {
  if (opts.useEnv === false) return undefined;
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}
