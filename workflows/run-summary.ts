import { streamKey } from '../core/stream-key.js';
import type { EntityMergeSummary, StreamSummary } from '../activities/index.js';

/** A one-line run summary for the workflow memo, shown in the Temporal UI. */
export function describeRun(status: string, streams: readonly StreamSummary[], entities: readonly EntityMergeSummary[]): string {
  const fetched = streams.map((s) => `${streamKey(s)} ${s.records} rec/${s.pages} pg${s.status === 'failed' ? ' FAILED' : s.status === 'incomplete' ? ' INCOMPLETE' : ''}${s.duplicates ? ` ${s.duplicates} dup` : ''}`).join(', ');
  const merged = entities.map((e) => `${e.entity}: ${e.recordsUnchanged ?? 0} of ${e.recordsRead} records unchanged, ${e.written} rows written, ${e.unchanged} unchanged, ${e.quarantined} quarantined`).join('; ');
  return `${status} | fetched ${fetched} | merged ${merged}`;
}
