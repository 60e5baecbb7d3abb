import { createAccessApp, resolveTokens, serveAccessApi } from '../../access/index.js';
import { createLogger, processMetrics } from '../../observability/index.js';
import { migrateToLatest } from '../../store/migrate.js';
import { createDatabase } from '../../store/create-database.js';
import { databaseUrl } from '../connection.js';
import { ExitCode, printJson, reportError } from '../output/index.js';
import { UsageError, commonOptions, loadCommandConfig, parseCommandArgs } from './common-options.js';

/**
 * `tributary serve [--config PATH] [--host H] [--port N] [--json]`: the access API alone (REST,
 * GraphQL, OpenAPI, runs, freshness, metrics) over `DATABASE_URL`. Tokens are resolved at start,
 * so a missing secret fails here (exit 2) rather than at the first request. Without
 * `access.tokens` the API is open and binds to 127.0.0.1 only. SIGINT/SIGTERM stop it.
 *
 * Exit codes: 0 stopped by a signal, 2 bad options or config, 3 database unreachable.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { ...commonOptions, host: { type: 'string' }, port: { type: 'string' } });
  if (values.help) {
    console.log('Usage: tributary serve [--config PATH] [--host H] [--port N] [--json]\nServes the access API over DATABASE_URL; see /openapi.json.');
    return ExitCode.ok;
  }
  const env = process.env;
  const port = Number(values.port ?? env.TRIBUTARY_API_PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got "${values.port}"`);
  const config = await loadCommandConfig(values, env);
  let tokens;
  try {
    tokens = await resolveTokens(config.access, env);
  } catch (err) {
    reportError((err as Error).message, 'export the variable or create the file the token reference names, then start again');
    return ExitCode.usage;
  }
  const open = !config.access || config.access.auth === 'none';
  const host = open ? '127.0.0.1' : (values.host ?? env.TRIBUTARY_API_HOST ?? '127.0.0.1');
  if (open && values.host && values.host !== '127.0.0.1') console.error(`warning: no access.tokens configured, so the API is open and binds to 127.0.0.1, not ${values.host}`);

  // Sized for concurrent API requests (the CLI's default two connections would queue them).
  const db = createDatabase(databaseUrl(env), { max: apiPoolSize(env), applicationName: 'tributary-api' });
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    reportError(`cannot reach Postgres at ${databaseUrl(env).replace(/\/\/([^:/@]+):[^@]+@/, '//$1:***@')} (${(err as Error).message})`, 'start it with `tributary start` or set DATABASE_URL');
    return ExitCode.unavailable;
  }
  const log = createLogger({ base: { component: 'access-api' }, level: env.TRIBUTARY_LOG_LEVEL ?? 'warn' });
  const api = await serveAccessApi(createAccessApp({ db, config, log, metrics: processMetrics(), tokens }), { host, port });
  const info = { url: api.url, explorer: `${api.url}/`, auth: open ? 'none' : 'tokens', entities: Object.keys(config.entities), openapi: `${api.url}/openapi.json`, graphql: `${api.url}/graphql` };
  if (values.json) printJson(info);
  else {
    console.log(`access API on ${api.url} (${open ? 'no authentication: loopback only' : `${tokens.length} bearer token(s)`})`);
    console.log(`  explorer: ${info.explorer}`);
    console.log(`  entities: ${info.entities.map((e) => `${api.url}/v1/entities/${e}`).join(', ') || '(none)'}`);
    console.log(`  GraphQL ${info.graphql}, OpenAPI ${info.openapi}, runs ${api.url}/v1/runs, sources ${api.url}/v1/sources, metrics ${api.url}/metrics`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await api.close();
  await db.destroy();
  return ExitCode.ok;
}

/** Connections of the access API's pool: `TRIBUTARY_API_POOL_SIZE`, default 16. */
function apiPoolSize(env: NodeJS.ProcessEnv): number {
  const n = Number(env.TRIBUTARY_API_POOL_SIZE ?? 16);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`TRIBUTARY_API_POOL_SIZE must be a positive integer, got ${env.TRIBUTARY_API_POOL_SIZE}`);
  return n;
}
