import { compileJsonPath } from './json-path.js';

/** The key of a raw record in its stream, read by the stream's primary-key path; undefined when missing. */
export function sourceKeyOf(record: unknown, primaryKeyPath: string): string | undefined {
  const v = compileJsonPath(primaryKeyPath).first(record);
  return v === null || v === undefined || v === '' ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
}
