import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { loadConfigFile } from '../../config/index.js';
import type { TributaryConfig } from '../../config/index.js';
import { type DemoApis, demoCredentialEnv, startDemoApis } from '../../examples/demo-apis/index.js';
import { createDatabase } from '../../store/create-database.js';
import type { Database } from '../../store/database-schema.js';
import { migrateToLatest } from '../../store/migrate.js';
import { installQuietRuntime } from '../../client/runtime-logging.js';
import { type RunningWorker, startWorker } from '../../worker/create-worker.js';
import { createTestDatabase } from './database.js';
import { temporalEnv, uniqueTaskQueue } from './temporal.js';

/** The demo pipeline config file. */
export const DEMO_CONFIG = fileURLToPath(new URL('../../examples/demo/pipeline.yaml', import.meta.url));

/** Everything an end-to-end test needs: demo APIs, a fresh database, a worker and a client. */
export interface PipelineHarness {
  readonly demo: DemoApis;
  readonly db: Kysely<Database>;
  readonly config: TributaryConfig;
  readonly client: Client;
  readonly taskQueue: string;
  readonly worker: RunningWorker;
  /** Stops everything and drops the database. */
  close(): Promise<void>;
}

/**
 * Starts the demo upstream APIs on free ports, a fresh migrated database on the test server,
 * and a worker on a unique task queue of the test Temporal server.
 */
export async function startPipelineHarness(opts: { configPath?: string; tokenTtlSeconds?: number } = {}): Promise<PipelineHarness> {
  installQuietRuntime();
  const demo = await startDemoApis(opts.tokenTtlSeconds ? { tokenTtlSeconds: opts.tokenTtlSeconds } : {});
  const env = { ...demoCredentialEnv(demo.credentials), DEMO_CRM_URL: demo.crm.url, DEMO_BILLING_URL: demo.billing.url, DEMO_SUPPORT_URL: demo.support.url };
  const config = await loadConfigFile(opts.configPath ?? DEMO_CONFIG, env);
  const database = await createTestDatabase();
  const db = createDatabase(database.url);
  await migrateToLatest(db);
  const { address, namespace } = temporalEnv();
  const taskQueue = uniqueTaskQueue('e2e');
  const worker = await startWorker({ address, namespace, taskQueue, config, db, env });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  return {
    demo,
    db,
    config,
    client,
    taskQueue,
    worker,
    async close() {
      await worker.shutdown();
      await connection.close();
      await db.destroy();
      await database.drop();
      await demo.stop();
    },
  };
}
