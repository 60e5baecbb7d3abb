import { isSafeNumber, parse } from 'lossless-json';

/**
 * Parses JSON text without losing a digit: a number a double cannot hold exactly (an integer
 * beyond 2^53, a decimal with 16 or more significant digits) becomes the string of its exact
 * digits, so keys, match values, cursors and mapped fields keep every one. The text goes through
 * `JSON.parse` first; only when the result holds such a number (rare) is it parsed again by a
 * lossless parser. (Checking the parsed value costs about a third of a regular-expression scan
 * of the text.) Throws `SyntaxError` for invalid JSON, as `JSON.parse` does.
 */
export function parseJsonExact(text: string): unknown {
  const value = JSON.parse(text) as unknown;
  return mayHaveLostDigits(value) ? parse(text, null, (digits) => (isSafeNumber(digits) ? Number(digits) : digits)) : value;
}

/**
 * True when a parsed value holds a number that may not be the one its text wrote: an integer
 * outside the safe range, or a fraction printed back with 16 or more significant digits.
 */
export function mayHaveLostDigits(v: unknown): boolean {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return !Number.isSafeInteger(v);
    return significantDigits(v) >= 16;
  }
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (const item of v) if (mayHaveLostDigits(item)) return true;
    return false;
  }
  for (const key in v) if (mayHaveLostDigits((v as Record<string, unknown>)[key])) return true;
  return false;
}

function significantDigits(n: number): number {
  const mantissa = String(Math.abs(n)).replace(/e.*$/i, '').replace('.', '');
  return mantissa.replace(/^0+/, '').length;
}
