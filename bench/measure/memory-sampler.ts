import { PerformanceObserver, constants } from 'node:perf_hooks';

/** One reading of `process.memoryUsage()`, in bytes. */
export interface MemorySample {
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/** The process's memory now, and the highest value of each field seen since sampling started. */
export interface MemoryReport {
  /** When sampling started (for a worker: once it polls, before any record). */
  readonly start: MemorySample;
  /** Each field's own maximum; the fields may peak at different moments. */
  readonly peak: MemorySample;
  /** The largest V8 heap in use right after a full (mark-compact) collection: the live data, not garbage. */
  readonly peakLiveHeap: number;
  /** Full collections since sampling started. */
  readonly majorGcs: number;
  /** Milliseconds the main thread spent in garbage collection pauses (all kinds) since sampling started. */
  readonly gcPauseMs: number;
}

/** Samples this process's memory until stopped; `report()` may be called any time. */
export interface MemorySampler {
  report(): MemoryReport;
  stop(): void;
}

function read(): MemorySample {
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapTotal, heapUsed, external, arrayBuffers };
}

/**
 * Reads `process.memoryUsage()` every `intervalMs` (an unref'd timer, so it never keeps the
 * process alive) and keeps each field's maximum: where a peak RSS goes (V8 heap, buffers
 * outside it, or neither: native code, thread stacks, other isolates).
 */
export function sampleMemory(intervalMs = 200): MemorySampler {
  const start = read();
  let peak: MemorySample = start;
  const tick = () => {
    const now = read();
    peak = {
      rss: Math.max(peak.rss, now.rss),
      heapTotal: Math.max(peak.heapTotal, now.heapTotal),
      heapUsed: Math.max(peak.heapUsed, now.heapUsed),
      external: Math.max(peak.external, now.external),
      arrayBuffers: Math.max(peak.arrayBuffers, now.arrayBuffers),
    };
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  let peakLiveHeap = 0;
  let majorGcs = 0;
  let gcPauseMs = 0;
  // Observers run soon after the collection, so heapUsed then is close to the live set.
  const gcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcPauseMs += entry.duration;
      if (((entry as { detail?: { kind?: number } }).detail)?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      majorGcs++;
      peakLiveHeap = Math.max(peakLiveHeap, process.memoryUsage().heapUsed);
    }
  });
  gcs.observe({ entryTypes: ['gc'] });
  return {
    report() {
      tick();
      return { start, peak, peakLiveHeap, majorGcs, gcPauseMs: Math.round(gcPauseMs) };
    },
    stop() {
      clearInterval(timer);
      gcs.disconnect();
    },
  };
}
