import { SEARCH_ATTRIBUTES } from '../core/search-attributes.js';

/** Value types Temporal accepts for custom search attributes. */
export type SearchAttributeType = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

/**
 * Custom search attributes Tributary sets on its workflows, as the dev server registers them.
 * Defined once in `core/search-attributes.ts`, beside the typed keys the workflows upsert, so
 * the names registered on the cluster can never drift from the names used.
 */
export const TRIBUTARY_SEARCH_ATTRIBUTES: Readonly<Record<keyof typeof SEARCH_ATTRIBUTES, SearchAttributeType>> = SEARCH_ATTRIBUTES;

/** Name of one of Tributary's custom search attributes. */
export type TributarySearchAttribute = keyof typeof TRIBUTARY_SEARCH_ATTRIBUTES;
