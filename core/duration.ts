/** Milliseconds in one unit of `s`, `m`, `h`, `d`. */
const unitMs: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `30s`, `5m`, `1h`, `2d` into milliseconds; throws on anything else. */
export function parseDuration(text: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(text);
  if (!m) throw new Error(`invalid duration "${text}": use a number and s, m, h or d`);
  return Number(m[1]) * (unitMs[m[2]!] ?? 0);
}
