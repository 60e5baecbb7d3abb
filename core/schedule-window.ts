import { parseCron } from './cron.js';
import { parseDuration } from './duration.js';

/** The part of a pipeline's schedule that defines its data windows. */
export interface WindowSchedule {
  /** An interval such as `15m`. */
  readonly every?: string | undefined;
  /** A 5-field cron expression. */
  readonly cron?: string | undefined;
  /** IANA time zone of `cron`. */
  readonly timezone?: string | undefined;
}

/** A run's data window: `(start, end]`, as ISO strings. */
export interface DataWindow {
  readonly start: string;
  readonly end: string;
}

/**
 * The data window ending at `end` (a run's scheduled time): it starts one interval earlier for
 * `every`, at the previous fire for `cron`. Pure, so a run for a given time is reproducible.
 */
export function windowEndingAt(schedule: WindowSchedule, end: Date): DataWindow {
  if (schedule.every) return { start: new Date(end.getTime() - parseDuration(schedule.every)).toISOString(), end: end.toISOString() };
  if (!schedule.cron) throw new Error('schedule has neither every nor cron');
  const previous = parseCron(schedule.cron, schedule.timezone).previous(end);
  // Never fired before (impossible for a valid expression within five years): an empty window.
  return { start: (previous ?? end).toISOString(), end: end.toISOString() };
}

/**
 * The windows of a backfill from `from` to `to`: their ends are the schedule's fire times in
 * `(from, to]` (or, with `stepMs`, `from + step, from + 2·step, ...`), each window reaching
 * back to the previous end. Capped at `max` windows so a typo cannot start a million runs.
 *
 * For `every` schedules the fire times are aligned to the Unix epoch, as Temporal aligns
 * interval schedules without an offset, so backfilled windows coincide with scheduled ones.
 */
export function windowsBetween(schedule: WindowSchedule, from: Date, to: Date, opts: { stepMs?: number; max?: number } = {}): DataWindow[] {
  const max = opts.max ?? 10_000;
  if (!(from.getTime() < to.getTime())) throw new RangeError(`--from (${from.toISOString()}) must be before --to (${to.toISOString()})`);
  const ends: number[] = [];
  if (opts.stepMs !== undefined) {
    if (!(opts.stepMs > 0)) throw new RangeError('the step must be positive');
    for (let t = from.getTime() + opts.stepMs; t <= to.getTime() && ends.length <= max; t += opts.stepMs) ends.push(t);
  } else if (schedule.every) {
    const step = parseDuration(schedule.every);
    for (let t = Math.floor(from.getTime() / step) * step + step; t <= to.getTime() && ends.length <= max; t += step) ends.push(t);
  } else {
    const cron = parseCron(schedule.cron!, schedule.timezone);
    for (let t = cron.next(from); t && t.getTime() <= to.getTime(); t = cron.next(t)) {
      ends.push(t.getTime());
      if (ends.length > max) break;
    }
  }
  if (ends.length > max) throw new RangeError(`more than ${max} windows between ${from.toISOString()} and ${to.toISOString()}; narrow the range or use a larger step`);
  return ends.map((end, i) => ({ start: new Date(i === 0 ? (opts.stepMs !== undefined ? from.getTime() : startOf(schedule, end)) : ends[i - 1]!).toISOString(), end: new Date(end).toISOString() }));
}

function startOf(schedule: WindowSchedule, end: number): number {
  return new Date(windowEndingAt(schedule, new Date(end)).start).getTime();
}
