/** Value types Temporal accepts for custom search attributes. */
export type SearchAttributeType = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

/**
 * Custom search attributes Tributary sets on its workflows. The single source
 * of truth for the server setup, the worker and the workflows, so the names
 * registered on the cluster can never drift from the names upserted.
 */
export const TRIBUTARY_SEARCH_ATTRIBUTES = {
  /** Name of the pipeline a workflow runs. */
  TributaryPipeline: 'Keyword',
  /** Coarse run status (e.g. running, succeeded, failed). */
  TributaryStatus: 'Keyword',
  /** Source names the run pulls from. */
  TributarySources: 'KeywordList',
} as const satisfies Record<string, SearchAttributeType>;

/** Name of one of Tributary's custom search attributes. */
export type TributarySearchAttribute = keyof typeof TRIBUTARY_SEARCH_ATTRIBUTES;
