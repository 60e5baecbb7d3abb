import { z } from 'zod';

/** Per-stream safety limits and request timeout, shared by REST and GraphQL streams. */
export const limitsFields = {
  /** Per-request timeout in milliseconds. */
  timeoutMs: z.number().int().positive().default(30_000).describe('Per-request timeout in milliseconds.'),
  /** Stop after this many pages per stream and run (a safety cap). */
  maxPages: z.number().int().positive().optional().describe('Stop after this many pages per stream and run.'),
  /** Stop after this many records per stream and run (a safety cap). */
  maxRecords: z.number().int().positive().optional().describe('Stop after this many records per stream and run.'),
};

