import { hostname } from 'node:os';
import { createLogger, installTelemetry } from '../../observability/index.js';
import { migrateToLatest } from '../../store/migrate.js';
import { startWorker } from '../../worker/create-worker.js';
import { shutdownOnSignals } from '../../worker/shutdown-on-signals.js';
import { chooseWorkflowBundle } from '../../worker/workflow-bundle.js';
import { connectDatabase } from '../../store/create-database.js';
import { databaseUrl, temporalTarget } from '../connection.js';
import { UsageError, commonOptions, loadCommandConfig, parseCommandArgs } from './common-options.js';

/**
 * `tributary worker [--config PATH] [--task-queue Q] [--max-activities N] [--max-workflow-tasks N] [--bundle PATH]`:
 * runs a worker against `TEMPORAL_ADDRESS` and `DATABASE_URL` (default: what `tributary start`
 * runs locally). Concurrency also comes from `TRIBUTARY_MAX_ACTIVITIES` and
 * `TRIBUTARY_MAX_WORKFLOW_TASKS`. SIGINT/SIGTERM stop it gracefully.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    ...commonOptions,
    'task-queue': { type: 'string' },
    'max-activities': { type: 'string' },
    'max-workflow-tasks': { type: 'string' },
    bundle: { type: 'string' },
    'log-level': { type: 'string' },
  });
  if (values.help) {
    console.log('Usage: tributary worker [--config PATH] [--task-queue Q] [--max-activities N] [--max-workflow-tasks N] [--bundle PATH] [--log-level L]\nRuns a worker against TEMPORAL_ADDRESS (TEMPORAL_NAMESPACE) and DATABASE_URL; the task queue also comes from\nTRIBUTARY_TASK_QUEUE, concurrency from TRIBUTARY_MAX_ACTIVITIES and TRIBUTARY_MAX_WORKFLOW_TASKS.\nSIGINT/SIGTERM stop it gracefully: in-flight activities finish or checkpoint first.');
    return 0;
  }
  const env = process.env;
  const level = (values['log-level'] ?? env.TRIBUTARY_LOG_LEVEL ?? 'INFO').toUpperCase();
  if (!['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'].includes(level)) throw new UsageError(`--log-level "${level}"; valid: TRACE, DEBUG, INFO, WARN, ERROR`);
  // Workflow (replay-aware), activity and SDK logs go to the structured logger; with
  // TRIBUTARY_TEMPORAL_METRICS_ADDRESS the SDK's own metrics are exported too.
  installTelemetry({
    log: createLogger({ base: { component: 'worker' }, level: level.toLowerCase() }),
    level: level as 'INFO',
    metricsAddress: env.TRIBUTARY_TEMPORAL_METRICS_ADDRESS,
  });
  const config = await loadCommandConfig(values, env);
  const target = temporalTarget(env);
  const taskQueue = values['task-queue'] ?? target.taskQueue;
  const maxConcurrentActivities = positive(values['max-activities'] ?? env.TRIBUTARY_MAX_ACTIVITIES, '--max-activities');
  const maxConcurrentWorkflowTasks = positive(values['max-workflow-tasks'] ?? env.TRIBUTARY_MAX_WORKFLOW_TASKS, '--max-workflow-tasks');
  const bundle = values.bundle ? { path: values.bundle, reason: `pre-built bundle ${values.bundle}` } : chooseWorkflowBundle(env);

  // A pool of the worker's own size (the CLI's two connections would queue concurrent fetches and merges).
  const { db, pool } = connectDatabase(databaseUrl(env), { applicationName: 'tributary-worker' });
  await migrateToLatest(db);
  const worker = await startWorker({
    address: target.address,
    namespace: target.namespace,
    taskQueue,
    config,
    db,
    pool,
    env,
    identity: `tributary-${process.pid}@${hostname()}`,
    ...(maxConcurrentActivities ? { maxConcurrentActivities } : {}),
    ...(maxConcurrentWorkflowTasks ? { maxConcurrentWorkflowTasks } : {}),
    ...(bundle.path ? { workflowBundlePath: bundle.path } : {}),
  });
  shutdownOnSignals(async () => {
    await worker.shutdown();
    await db.destroy();
  });
  console.log(`worker ready: task queue ${taskQueue} on ${target.address} (${target.namespace}), database ${redact(databaseUrl(env))}; ${bundle.reason}`);
  await worker.done;
  await db.destroy();
  return 0;
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]+@/, '//$1:***@');
}
