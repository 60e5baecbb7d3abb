import { Hono } from 'hono';
import { type DocumentNode, GraphQLError, type GraphQLSchema, execute, parse, specifiedRules, validate } from 'graphql';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database-schema.js';
import { HttpError, hasNul, inputErrorOf } from '../http-error.js';
import type { AuthVariables } from '../token-auth.js';
import { queryLimitsRule } from './query-limits.js';

/** Largest query text accepted, in characters. */
const MAX_QUERY_LENGTH = 20_000;

/**
 * `POST /graphql` (`{ query, variables, operationName }`) and `GET /graphql?query=...`: parses,
 * validates (with the depth and field-count limits) and executes against the generated schema.
 * Malformed requests and invalid queries answer 400 with GraphQL `errors`; resolver errors
 * (a missing scope, a bad filter value) come back as `errors` beside any data.
 */
export function graphqlRoute(schema: GraphQLSchema, db: Kysely<Database>, limits: { maxQueryDepth: number; maxQueryFields: number }): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  const rules = [...specifiedRules, queryLimitsRule(limits.maxQueryDepth, limits.maxQueryFields)];

  const run = async (caller: AuthVariables['caller'], body: { query?: unknown; variables?: unknown; operationName?: unknown }) => {
    if (typeof body.query !== 'string' || body.query.trim() === '') throw new HttpError(400, 'send a GraphQL query: {"query": "{ ... }"}');
    if (body.query.length > MAX_QUERY_LENGTH) throw new HttpError(413, `query longer than ${MAX_QUERY_LENGTH} characters`);
    if (body.variables != null && (typeof body.variables !== 'object' || Array.isArray(body.variables))) throw new HttpError(400, 'variables must be a JSON object');
    if (hasNul(body.query) || (body.variables != null && /\\u0000/.test(JSON.stringify(body.variables)))) throw new HttpError(400, 'the query or its variables hold U+0000, which no value can contain');
    let document: DocumentNode;
    try {
      document = parse(body.query, { maxTokens: 5000 });
    } catch (err) {
      return { status: 400 as const, result: { errors: [(err as GraphQLError).toJSON?.() ?? { message: (err as Error).message }] } };
    }
    const errors = validate(schema, document, rules);
    if (errors.length > 0) return { status: 400 as const, result: { errors: errors.map((e) => e.toJSON()) } };
    const result = await execute({
      schema,
      document,
      contextValue: { db, caller },
      variableValues: (body.variables ?? undefined) as Record<string, unknown> | undefined,
      operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
    });
    return {
      status: 200 as const,
      result: { ...result, ...(result.errors ? { errors: result.errors.map((e) => ({ ...e.toJSON(), message: safeMessage(e) })) } : {}) },
    };
  };

  app.post('/', async (c) => {
    let body: Record<string, unknown>;
    try {
      body = (await c.req.json()) as Record<string, unknown>;
    } catch {
      throw new HttpError(400, 'the body must be JSON: {"query": "...", "variables": {...}}');
    }
    const { status, result } = await run(c.get('caller'), body ?? {});
    return c.json(result, status);
  });
  app.get('/', async (c) => {
    let variables: unknown;
    try {
      variables = c.req.query('variables') ? JSON.parse(c.req.query('variables')!) : undefined;
    } catch {
      throw new HttpError(400, 'variables must be JSON');
    }
    const { status, result } = await run(c.get('caller'), { query: c.req.query('query'), variables, operationName: c.req.query('operationName') });
    return c.json(result, status);
  });
  return app;
}

/** Resolver errors we raise on purpose keep their message; anything else (a database error) is hidden. */
function safeMessage(e: GraphQLError): string {
  const original = e.originalError;
  if (!original || original instanceof HttpError || original instanceof GraphQLError) return e.message;
  return inputErrorOf(original)?.message ?? 'internal error';
}
