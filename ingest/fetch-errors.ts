import { streamKey } from '../core/stream-key.js';
import { ConnectorError } from '../connectors/connector-error.js';
import type { StreamRunKey } from '../store/staging/staging-types.js';

/**
 * A stream whose fetch ended short of what the upstream has (fewer records than it reported, or
 * a `has_more` that paging could not follow) under `onTruncation: fail`. Not retryable: the same
 * requests would end the same way. The run fails (or is degraded under `failurePolicy: partial`)
 * and the stream's watermark stays where it was, so the next run asks for the same window again.
 */
export class StreamIncompleteError extends ConnectorError {
  constructor(key: StreamRunKey, reason: string) {
    super(
      'STREAM_INCOMPLETE',
      `${streamKey(key)} is incomplete: ${reason}. Nothing of it is merged and its watermark stays; ` +
        'check the pagination config (a page size the API caps, a cursor path), or set onTruncation: degrade or warn on the stream to accept what arrived',
      { retryable: false },
    );
    this.name = 'StreamIncompleteError';
  }
}

/** Records sharing a primary key within one stream and run, under `duplicates: fail`. Not retryable. */
export class DuplicateKeysError extends ConnectorError {
  constructor(key: StreamRunKey, duplicates: number, primaryKey: string) {
    super(
      'DUPLICATE_KEYS',
      `${streamKey(key)} received ${duplicates} record(s) with a primary key (${primaryKey}) it had already received in this run; ` +
        'check primaryKey, or set duplicates: last_wins or first_wins on the stream',
      { retryable: false },
    );
    this.name = 'DuplicateKeysError';
  }
}
