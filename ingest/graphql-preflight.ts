import { parse } from 'graphql';
import type { Kysely } from 'kysely';
import type { GraphqlSourceConfig } from '../config/sources/source-config.js';
import type { Authenticator } from '../connectors/auth/authenticator.js';
import { ConnectorError } from '../connectors/connector-error.js';
import { introspectSchema, validateQuery } from '../connectors/graphql/introspect-schema.js';
import { estimateQueryCost } from '../connectors/graphql/query-cost.js';
import type { HttpClient } from '../connectors/http/http-client.js';
import type { Database } from '../store/database-schema.js';
import { recordGraphqlSchema } from '../store/graphql-schema-store.js';

/**
 * Checks a GraphQL stream before its first page: the query's static cost against
 * `maxQueryCost`, then (with `introspection`) the query against the introspected schema, whose
 * hash is stored per source so a change since the previous run is reported as drift. Returns
 * the warnings to report; throws a non-retryable error naming each problem when the query is
 * invalid or too costly.
 */
export async function graphqlPreflight(
  db: Kysely<Database>,
  entry: { runId: string; sourceName: string; source: GraphqlSourceConfig; streamName: string; query: string },
  deps: { http: HttpClient; auth: Authenticator },
): Promise<string[]> {
  const stream = entry.source.streams[entry.streamName]!;
  if (stream.maxQueryCost !== undefined) {
    const cost = estimateQueryCost(parse(entry.query), { ...stream.variables, first: stream.pageSize });
    if (cost > stream.maxQueryCost) {
      throw new ConnectorError('GRAPHQL_COST', `query of ${entry.sourceName}.${entry.streamName} is estimated at ${cost} points, over maxQueryCost ${stream.maxQueryCost}; lower pageSize or nested page sizes`, { retryable: false });
    }
  }
  if (!entry.source.introspection) return [];
  const schema = await introspectSchema({ ...deps, url: entry.source.url, headers: entry.source.headers, timeoutMs: entry.source.timeoutMs });
  const recorded = await recordGraphqlSchema(db, { source: entry.sourceName, runId: entry.runId, hash: schema.hash, schema: schema.introspection });
  const problems = validateQuery(schema.schema, entry.query);
  if (problems.length > 0) {
    throw new ConnectorError('GRAPHQL_VALIDATION', `query of ${entry.sourceName}.${entry.streamName} does not match the API's schema: ${problems.join('; ')}`, { retryable: false });
  }
  return recorded.driftedFrom ? [driftWarning(entry.sourceName, recorded.driftedFrom, recorded.hash)] : [];
}

/** The drift warning of a run that was checked in an earlier chunk, read back from the schema cache. */
export async function recordedDrift(db: Kysely<Database>, runId: string, sourceName: string): Promise<string[]> {
  const row = await db.selectFrom('tributary.graphql_schema').select(['hash', 'previous_hash', 'run_id']).where('source', '=', sourceName).executeTakeFirst();
  return row && row.run_id === runId && row.previous_hash && row.previous_hash !== row.hash ? [driftWarning(sourceName, row.previous_hash, row.hash)] : [];
}

function driftWarning(source: string, from: string, to: string): string {
  return `schema drift: the GraphQL schema of ${source} changed since the previous run (${from.slice(0, 8)} -> ${to.slice(0, 8)})`;
}
