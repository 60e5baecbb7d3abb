/** One stream of one source, as config names it. */
export interface StreamRef {
  readonly source: string;
  readonly stream: string;
}

/**
 * The `source.stream` name of a stream: how config refers to it (`entities.<e>.sources`,
 * `deletes`), how runs, logs and maps key it, and the last part of its child workflow's id.
 * Source and stream names are identifiers without dots, so the key splits back unambiguously.
 *
 * ```ts
 * streamKey({ source: 'crm', stream: 'contacts' }) // 'crm.contacts'
 * ```
 */
export function streamKey(ref: StreamRef): string {
  return `${ref.source}.${ref.stream}`;
}

/** The stream a `source.stream` key names (see `streamKey`). */
export function parseStreamKey(key: string): StreamRef {
  const dot = key.indexOf('.');
  return dot < 0 ? { source: key, stream: '' } : { source: key.slice(0, dot), stream: key.slice(dot + 1) };
}
