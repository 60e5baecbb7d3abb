import { type GraphQLSchema, type IntrospectionQuery, buildClientSchema, getIntrospectionQuery, parse, validate } from 'graphql';
import { contentHash } from '../../core/stable-json.js';
import type { Authenticator } from '../auth/authenticator.js';
import { sendAuthorized } from '../auth/send-authorized.js';
import { ConnectorError } from '../connector-error.js';
import type { HttpClient } from '../http/http-client.js';

/** An introspected schema with its content hash (stable across type order). */
export interface IntrospectedSchema {
  readonly introspection: IntrospectionQuery;
  readonly schema: GraphQLSchema;
  readonly hash: string;
}

/** Runs the standard introspection query against a GraphQL endpoint. */
export async function introspectSchema(deps: { http: HttpClient; auth: Authenticator; url: string; headers: Readonly<Record<string, string>>; timeoutMs: number }): Promise<IntrospectedSchema> {
  const response = await sendAuthorized(deps.auth, (auth) =>
    deps.http.requestJson({
      format: 'json',
      method: 'POST',
      url: deps.url,
      query: { ...auth.query },
      headers: { ...deps.headers, ...auth.headers },
      json: { query: getIntrospectionQuery({ descriptions: false }), operationName: 'IntrospectionQuery' },
      timeoutMs: deps.timeoutMs,
    }),
  );
  const body = response.body as { data?: IntrospectionQuery; errors?: Array<{ message?: string }> };
  if (!body.data?.__schema) {
    const why = body.errors?.map((e) => e.message).join('; ') ?? 'no __schema in the response';
    throw new ConnectorError('GRAPHQL_ERRORS', `introspection of ${deps.url} failed (${why}); set introspection: false if the API disables it`, { retryable: false });
  }
  return { introspection: body.data, schema: buildClientSchema(body.data), hash: schemaHash(body.data) };
}

/** A hash of an introspection result that ignores the order types and fields are listed in. */
export function schemaHash(introspection: IntrospectionQuery): string {
  const types = [...introspection.__schema.types]
    .sort((a, b) => a.name.localeCompare(b.name));
  return contentHash({ ...introspection.__schema, types });
}

/**
 * Validates a query document against a schema; returns the problems (empty when valid), each
 * with its line and column, as `graphql`'s own validator words them.
 */
export function validateQuery(schema: GraphQLSchema, query: string): string[] {
  let document;
  try {
    document = parse(query);
  } catch (err) {
    return [(err as Error).message];
  }
  return validate(schema, document).map((e) => `${e.message}${e.locations?.[0] ? ` (line ${e.locations[0].line}, column ${e.locations[0].column})` : ''}`);
}
