export { type AlertCondition, type AlertPayload, alertKey, temporalRunUrl } from './alert.js';
export { createAlertDispatcher, type AlertDispatcher, type AlertDispatcherDeps, type DispatchResult } from './alert-dispatcher.js';
export { AlertDeliveryError, commandSink, webhookSink, type AlertSink } from './alert-sinks.js';
export { decideAndDeliver, openAlerts, type AlertDecision } from './alert-state-store.js';
export { runConditions, staleConditions, type RunOutcome } from './run-conditions.js';
export { notifyRunOutcome, watchFreshness } from './notify-run-outcome.js';
