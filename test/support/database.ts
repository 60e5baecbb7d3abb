import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { withDatabase, withPgClient } from '../../infra/index.js';

/** A database private to one test (file); `drop()` removes it. */
export interface TestDatabase {
  /** Connection URL of the fresh, empty database (no migrations applied). */
  url: string;
  /** Drop the database, disconnecting anyone still attached. Idempotent. */
  drop(): Promise<void>;
}

/** SQLSTATE object_in_use: CREATE DATABASE while someone is on the template. */
const OBJECT_IN_USE = '55006';

/**
 * Create a uniquely named, empty database on the server of `DATABASE_URL`, so
 * test files running in parallel (and leftovers of crashed runs on a shared
 * server) never see each other's tables.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env['DATABASE_URL'];
  if (serverUrl === undefined || serverUrl === '') {
    throw new Error(
      'DATABASE_URL is not set. Run tests through the launcher (`npm test`, or `npm test -- <file>`), ' +
        'which starts PostgreSQL, or set DATABASE_URL to a server where test databases may be created.',
    );
  }
  const name = `tributary_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withPgClient(serverUrl, async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`create database ${client.escapeIdentifier(name)}`);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== OBJECT_IN_USE || attempt >= 10) throw err;
        await sleep(100 * attempt);
      }
    }
  });

  let dropped: Promise<void> | undefined;
  return {
    url: withDatabase(serverUrl, name),
    drop: () => {
      dropped ??= dropDatabase(serverUrl, name);
      return dropped;
    },
  };
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withPgClient(serverUrl, async (client) => {
    const version = await client.query<{ v: string }>(`select current_setting('server_version_num') as v`);
    const identifier = client.escapeIdentifier(name);
    if (Number(version.rows[0]?.v) >= 130000) {
      // FORCE terminates connections a test forgot to close (e.g. a pool).
      await client.query(`drop database if exists ${identifier} with (force)`);
    } else {
      await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      await client.query(`drop database if exists ${identifier}`);
    }
  });
}
