import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { InfraError } from '../infra/errors.js';
import { DEFAULT_DATABASE, DEFAULT_POSTGRES_PORT, EMBEDDED_POSTGRES_PASSWORD, EMBEDDED_POSTGRES_USER, postgresUrl } from '../infra/index.js';
import { createDatabase } from '../store/create-database.js';
import type { Database } from '../store/database-schema.js';
import { DEFAULT_TASK_QUEUE } from '../workflows/definitions.js';

/** Where the CLI finds Temporal: `TEMPORAL_ADDRESS`, else the dev server `tributary start` runs. */
export function temporalTarget(env: NodeJS.ProcessEnv = process.env): { address: string; namespace: string; taskQueue: string } {
  return {
    address: env.TEMPORAL_ADDRESS || `127.0.0.1:${env.TEMPORAL_PORT || 7233}`,
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TRIBUTARY_TASK_QUEUE || DEFAULT_TASK_QUEUE,
  };
}

/** Where the CLI finds Postgres: `DATABASE_URL`, else the embedded server `tributary start` runs. */
export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const port = Number(env.TRIBUTARY_POSTGRES_PORT || DEFAULT_POSTGRES_PORT);
  return postgresUrl({ user: EMBEDDED_POSTGRES_USER, password: EMBEDDED_POSTGRES_PASSWORD, host: '127.0.0.1', port, database: DEFAULT_DATABASE });
}

/** A connected Temporal client and how to close it. */
export interface TemporalSession {
  readonly client: Client;
  readonly namespace: string;
  readonly taskQueue: string;
  close(): Promise<void>;
}

/** Connects to Temporal, with a message naming the address and the env var when it is not reachable. */
export async function connectTemporal(env: NodeJS.ProcessEnv = process.env): Promise<TemporalSession> {
  const target = temporalTarget(env);
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: target.address, connectTimeout: '5 seconds' });
  } catch (err) {
    throw new InfraError('TEMPORAL_UNREACHABLE', `cannot reach Temporal at ${target.address} (${(err as Error).message.split('\n')[0]}); start it with \`tributary start\` or set TEMPORAL_ADDRESS`, { cause: err });
  }
  return { client: new Client({ connection, namespace: target.namespace }), namespace: target.namespace, taskQueue: target.taskQueue, close: () => connection.close() };
}

/** Opens the database the worker writes to (see `databaseUrl`). */
export function openDatabase(env: NodeJS.ProcessEnv = process.env): Kysely<Database> {
  return createDatabase(databaseUrl(env), { max: 2, applicationName: 'tributary-cli' });
}

/** Prints rows as an aligned text table. */
export function printTable<R extends object>(rows: readonly R[], columns: readonly string[]): void {
  const cell = (v: unknown) => (v === undefined || v === null ? '-' : v instanceof Date ? v.toISOString() : String(v));
  const get = (r: R, c: string) => (r as Record<string, unknown>)[c];
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(get(r, c)).length)));
  const line = (values: readonly string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(columns.map((c) => c.toUpperCase())));
  for (const r of rows) console.log(line(columns.map((c) => cell(get(r, c)))));
}
