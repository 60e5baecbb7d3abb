import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

// Planning and bookkeeping are quick database calls. Retried for a while (the database may be
// restarting); a config error is non-retryable and fails them at once.
export const { planRun, planRerun, finishRun } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

// The merge is one transaction over the run's staged records: long for big runs, and safe to
// retry because a failed attempt leaves nothing behind and a repeated one changes nothing. It
// heartbeats every few seconds, so a killed worker's merge is retried elsewhere within 10 s.
export const { mergeRun } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
});
