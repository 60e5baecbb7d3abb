import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Pipeline name of a run, for filtering runs in the Temporal UI. */
export const PIPELINE_KEY = defineSearchAttributeKey('TributaryPipeline', SearchAttributeType.KEYWORD);
/** A run's status: running, succeeded, degraded or failed. */
export const STATUS_KEY = defineSearchAttributeKey('TributaryStatus', SearchAttributeType.KEYWORD);
/** Sources a run fetches. */
export const SOURCES_KEY = defineSearchAttributeKey('TributarySources', SearchAttributeType.KEYWORD_LIST);

/** Temporal's own attribute holding a scheduled run's nominal time (set by Schedules). */
export const SCHEDULED_START_KEY = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** The custom search attributes Tributary registers, by name and Temporal CLI type name. */
export const SEARCH_ATTRIBUTES = {
  TributaryPipeline: 'Keyword',
  TributaryStatus: 'Keyword',
  TributarySources: 'KeywordList',
} as const;
