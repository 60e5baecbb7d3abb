import type { Scenario, ScenarioResult, SystemName } from '../systems/bench-system.js';

/** Median of the repetitions of one system, record count and scenario. */
export interface MedianResult
  extends Pick<ScenarioResult, 'system' | 'records' | 'scenario' | 'wallMs' | 'recordsPerSec' | 'peakRssBytes' | 'rowsWritten' | 'cpuMs'> {
  readonly reps: number;
  /** Median 1-minute load average at the end of the repetitions. */
  readonly loadAvg1?: number;
  /** The repetition whose wall time is the median, for its detail. */
  readonly representative: ScenarioResult;
}

/** The median of `xs` (mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Groups results by system, record count and scenario, and takes medians per metric. */
export function medians(results: readonly ScenarioResult[]): MedianResult[] {
  const groups = new Map<string, ScenarioResult[]>();
  for (const r of results) {
    const k = `${r.system}|${r.records}|${r.scenario}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((g) => {
    const byWall = [...g].sort((a, b) => a.wallMs - b.wallMs);
    const cpu = g.map((r) => r.cpuMs).filter((c): c is number => c !== undefined);
    return {
      system: g[0]!.system,
      records: g[0]!.records,
      scenario: g[0]!.scenario,
      reps: g.length,
      wallMs: median(g.map((r) => r.wallMs)),
      recordsPerSec: median(g.map((r) => r.recordsPerSec)),
      peakRssBytes: median(g.map((r) => r.peakRssBytes)),
      rowsWritten: median(g.map((r) => r.rowsWritten)),
      ...(cpu.length > 0 ? { cpuMs: median(cpu) } : {}),
      ...(g.every((r) => r.loadAvg1 !== undefined) ? { loadAvg1: median(g.map((r) => r.loadAvg1!)) } : {}),
      representative: byWall[Math.floor((byWall.length - 1) / 2)]!,
    };
  });
}

/** Finds the median result of one system, record count and scenario. */
export function find(ms: readonly MedianResult[], system: SystemName, records: number, scenario: Scenario): MedianResult | undefined {
  return ms.find((m) => m.system === system && m.records === records && m.scenario === scenario);
}
