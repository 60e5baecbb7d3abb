import { hostname } from 'node:os';
import { configFingerprint } from '../config/config-fingerprint.js';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { DestinationStream } from 'pino';
import { createActivities } from '../activities/index.js';
import type { TributaryConfig } from '../config/tributary-config.js';
import { createTokenCache } from '../connectors/auth/token-cache.js';
import { createRateLimiterRegistry } from '../connectors/rate-limit/rate-limiter.js';
import { createPgRateBudget } from '../store/rate-budget-store.js';
import { createHttpClient } from '../connectors/http/http-client.js';
import { createSecretResolver } from '../secrets/resolve-secret.js';
import { createSecretMasker } from '../secrets/secret-masker.js';
import { createAlertDispatcher } from '../observability/alerts/alert-dispatcher.js';
import { watchFreshness } from '../observability/alerts/notify-run-outcome.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { type TributaryMetrics, httpObserver, processMetrics } from '../observability/metrics.js';
import { serveMetrics } from '../observability/serve-metrics.js';
import type { Database } from '../store/database-schema.js';
import type { CopyPool } from '../store/staging/stage-page-copy.js';
import { createPgRefreshTokenStore } from '../store/oauth-token-store.js';
import { DEFAULT_TASK_QUEUE } from '../workflows/definitions.js';
import { WORKFLOWS_PATH } from './workflow-bundle.js';

/** Where and how the worker runs. */
export interface WorkerOptions {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue?: string;
  readonly config: TributaryConfig;
  readonly db: Kysely<Database>;
  /** The pool under `db` (`connectDatabase`), so fetches stage records by COPY; without it they are upserted. */
  readonly pool?: CopyPool;
  /** Environment that secret references resolve against (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Max concurrent activities: fetches and merges in flight (default 20). */
  readonly maxConcurrentActivities?: number;
  /** Max concurrent workflow tasks (default 40). */
  readonly maxConcurrentWorkflowTasks?: number;
  /** How long in-flight activities may run on after shutdown starts before they are cancelled (default 20 s). */
  readonly shutdownGraceTime?: string;
  /** Worker identity in the Temporal UI (default: pid@host), followed by ` config:<fingerprint>`. */
  readonly identity?: string;
  /** A pre-built workflow bundle (`npm run build`, see `chooseWorkflowBundle`); without it, workflows are bundled at start. */
  readonly workflowBundlePath?: string;
  /** Structured logs (default: pino on stdout at `$TRIBUTARY_LOG_LEVEL`, secrets masked). */
  readonly log?: Logger;
  /** Where the default logger writes, and at which level (a test reading the worker's own masked lines). */
  readonly logTo?: { readonly destination: DestinationStream; readonly level: string };
  /** Metrics (default: the process-wide ones, shared with an access API in the same process). */
  readonly metrics?: TributaryMetrics;
  /** Serve `/metrics` on this port (default `$TRIBUTARY_WORKER_METRICS_PORT`, else not served: the access API serves them). */
  readonly metricsPort?: number;
}

/** The running worker and how to stop it. */
export interface RunningWorker {
  readonly worker: Worker;
  /** Resolves when the worker has stopped. */
  readonly done: Promise<void>;
  /** Stops polling, lets in-flight activities finish, and closes the connection. */
  shutdown(): Promise<void>;
}

/**
 * The one place that wires engines into activities and starts a worker: connection, HTTP
 * client, secrets, token cache, activities and workflows.
 */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const masker = createSecretMasker();
  const secrets = createSecretResolver(masker, opts.env);
  const metrics = opts.metrics ?? processMetrics();
  const log = (opts.log ?? createLogger({ masker, base: { component: 'worker' }, ...(opts.logTo ? { destination: opts.logTo.destination, level: opts.logTo.level } : {}) })).child({});
  const http = createHttpClient({ masker, observe: httpObserver(metrics) });
  // Each source's limits hold across every worker on this database (see `createSharedRateLimiter`).
  const budget = opts.pool ? createPgRateBudget(opts.db, opts.pool) : undefined;
  const alerts = opts.config.alerts ? createAlertDispatcher({ db: opts.db, config: opts.config.alerts, secrets, masker, log, metrics, namespace: opts.namespace }) : undefined;
  const activities = createActivities({ db: opts.db, copyPool: opts.pool, config: opts.config, http, secrets, masker, tokens: createTokenCache(), refreshTokens: createPgRefreshTokenStore(opts.db), rateLimits: createRateLimiterRegistry(Date.now, budget), log, metrics, alerts });
  // Stale sources alert even when no run finishes (a paused schedule, every worker down but this one).
  const stopWatch = alerts ? watchFreshness({ db: opts.db, config: opts.config, dispatcher: alerts, onError: (err) => log.warn({ err: masker.mask(err.message) }, 'freshness check failed') }) : () => undefined;
  const metricsPort = opts.metricsPort ?? (process.env.TRIBUTARY_WORKER_METRICS_PORT ? Number(process.env.TRIBUTARY_WORKER_METRICS_PORT) : undefined);
  const metricsServer = metricsPort !== undefined ? await serveMetrics(metrics, { port: metricsPort, host: process.env.TRIBUTARY_WORKER_METRICS_HOST ?? '127.0.0.1' }) : undefined;
  if (metricsServer) log.info({ url: metricsServer.url }, 'worker metrics served');
  const connection = await NativeConnection.connect({ address: opts.address });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? DEFAULT_TASK_QUEUE,
    activities,
    ...(opts.workflowBundlePath
      ? { workflowBundle: { codePath: opts.workflowBundlePath } }
      : { workflowsPath: WORKFLOWS_PATH }),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivities ?? 20,
    maxConcurrentWorkflowTaskExecutions: opts.maxConcurrentWorkflowTasks ?? 40,
    // Long activities heartbeat every 2 s against 10 s timeouts: send them on promptly.
    maxHeartbeatThrottleInterval: '3 seconds',
    shutdownGraceTime: (opts.shutdownGraceTime ?? '20 seconds') as '20 seconds',
    // The config fingerprint in the identity lets `tributary status` show which config each worker runs.
    identity: `${opts.identity ?? `${process.pid}@${hostname()}`} config:${configFingerprint(opts.config)}`,
  });
  const done = worker.run().finally(async () => {
    stopWatch();
    // Its connection is out of the pool until released: the pool could not end before.
    await budget?.close();
    await metricsServer?.close();
    await connection.close();
  });
  return {
    worker,
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
