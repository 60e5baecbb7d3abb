import pg from 'pg';
import { describeError, InfraError } from '../errors.js';
import { redactUrl } from './postgres-url.js';

/**
 * Run `fn` with a connected client for `url`, always closing it. A short
 * connect timeout keeps a wrong URL from hanging startup for minutes.
 */
export async function withPgClient<T>(url: string, fn: (client: pg.Client) => Promise<T>, connectTimeoutMs = 5000): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  // An idle client can emit 'error' when the server goes away; without a
  // listener that would crash the process instead of failing the call.
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Health check: connect to `url` and run `select 1`, or throw `POSTGRES_UNREACHABLE`. */
export async function assertPostgresReachable(url: string): Promise<void> {
  try {
    await withPgClient(url, (client) => client.query('select 1'));
  } catch (err) {
    throw new InfraError(
      'POSTGRES_UNREACHABLE',
      `Cannot connect to PostgreSQL at ${redactUrl(url)}: ${describeError(err)}. ` +
        'Check DATABASE_URL, or unset it to start an embedded PostgreSQL.',
      { cause: err },
    );
  }
}
