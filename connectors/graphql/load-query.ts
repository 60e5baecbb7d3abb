import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { GraphqlStreamConfig } from '../../config/source-config.js';
import { ConnectorError } from '../connector-error.js';

/** The query document of a stream: inline, or read from its `.graphql` file (relative to the working directory). */
export async function loadQuery(stream: GraphqlStreamConfig, cwd = process.cwd()): Promise<string> {
  if (stream.query !== undefined) return stream.query;
  const path = resolve(cwd, stream.queryFile!);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ConnectorError('GRAPHQL_VALIDATION', `cannot read queryFile ${stream.queryFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { retryable: false });
  }
}
