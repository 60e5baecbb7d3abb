import type { KeyRange } from '../write/affected-batch.js';

/**
 * `n` key ranges that together cover every string, split evenly over entity keys. Entity keys
 * start with hex digits (a hash of the match value, and a child's key starts with its parent's),
 * so splitting the first four hex digits evenly gives partitions of about equal size; any other
 * key still falls in exactly one range.
 */
export function keyRanges(n: number): KeyRange[] {
  const bounds = Array.from({ length: n - 1 }, (_, i) => Math.floor(((i + 1) * 0x10000) / n).toString(16).padStart(4, '0'));
  return Array.from({ length: n }, (_, i) => ({ from: i === 0 ? '' : bounds[i - 1]!, to: i === n - 1 ? null : bounds[i]! }));
}

/** How many partitions for `keys` keys to rewrite: one per `keysPerPartition`, at least one, at most `maxPartitions`. */
export function partitionCount(keys: number, settings: { readonly maxPartitions: number; readonly keysPerPartition: number }): number {
  return Math.min(settings.maxPartitions, Math.max(1, Math.ceil(keys / settings.keysPerPartition)));
}
