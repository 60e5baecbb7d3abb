import type { Kysely } from 'kysely';
import { parseConfig } from '../../config/load-config.js';
import type { TributaryConfig } from '../../config/tributary-config.js';
import { createTokenCache } from '../../connectors/auth/token-cache.js';
import { createHttpClient } from '../../connectors/http/http-client.js';
import { createRateLimiterRegistry } from '../../connectors/rate-limit/rate-limiter.js';
import { createSecretResolver } from '../../secrets/resolve-secret.js';
import { type SecretMasker, createSecretMasker } from '../../secrets/secret-masker.js';
import { type FetchDeps, fetchChunk } from '../../ingest/fetch-chunk.js';
import type { FetchProgress } from '../../ingest/fetch-pages.js';
import { connectDatabase } from '../../store/create-database.js';
import type { Database } from '../../store/database-schema.js';
import { migrateToLatest } from '../../store/migrate.js';
import { createPgRefreshTokenStore } from '../../store/oauth-token-store.js';
import { stagedStreamId } from '../../store/staging/staged-stream.js';
import { type TestDatabase, createTestDatabase } from '../support/database.js';

/** A migrated test database and a way to build worker-like connector deps over a config. */
export interface ConnectorHarness {
  readonly db: Kysely<Database>;
  /** The test database's URL (for a second connection pool, as another worker process has). */
  readonly url: string;
  /** Deps as the worker builds them, for `sources` (config fragment) and secrets from `env`. */
  deps(sources: Record<string, unknown>, env?: NodeJS.ProcessEnv): FetchDeps & { masker: SecretMasker };
  /** Fetches a stream to the end in chunks of `pagesPerChunk`, like the workflow does. */
  fetchAll(deps: FetchDeps, runId: string, source: string, stream: string, pagesPerChunk?: number): Promise<FetchProgress>;
  /** The payloads staged for a stream in a run, in staging order. */
  staged(runId: string, source: string, stream: string): Promise<unknown[]>;
  close(): Promise<void>;
}

/** Starts a fresh migrated database for a connector test file. */
export async function startConnectorHarness(): Promise<ConnectorHarness> {
  const database: TestDatabase = await createTestDatabase();
  const { db, pool } = connectDatabase(database.url);
  await migrateToLatest(db);
  return {
    db,
    url: database.url,
    deps(sources, env = {}) {
      const config: TributaryConfig = parseConfig({ version: 1, sources, entities: {}, pipelines: {} }, 'test', env);
      const masker = createSecretMasker();
      return {
        db,
        copyPool: pool,
        config,
        masker,
        http: createHttpClient({ masker }),
        secrets: createSecretResolver(masker, env),
        tokens: createTokenCache(),
        refreshTokens: createPgRefreshTokenStore(db),
        rateLimits: createRateLimiterRegistry(),
      };
    },
    async fetchAll(deps, runId, source, stream, pagesPerChunk = 2) {
      for (;;) {
        const progress = await fetchChunk(deps, { runId, source, stream, maxPages: pagesPerChunk });
        if (progress.done) return progress;
      }
    },
    async staged(runId, source, stream) {
      const rows = await db.selectFrom('tributary.staged_record').select('payload').where('stream_id', '=', stagedStreamId({ runId, source, stream })).orderBy('id').execute();
      return rows.map((r) => JSON.parse(r.payload) as unknown);
    },
    async close() {
      await db.destroy();
      await database.drop();
    },
  };
}
