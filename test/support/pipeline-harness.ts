import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { installQuietRuntime } from '../../client/runtime-logging.js';
import { loadConfigFile } from '../../config/index.js';
import type { TributaryConfig } from '../../config/index.js';
import { type DemoApis, demoCredentialEnv, startDemoApis } from '../../examples/demo-apis/index.js';
import { connectDatabase } from '../../store/create-database.js';
import type { Database } from '../../store/database-schema.js';
import { migrateToLatest } from '../../store/migrate.js';
import { type RunningWorker, startWorker } from '../../worker/create-worker.js';
import { createTestDatabase } from './database.js';
import { temporalEnv, uniqueTaskQueue } from './temporal.js';

/** The demo pipeline config file. */
export const DEMO_CONFIG = fileURLToPath(new URL('../../examples/demo/pipeline.yaml', import.meta.url));

/** Everything an end-to-end test needs: demo APIs, a fresh database, a worker and a client. */
export interface PipelineHarness {
  readonly demo: DemoApis;
  readonly db: Kysely<Database>;
  /** URL of the test's own database. */
  readonly dbUrl: string;
  readonly config: TributaryConfig;
  /** The config file the worker runs (a bent copy when `edit` was given). */
  readonly configPath: string;
  /** The environment secrets and `${VAR}`s resolve against: demo URLs and credentials plus overrides. */
  readonly env: Record<string, string>;
  readonly client: Client;
  readonly taskQueue: string;
  readonly worker: RunningWorker;
  /** Stops everything and drops the database. */
  close(): Promise<void>;
}

/** How a test bends the setup. */
export interface PipelineHarnessOptions {
  /** The config file (default: the demo's). */
  readonly configPath?: string;
  /** Rewrites the config's YAML text (failure policy, sources, ...); the result goes to a temp file. */
  readonly edit?: (yaml: string) => string;
  /** Overrides the environment the worker resolves secrets against (e.g. a wrong credential). */
  readonly env?: Record<string, string>;
  /** Lifetime of the demo billing API's OAuth2 tokens. */
  readonly tokenTtlSeconds?: number;
  /** Keeps the worker's log lines (info and up, masked as in production) here. */
  readonly logLines?: string[];
}

/**
 * Starts the demo upstream APIs on free ports, a fresh migrated database on the test server,
 * and a worker on a unique task queue of the test Temporal server.
 */
export async function startPipelineHarness(opts: PipelineHarnessOptions = {}): Promise<PipelineHarness> {
  installQuietRuntime();
  const demo = await startDemoApis(opts.tokenTtlSeconds ? { tokenTtlSeconds: opts.tokenTtlSeconds } : {});
  const env = { ...demoCredentialEnv(demo.credentials), DEMO_CRM_URL: demo.crm.url, DEMO_BILLING_URL: demo.billing.url, DEMO_SUPPORT_URL: demo.support.url, ...opts.env };
  let configPath = opts.configPath ?? DEMO_CONFIG;
  let tempConfig: string | undefined;
  if (opts.edit) {
    tempConfig = join(tmpdir(), `tributary-harness-${process.pid}-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(tempConfig, opts.edit(await readFile(configPath, 'utf8')));
    configPath = tempConfig;
  }
  // Whatever started is stopped again when a later step fails (an invalid config, say), so a
  // failing setup never leaves servers that keep the test process alive.
  const started: Array<() => Promise<unknown>> = [() => demo.stop(), ...(tempConfig ? [() => rm(tempConfig!, { force: true })] : [])];
  let config;
  let database;
  let db;
  let pool;
  let worker;
  let connection;
  const taskQueue = uniqueTaskQueue('e2e');
  const { address, namespace } = temporalEnv();
  try {
    config = await loadConfigFile(configPath, env);
    database = await createTestDatabase();
    started.push(database.drop);
    ({ db, pool } = connectDatabase(database.url));
    const opened = db;
    started.push(() => opened.destroy());
    await migrateToLatest(db);
    const logTo = opts.logLines ? { destination: { write: (line: string) => void opts.logLines!.push(line) }, level: 'info' } : undefined;
    worker = await startWorker({ address, namespace, taskQueue, config, db, pool, env, ...(logTo ? { logTo } : {}) });
    const running = worker;
    started.push(() => running.shutdown());
    connection = await Connection.connect({ address });
  } catch (err) {
    for (const stop of started.reverse()) await stop().catch(() => {});
    throw err;
  }
  const client = new Client({ connection, namespace });
  return {
    demo,
    db,
    dbUrl: database.url,
    config,
    configPath,
    env,
    client,
    taskQueue,
    worker,
    async close() {
      await worker.shutdown();
      await connection.close();
      await db.destroy();
      await database.drop();
      await demo.stop();
      if (tempConfig) await rm(tempConfig, { force: true });
    },
  };
}
