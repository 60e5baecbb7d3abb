import type { SourceConfig } from '../config/source-config.js';
import { type AuthDeps, createAuthenticator } from './auth/create-authenticator.js';
import { createGraphqlStreamReader } from './graphql/graphql-stream-reader.js';
import { createRestStreamReader } from './rest/rest-stream-reader.js';
import type { StreamReader } from './stream-reader.js';

/** What a stream reader needs: an HTTP client, secrets and the worker's token cache. */
export type ConnectorDeps = Omit<AuthDeps, 'timeoutMs'>;

/** The reader for one stream of a source. */
export function createStreamReader(source: SourceConfig, streamName: string, deps: ConnectorDeps): StreamReader {
  const auth = createAuthenticator(source.auth, { ...deps, timeoutMs: source.timeoutMs });
  if (source.type === 'rest') {
    const stream = source.streams[streamName];
    if (!stream) throw new Error(`unknown stream "${streamName}"; valid: ${Object.keys(source.streams).join(', ')}`);
    return createRestStreamReader(source, stream, { http: deps.http, auth });
  }
  const stream = source.streams[streamName];
  if (!stream) throw new Error(`unknown stream "${streamName}"; valid: ${Object.keys(source.streams).join(', ')}`);
  return createGraphqlStreamReader(source, stream, { http: deps.http, auth });
}
