import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createAccessApp, serveAccessApi } from '../../access/index.js';
import { loadConfigFile } from '../../config/index.js';
import { createLogger, installTelemetry, processMetrics, sdkMetricsText } from '../../observability/index.js';
import { TRIBUTARY_SEARCH_ATTRIBUTES, projectRoot, startPostgres, startTemporal } from '../../infra/index.js';
import { InfraError, isInfraError } from '../../infra/errors.js';
import { connectDatabase } from '../../store/create-database.js';
import { migrateToLatest } from '../../store/migrate.js';
import { DEFAULT_TASK_QUEUE } from '../../workflows/definitions.js';
import { startWorker } from '../../worker/create-worker.js';
import { shutdownOnSignals } from '../../worker/shutdown-on-signals.js';
import { chooseWorkflowBundle } from '../../worker/workflow-bundle.js';
import { DEMO_CONFIG_PATH, configUsesDemoApis, startDemo } from '../demo.js';
import { loadEnvFiles } from '../../config/env-file.js';
import { installQuietRuntime } from '../runtime-logging.js';
import { applySchedules, scheduleIdOf } from '../schedules.js';
import { commonOptions, configPathFrom, parseCommandArgs } from './common-options.js';

/** Options of `tributary start`. */
export interface StartOptions {
  /** A config file; without one the bundled demo runs. */
  readonly configPath?: string;
  /** Port of the access API. */
  readonly apiPort: number;
  /** Trigger a run of every pipeline right away. */
  readonly runNow: boolean;
}

/**
 * The main job: brings up Postgres and Temporal (embedded unless DATABASE_URL /
 * TEMPORAL_ADDRESS point elsewhere), migrates, starts the demo APIs when no config is given,
 * the worker and the access API, applies the schedules, triggers a first run, and stops
 * everything it started on Ctrl-C. Data lives under `.data/`, so a second start resumes.
 */
export async function startCommand(opts: StartOptions): Promise<void> {
  const log = createLogger({ base: { component: 'tributary' } });
  // The SDK's logs go to pino; its own metrics are appended to the access API's /metrics.
  if (!installTelemetry({ log, metricsAddress: process.env.TRIBUTARY_TEMPORAL_METRICS_ADDRESS ?? '127.0.0.1:9464' })) installQuietRuntime();
  const metrics = processMetrics();
  const dataDir = process.env.TRIBUTARY_DATA_DIR ?? join(projectRoot(), '.data');
  const cleanups: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => console.error(`shutdown: ${(err as Error).message}`));
  };
  // Ctrl-C: the worker drains, then everything started here stops (in reverse order), exit 0.
  shutdownOnSignals(stopAll, (msg) => console.log(`\n${msg}`));

  try {
    const say = (msg: string) => console.log(`[tributary] ${msg}`);
    const env = process.env;
    const configPath = opts.configPath ?? DEMO_CONFIG_PATH;
    const envFiles = loadEnvFiles(configPath, env);
    if (envFiles.length > 0) say(`read ${envFiles.join(', ')}`);
    // The bundled demo, or a copy of its config: the demo APIs it reads run here too.
    if (!opts.configPath || configUsesDemoApis(configPath, env)) {
      const ports = { crm: port('DEMO_CRM_PORT', 4101), billing: port('DEMO_BILLING_PORT', 4102), support: port('DEMO_SUPPORT_PORT', 4103) };
      const demo = await startDemo(env, ports).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EADDRINUSE') throw err;
        const busy = /:(\d+)$/.exec(err.message)?.[1] ?? `${ports.crm}-${ports.support}`;
        throw new InfraError('PORT_IN_USE', `port ${busy} of the demo APIs is in use, probably by another \`tributary start\`: stop that one (Ctrl-C in its terminal), or move the demo APIs with DEMO_CRM_PORT, DEMO_BILLING_PORT and DEMO_SUPPORT_PORT`);
      });
      cleanups.push(() => demo.stop());
      say(`demo APIs: CRM ${demo.crm.url}, billing ${demo.billing.url}, support ${demo.support.url}`);
    }
    const config = await loadConfigFile(configPath, env);

    const postgres = await startPostgres({ dataDir: join(dataDir, 'postgres'), port: port('TRIBUTARY_POSTGRES_PORT', 54329), log: say }).catch(
      busy('PostgreSQL', 'TRIBUTARY_POSTGRES_PORT', 'DATABASE_URL to use a running server'),
    );
    cleanups.push(() => postgres.stop());
    const { db, pool } = connectDatabase(postgres.url);
    cleanups.push(() => db.destroy());
    await migrateToLatest(db);

    const temporal = await startTemporal({ dataDir, port: port('TEMPORAL_PORT', 7233), uiPort: port('TEMPORAL_UI_PORT', 8233), searchAttributes: { ...TRIBUTARY_SEARCH_ATTRIBUTES }, log: say }).catch(
      busy('Temporal', 'TEMPORAL_PORT and TEMPORAL_UI_PORT', 'TEMPORAL_ADDRESS to use a running cluster'),
    );
    cleanups.push(() => temporal.stop());

    const taskQueue = env.TRIBUTARY_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
    const bundle = chooseWorkflowBundle(env);
    say(`worker: ${bundle.reason}`);
    const worker = await startWorker({ address: temporal.address, namespace: temporal.namespace, taskQueue, config, db, pool, log, metrics, ...(bundle.path ? { workflowBundlePath: bundle.path } : {}) });
    cleanups.push(() => worker.shutdown());

    const apiHost = accessHost(config, env.TRIBUTARY_API_HOST);
    const api = await serveAccessApi(createAccessApp({ db, config, log, metrics, extraMetrics: sdkMetricsText, temporalUiUrl: temporal.uiUrl ?? env.TEMPORAL_UI_URL, namespace: temporal.namespace }), { host: apiHost, port: opts.apiPort }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE') throw err;
      throw new InfraError('PORT_IN_USE', `port ${opts.apiPort} on ${apiHost} is in use, probably by another \`tributary start\`: stop that one (Ctrl-C in its terminal), or choose another port with --port or TRIBUTARY_API_PORT`);
    });
    cleanups.push(() => api.close());

    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: temporal.namespace });
    const applied = await applySchedules(client, config, { taskQueue, searchAttributes: true });
    for (const a of applied) say(`schedule ${a.scheduleId} ${a.action}`);
    if (opts.runNow) {
      for (const pipeline of Object.keys(config.pipelines)) await client.schedule.getHandle(scheduleIdOf(pipeline)).trigger();
      say(`triggered a first run of ${Object.keys(config.pipelines).join(', ')}`);
    }

    const entity = Object.keys(config.entities)[0];
    console.log(
      [
        '',
        'Tributary is running. Where to look:',
        `  Explorer       ${api.url}/    (the merged data, why each value won, how fresh every source is)`,
        `  Temporal UI    ${temporal.uiUrl ?? '(external cluster: see its UI)'}`,
        `  Access API     ${api.url}/v1/entities/${entity ?? '<entity>'}    (runs: ${api.url}/v1/runs, sources: ${api.url}/v1/sources, GraphQL: ${api.url}/graphql, metrics: ${api.url}/metrics)`,
        `                 ${config.access && config.access.auth !== 'none' ? 'bearer tokens required (access.tokens)' : 'no authentication: bound to 127.0.0.1 only; configure access.tokens to serve others'}`,
        // The embedded cluster's password is a fixed local default (it listens on loopback only); a DATABASE_URL's stays masked.
        `  Database       ${postgres.startedHere ? postgres.url : redactPassword(postgres.url)}    (entity tables in schema "unified")`,
        '',
        `Press Ctrl-C to stop; data under ${dataDir} survives a restart.`,
      ].join('\n'),
    );
    await worker.done;
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Without tokens the API is open, so it binds to loopback only, whatever was asked. */
function accessHost(config: { access?: { auth: string } | undefined }, requested: string | undefined): string {
  const open = !config.access || config.access.auth === 'none';
  return open ? '127.0.0.1' : (requested ?? '127.0.0.1');
}

function port(name: string, fallback: number): number {
  const v = process.env[name];
  return v ? Number(v) : fallback;
}

/** A server's busy port, said for a person running `start`: which server, what to stop, what to set. */
function busy(server: string, variables: string, alternative: string) {
  return (err: unknown): never => {
    if (!isInfraError(err, 'PORT_IN_USE')) throw err;
    const port = /port (\d+)/.exec(err.message)?.[1] ?? '?';
    throw new InfraError('PORT_IN_USE', `port ${port} (${server}) is in use, probably by another \`tributary start\`: stop that one (Ctrl-C in its terminal), or set ${variables}, or ${alternative}`, { cause: err });
  };
}

function redactPassword(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]+@/, '//$1:***@');
}

/** `tributary start [--config PATH] [--port N] [--no-run]`. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { ...commonOptions, port: { type: 'string' }, 'no-run': { type: 'boolean', default: false } });
  if (values.help) {
    console.log(
      [
        'Usage: tributary start [--config PATH] [--port N] [--no-run]',
        'Runs everything: PostgreSQL and Temporal (embedded unless DATABASE_URL / TEMPORAL_ADDRESS are set), the',
        'worker, the Temporal Schedules of the config, the access API and explorer (--port, default',
        '$TRIBUTARY_API_PORT or 3000), and a first run of every pipeline (unless --no-run). Without --config the',
        'bundled demo runs with its demo APIs; a config that reads ${DEMO_*_URL} starts them too. Ctrl-C stops it.',
      ].join('\n'),
    );
    return 0;
  }
  const configPath = configPathFrom(values);
  const apiPort = Number(values.port ?? process.env.TRIBUTARY_API_PORT ?? 3000);
  await startCommand({ ...(configPath ? { configPath } : {}), apiPort, runNow: !values['no-run'] });
  return 0;
}
