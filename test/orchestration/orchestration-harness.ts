import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { installQuietRuntime } from '../../client/runtime-logging.js';
import { type TributaryConfig, loadConfigFile } from '../../config/index.js';
import { type DemoApis, demoCredentialEnv, startDemoApis } from '../../examples/demo-apis/index.js';
import { createDatabase } from '../../store/create-database.js';
import type { Database } from '../../store/database-schema.js';
import { migrateToLatest } from '../../store/migrate.js';
import { type RunningWorker, startWorker } from '../../worker/create-worker.js';
import { createTestDatabase } from '../support/database.js';
import { DEMO_CONFIG } from '../support/pipeline-harness.js';
import { temporalEnv, uniqueTaskQueue } from '../support/temporal.js';

/** A demo setup whose config and secrets a test may bend (failure policy, wrong credentials). */
export interface OrchestrationHarness {
  readonly demo: DemoApis;
  readonly db: Kysely<Database>;
  readonly dbUrl: string;
  readonly config: TributaryConfig;
  readonly configPath: string;
  readonly env: Record<string, string>;
  readonly client: Client;
  readonly taskQueue: string;
  readonly worker: RunningWorker;
  close(): Promise<void>;
}

/**
 * Starts the demo APIs, a fresh database, a worker on a unique task queue and a client. `edit`
 * rewrites the demo config's YAML text; `env` overrides the secrets the worker resolves.
 */
export async function startOrchestrationHarness(opts: { edit?: (yaml: string) => string; env?: Record<string, string> } = {}): Promise<OrchestrationHarness> {
  installQuietRuntime();
  const demo = await startDemoApis();
  const env = { ...demoCredentialEnv(demo.credentials), DEMO_CRM_URL: demo.crm.url, DEMO_BILLING_URL: demo.billing.url, DEMO_SUPPORT_URL: demo.support.url, ...opts.env };
  const configPath = join(tmpdir(), `tributary-orchestration-${process.pid}-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(configPath, (opts.edit ?? ((y) => y))(await readFile(DEMO_CONFIG, 'utf8')));
  const config = await loadConfigFile(configPath, env);
  const database = await createTestDatabase();
  const db = createDatabase(database.url);
  await migrateToLatest(db);
  const { address, namespace } = temporalEnv();
  const taskQueue = uniqueTaskQueue('orch');
  const worker = await startWorker({ address, namespace, taskQueue, config, db, env });
  const connection = await Connection.connect({ address });
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
    },
  };
}
