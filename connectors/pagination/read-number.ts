import { compileJsonPath } from '../../core/json-path.js';

/** The number at `path` in `body`, or undefined when absent or not numeric. */
export function readNumber(body: unknown, path: string | undefined): number | undefined {
  if (!path) return undefined;
  const v = compileJsonPath(path).first(body);
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}
