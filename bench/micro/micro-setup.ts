import { readFileSync } from 'node:fs';
import { dropDatabase, recreateDatabase } from '../measure/pg-stats.js';

/** What a micro-benchmark against Postgres is told: how many records, and which server. */
export interface MicroArgs {
  readonly records: number;
  /** `DATABASE_URL`, else the Postgres at 127.0.0.1:5432. */
  readonly url: string;
}

/** `--records N` (default `defaultRecords`) and the Postgres URL. */
export function parseMicroArgs(argv: readonly string[], defaultRecords: number): MicroArgs {
  const i = argv.indexOf('--records');
  const records = i >= 0 ? Number(argv[i + 1]) : defaultRecords;
  if (!Number.isInteger(records) || records <= 0) throw new Error(`--records must be a positive integer, got ${argv[i + 1]}`);
  return { records, url: process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres' };
}

/** `url` with its database replaced by `name`. */
export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * CPU time (utime + stime) of a process on this machine in clock ticks (100 per second on
 * Linux); 0 for a process that has gone.
 */
export function cpuTicks(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** A micro-benchmark's own database, made fresh on the server of `MicroArgs.url`; `drop()` removes it. */
export async function freshMicroDatabase(name: string): Promise<{ readonly url: string; drop(): Promise<void> }> {
  const { url } = parseMicroArgs([], 1);
  await recreateDatabase(url, name);
  return { url: withDatabaseName(url, name), drop: () => dropDatabase(url, name) };
}
