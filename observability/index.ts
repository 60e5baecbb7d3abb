export { createLogger, runLogger, type Logger, type LogContext, type LoggerOptions } from './logger.js';
export { createMetrics, processMetrics, httpObserver, type TributaryMetrics } from './metrics.js';
export { sourceFreshness, scheduleIntervalMs, formatMs, type SourceFreshness, type StreamHistory, type FreshnessPipeline } from './freshness.js';
export { loadFreshness } from './load-freshness.js';
export { installTelemetry, sdkMetricsText } from './temporal-telemetry.js';
export { serveMetrics } from './serve-metrics.js';
export * from './alerts/index.js';
export { type FinishedRun, type RunOutcomeDeps, reportRunOutcome } from './run-outcome.js';
