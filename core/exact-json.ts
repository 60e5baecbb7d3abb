import { isSafeNumber, parse } from 'lossless-json';

/** A number literal longer than a double holds exactly has at least 16 digits in a row. */
const LONG_DIGITS = /\d{16}/;

/**
 * Parses JSON text without losing a digit: a number a double cannot hold exactly (an id above
 * 2^53, a decimal with more than 15-17 significant digits) becomes the string of its exact
 * digits, so keys, match values, cursors and mapped fields keep every one. Text without a run
 * of 16 digits (nearly all of it) goes through `JSON.parse`; the rest through a lossless parser.
 * Throws `SyntaxError` for invalid JSON, as `JSON.parse` does.
 */
export function parseJsonExact(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  return parse(text, null, (digits) => (isSafeNumber(digits) ? Number(digits) : digits));
}
