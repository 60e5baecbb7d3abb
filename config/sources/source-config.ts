import { z } from 'zod';
import { graphqlSourceSchema } from './graphql-source-config.js';
import { restSourceSchema } from './rest-source-config.js';

export type { GraphqlSourceConfig, GraphqlStreamConfig } from './graphql-source-config.js';
export type { RestSourceConfig, RestStreamConfig } from './rest-source-config.js';

/** An upstream API, picked by `type`. */
export const sourceSchema = z.discriminatedUnion('type', [restSourceSchema, graphqlSourceSchema]).describe('An upstream API, picked by type.');

/** Validated source config. */
export type SourceConfig = z.infer<typeof sourceSchema>;

/** Whether another stream of the source fans out over `stream`'s records (its `parent`). */
export function hasChildStreams(source: SourceConfig | undefined, stream: string): boolean {
  return Object.values(source?.streams ?? {}).some((s) => 'parent' in s && s.parent?.stream === stream);
}
