/**
 * A 5-field cron expression (`minute hour day-of-month month day-of-week`) evaluated in an IANA
 * time zone, enough to find the fire before a given time: the start of a scheduled run's data
 * window. Fields take `*`, numbers, ranges `a-b`, steps `*\/n` or `a-b/n`, lists `a,b`, and
 * month/day names (`jan`, `mon`); `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly` expand.
 * As in Vixie cron (and Temporal), when both day fields are restricted a day matches either.
 *
 * ```ts
 * const cron = parseCron('0 6 * * mon-fri', 'Europe/Berlin');
 * cron.previous(new Date('2026-03-03T05:00:00Z')); // 2026-03-02T05:00:00Z (06:00 Berlin, Monday)
 * ```
 */
export interface Cron {
  /** The latest fire strictly before `t`, or undefined when there is none within ~5 years. */
  previous(t: Date): Date | undefined;
  /** The earliest fire strictly after `t`, or undefined when there is none within ~5 years. */
  next(t: Date): Date | undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MACROS: Record<string, string> = { '@hourly': '0 * * * *', '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@weekly': '0 0 * * 0', '@monthly': '0 0 1 * *', '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *' };
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, offset: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, offset: 0 },
] as const;

/** Thrown for a malformed cron expression or an unknown time zone. */
export class CronError extends Error {
  /** Stable error code. */
  readonly code = 'CRON_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'CronError';
  }
}

/** Parses a cron expression in `timezone` (default UTC); throws CronError with the offending field. */
export function parseCron(expression: string, timezone = 'UTC'): Cron {
  const text = MACROS[expression.trim().toLowerCase()] ?? expression.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) throw new CronError(`cron "${expression}" must have 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  const sets = parts.map((p, i) => parseField(p, FIELDS[i]!));
  const [minutes, hours, doms, months, dows] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (dows.has(7)) dows.add(0);
  const domRestricted = parts[2] !== '*' && !parts[2]!.startsWith('*/');
  const dowRestricted = parts[4] !== '*' && !parts[4]!.startsWith('*/');
  const zoned = zonedClock(timezone);

  const matchesDay = (c: Clock) => {
    const dom = doms.has(c.day);
    const dow = dows.has(c.weekday);
    if (domRestricted && dowRestricted) return dom || dow;
    return (!domRestricted || dom) && (!dowRestricted || dow);
  };
  // Walks minute by minute in UTC, skipping whole hours and days that cannot match, so even
  // a yearly expression resolves in a few thousand steps; time zone shifts are handled for free.
  const search = (from: Date, dir: 1 | -1): Date | undefined => {
    let t = Math.floor(from.getTime() / 60_000) * 60_000;
    if (dir === 1 || t === from.getTime()) t += dir * 60_000;
    const limit = t + dir * 5 * 366 * 86_400_000;
    while (dir === 1 ? t < limit : t > limit) {
      const c = zoned(t);
      if (!months.has(c.month) || !matchesDay(c)) {
        t = dir === 1 ? t + (1440 - c.hour * 60 - c.minute) * 60_000 : t - (c.hour * 60 + c.minute + 1) * 60_000;
      } else if (!hours.has(c.hour)) {
        t = dir === 1 ? t + (60 - c.minute) * 60_000 : t - (c.minute + 1) * 60_000;
      } else if (!minutes.has(c.minute)) {
        t += dir * 60_000;
      } else {
        return new Date(t);
      }
    }
    return undefined;
  };
  return { previous: (t) => search(t, -1), next: (t) => search(t, 1) };
}

function parseField(text: string, field: (typeof FIELDS)[number]): Set<number> {
  const out = new Set<number>();
  const value = (v: string): number => {
    const names = 'names' in field ? field.names : undefined;
    const named = names?.indexOf(v.toLowerCase() as never) ?? -1;
    const n = named >= 0 ? named + ('offset' in field ? field.offset : 0) : /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < field.min || n > field.max) throw new CronError(`cron ${field.name} "${v}" is out of range ${field.min}-${field.max}`);
    return n;
  };
  for (const item of text.split(',')) {
    const [range = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CronError(`cron ${field.name} step "${stepText}" must be a positive integer`);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [field.min, field.max === 7 ? 6 : field.max];
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [lo, hi] = [value(a), value(b)];
      if (lo > hi) throw new CronError(`cron ${field.name} range "${range}" runs backwards`);
    } else [lo, hi] = [value(range), stepText === undefined ? value(range) : field.max];
    for (let n = lo; n <= hi; n += step) out.add(n);
  }
  return out;
}

interface Clock {
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
}

function zonedClock(timezone: string): (epochMs: number) => Clock {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', month: 'numeric', day: 'numeric', weekday: 'short', hour: 'numeric', minute: 'numeric' });
  } catch {
    throw new CronError(`unknown time zone "${timezone}" (use an IANA name such as UTC or Europe/Berlin)`);
  }
  return (epochMs) => {
    const parts: Record<string, string> = {};
    for (const p of format.formatToParts(epochMs)) parts[p.type] = p.value;
    return {
      month: Number(parts.month),
      day: Number(parts.day),
      weekday: DAYS.indexOf(parts.weekday!.toLowerCase()),
      hour: Number(parts.hour),
      minute: Number(parts.minute),
    };
  };
}
