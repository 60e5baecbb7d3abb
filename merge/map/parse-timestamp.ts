/**
 * Parses text in a fixed format into an instant, reading wall-clock times in an IANA time zone
 * (daylight-saving aware, through `Intl`). Compiled once per format.
 *
 * Tokens: `YYYY` `YY` year, `MM` `M` month, `DD` `D` day, `HH` `H` hour (0-23), `hh` `h` hour
 * (1-12, with `A` for AM/PM), `mm` minute, `ss` second, `SSS` milliseconds, `Z` offset
 * (`+02:00`, `+0200`, `Z`; when present the time zone is not used). Text in `[brackets]` and
 * any other non-letter character match literally.
 *
 * ```ts
 * const parse = compileTimestampParser('DD/MM/YYYY HH:mm', 'Europe/Berlin');
 * parse('01/07/2026 14:30'); // 2026-07-01T12:30:00.000Z (summer time: UTC+2)
 * ```
 */
export type TimestampParser = (text: string) => Date | undefined;

/** Thrown for a format with an unknown token or an unknown time zone. */
export class TimestampFormatError extends Error {
  /** Stable error code. */
  readonly code = 'TIMESTAMP_FORMAT_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'TimestampFormatError';
  }
}

type Part = 'year' | 'year2' | 'month' | 'day' | 'hour' | 'hour12' | 'minute' | 'second' | 'millis' | 'ampm' | 'offset';

const TOKENS: ReadonlyArray<readonly [string, Part, string]> = [
  ['YYYY', 'year', '(\\d{4})'],
  ['YY', 'year2', '(\\d{2})'],
  ['MM', 'month', '(\\d{2})'],
  ['M', 'month', '(\\d{1,2})'],
  ['DD', 'day', '(\\d{2})'],
  ['D', 'day', '(\\d{1,2})'],
  ['HH', 'hour', '(\\d{2})'],
  ['H', 'hour', '(\\d{1,2})'],
  ['hh', 'hour12', '(\\d{2})'],
  ['h', 'hour12', '(\\d{1,2})'],
  ['mm', 'minute', '(\\d{2})'],
  ['ss', 'second', '(\\d{2})'],
  ['SSS', 'millis', '(\\d{3})'],
  ['A', 'ampm', '([AaPp][Mm])'],
  ['Z', 'offset', '(Z|[+-]\\d{2}:?\\d{2})'],
];

/** Compiles a parser for `format` in `timezone`; throws TimestampFormatError for a bad format or zone. */
export function compileTimestampParser(format: string, timezone = 'UTC'): TimestampParser {
  const offsetOf = zoneOffset(timezone);
  const parts: Part[] = [];
  let pattern = '';
  for (let i = 0; i < format.length; ) {
    if (format[i] === '[') {
      const end = format.indexOf(']', i);
      if (end === -1) throw new TimestampFormatError(`format "${format}": unclosed [`);
      pattern += escape(format.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    const token = TOKENS.find(([t]) => format.startsWith(t, i));
    if (token) {
      parts.push(token[1]);
      pattern += token[2];
      i += token[0].length;
    } else if (/[A-Za-z]/.test(format[i]!)) {
      throw new TimestampFormatError(`format "${format}": unknown token "${format[i]}" (use YYYY MM DD HH hh mm ss SSS A Z, and [text] for literals)`);
    } else {
      pattern += escape(format[i]!);
      i++;
    }
  }
  if (!parts.includes('year') && !parts.includes('year2')) throw new TimestampFormatError(`format "${format}" has no year (YYYY or YY)`);
  const regex = new RegExp(`^${pattern}$`);

  return (text) => {
    const m = regex.exec(text.trim());
    if (!m) return undefined;
    const v: Partial<Record<Part, string>> = {};
    parts.forEach((p, i) => (v[p] = m[i + 1]));
    const year = v.year !== undefined ? Number(v.year) : 2000 + Number(v.year2);
    const month = Number(v.month ?? 1);
    const day = Number(v.day ?? 1);
    let hour = Number(v.hour ?? 0);
    if (v.hour12 !== undefined) {
      const h = Number(v.hour12);
      if (h < 1 || h > 12) return undefined;
      hour = (h % 12) + (v.ampm?.toLowerCase() === 'pm' ? 12 : 0);
    }
    const minute = Number(v.minute ?? 0);
    const second = Number(v.second ?? 0);
    const millis = Number(v.millis ?? 0);
    const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
    // Date.UTC rolls 31/02 over into March: a value that does not round-trip is not a real date.
    const check = new Date(wall);
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
    if (v.offset !== undefined) return new Date(wall - parseOffset(v.offset));
    return new Date(wall - offsetOf(wall));
  };
}

/** Minutes east of UTC in milliseconds, from `Z`, `+02:00` or `-0530`. */
function parseOffset(text: string): number {
  if (text === 'Z') return 0;
  const sign = text[0] === '-' ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/**
 * For a wall-clock time read as if it were UTC, the zone's offset at that moment. A wall time
 * skipped by a spring-forward lands after the gap; an ambiguous one in autumn takes the
 * earlier (summer-time) instant.
 */
function zoneOffset(timezone: string): (wallMs: number) => number {
  if (timezone === 'UTC') return () => 0;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    throw new TimestampFormatError(`unknown time zone "${timezone}" (use an IANA name such as UTC or Europe/Berlin)`);
  }
  const offsetAt = (instant: number): number => {
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(instant)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    return asUtc - Math.floor(instant / 1000) * 1000;
  };
  return (wall) => {
    // The offsets a day before and after bracket any transition near this time.
    const candidates = [offsetAt(wall - 86_400_000), offsetAt(wall + 86_400_000)];
    const fits = candidates.filter((o) => offsetAt(wall - o) === o);
    return fits.length > 0 ? Math.max(...fits) : Math.min(...candidates);
  };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
