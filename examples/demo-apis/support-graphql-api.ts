import type { IncomingMessage, ServerResponse } from 'node:http';
import { createYoga } from 'graphql-yoga';
import type { DemoApiContext } from './demo-api-context.js';
import { faultCode, faultHeaders } from './fault-injector.js';
import { bearerToken, requestUrl, secretsEqual, sendJson } from './http-kit.js';
import { createSupportSchema } from './support-graphql-schema.js';

/** Path of the GraphQL endpoint. */
export const SUPPORT_GRAPHQL_PATH = '/graphql';

/** The support desk API: its request handler and a way to release yoga's resources. */
export interface SupportGraphqlApi {
  /** Node request handler. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Releases the GraphQL server's resources. */
  dispose(): Promise<void>;
}

/**
 * The support desk: a graphql-yoga server at `/graphql` (POST, and GET for introspection) that
 * only answers requests with the static bearer token. Refusals are HTTP 401s, not 200s with an
 * `errors` array, so clients can tell "wrong credentials" from "bad query".
 */
export function createSupportGraphqlApi(ctx: DemoApiContext): SupportGraphqlApi {
  const yoga = createYoga({
    schema: createSupportSchema(ctx.dataset),
    graphqlEndpoint: SUPPORT_GRAPHQL_PATH,
    landingPage: false,
    graphiql: false,
    logging: false,
  });
  // GraphQL-shaped error bodies, so a client parsing `errors` still finds a message.
  const fail = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    sendJson(res, status, { errors: [{ message, extensions: { code } }] }, headers);

  return {
    handle(req, res) {
      if (requestUrl(req).pathname !== SUPPORT_GRAPHQL_PATH) return fail(res, 404, 'NOT_FOUND', 'not found; the API is at /graphql');
      ctx.stats.requests.support++;
      const fault = ctx.faults.take('support');
      if (fault) return fail(res, fault.status, faultCode(fault.status).toUpperCase(), 'injected failure', faultHeaders(fault));
      const token = bearerToken(req);
      if (token === undefined || !secretsEqual(token, ctx.credentials.supportToken)) {
        return fail(res, 401, 'UNAUTHENTICATED', 'missing or invalid bearer token', { 'www-authenticate': 'Bearer realm="demo-support"' });
      }
      // requestListener (unlike handleNodeRequestAndResponse) also writes the response.
      yoga.requestListener(req, res);
    },
    async dispose() {
      await yoga.dispose();
    },
  };
}
