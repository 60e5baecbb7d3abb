import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { GraphqlStreamConfig } from '../../config/sources/source-config.js';
import { ConnectorError } from '../connector-error.js';

/**
 * The query document of a stream: inline, or read from its `.graphql` file, resolved against
 * `baseDir` — the folder of the config file (`configDir(config)`), so a pipeline runs the same
 * from any working directory. An absolute `queryFile` is used as is.
 */
export async function loadQuery(stream: GraphqlStreamConfig, baseDir: string): Promise<string> {
  if (stream.query !== undefined) return stream.query;
  const path = resolve(baseDir, stream.queryFile!);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ConnectorError('GRAPHQL_VALIDATION', `cannot read queryFile ${stream.queryFile} (${path}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { retryable: false });
  }
}
