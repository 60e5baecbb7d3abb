import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

// Every activity the workflows call, one proxy group per kind of work, each with its timeouts,
// retry policy and the reason for them.

// Planning and bookkeeping (plan a run or rerun, record its outcome, advance watermarks) are a
// few quick, idempotent database calls: retried for a while (the database may be restarting); a
// config error is non-retryable and fails them at once.
export const { planRun, planRerun, finishRun, commitWatermarks } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

// A fetch chunk may page for minutes: each attempt heartbeats every few seconds, so a killed
// worker is noticed within 10 s and the retry resumes after the last staged page. Transient
// upstream trouble (5xx, 429, timeouts) is ridden out for about six minutes of backoff per chunk;
// config and auth failures are non-retryable and fail the stream on the first attempt.
export const { fetchStreamChunk } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
});

// The merge during the fetch follows the streams for minutes at a time (a slice, then it is called
// again) and heartbeats after each of its transactions, so the end of the fetch (a cancellation)
// reaches it within seconds. It is only ahead of the merge after the fetch, which takes whatever
// it did not get to, so a few retries are enough.
export const { mergeWhileFetching } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 3 },
});

// The merge's steps: prepare (one transaction over the run's staged records), each partition's
// writes (one transaction each) and the record of the latest payloads (beside prepare for what the
// merge during the fetch took in, the rest beside the partitions) are long for big runs, and
// safe to retry: a failed attempt leaves nothing behind, and a committed step is recorded, so a
// repeated one returns its result without doing it again. They heartbeat every few seconds, so
// a killed worker's step is retried elsewhere within 10 s; publish is quick but heartbeats too,
// for the same reason. (`mergeRun`, all steps in one activity, is what runs recorded before the
// split call.)
export const { mergeRun, prepareMerge, writeMergePartition, recordLatest, recordFollowedLatest, publishMerge } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
});
