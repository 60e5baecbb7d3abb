import type { Kysely } from 'kysely';
import { dryRunStream, standaloneDeps } from '../../connectors/dry-run.js';
import { type RecordPreview, compileRecordPreview } from '../../merge/map/preview-record.js';
import type { Database } from '../../store/database-schema.js';
import { findLinkedEntityKey } from '../../store/identity-lookup.js';
import { openDatabase } from '../connection.js';
import { UsageError, commonOptions, loadCommandConfig, parseCommandArgs } from './common-options.js';

const options = { ...commonOptions, source: { type: 'string' }, stream: { type: 'string' }, pages: { type: 'string', default: '1' }, records: { type: 'string', default: '3' } } as const;

/** One record of the first page as the merge would see it. */
interface MappedRecord {
  readonly raw: string;
  readonly entities: ReadonlyArray<RecordPreview & { readonly joins?: string }>;
}

/**
 * `tributary sources test --source S [--stream T] [--pages N] [--records N]`: a dry run that
 * fetches the first page(s) of a source's streams (nothing is staged) and prints the pagination
 * used — for `auto`, the scheme it detected — and, for the first page's records, each one's raw
 * JSON, what every entity mapping makes of it (typed values or quarantine reasons, tombstones,
 * skips, match keys) and which existing entity it would join when the database is reachable.
 */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, options, true);
  if (values.help) {
    console.log(
      [
        'Usage: tributary sources test --source S [--stream T] [--pages N] [--records N] [--config PATH] [--json]',
        'Dry run: fetches the first N pages (default 1) of each stream of source S (or only stream T),',
        'stages nothing, and prints the record count, the pagination used (for `auto`, what it detected,',
        'e.g. auto:cursor), whether more pages follow, the total the API reports and warnings. Then, for the',
        'first --records records of the first page (default 3; --json: all of them): the raw JSON, the mapped',
        'fields of each entity the stream maps to, quarantine reasons, match keys, and the existing entity the',
        'record would join (when the database is reachable; else "new or unknown"). Secrets are read from the',
        'environment and .env files, and masked. A child stream uses the first record of its parent. Exit 1',
        'when a stream fails.',
      ].join('\n'),
    );
    return 0;
  }
  if (positionals[0] !== 'test') throw new UsageError('usage: tributary sources test --source S [--stream T] [--pages N]');
  const config = await loadCommandConfig(values);
  const sourceName = values.source;
  const source = sourceName ? config.sources[sourceName] : undefined;
  if (!sourceName || !source) throw new UsageError(`--source must name a source; valid: ${Object.keys(config.sources).join(', ')}`);
  const streams = values.stream ? [values.stream] : Object.keys(source.streams);
  for (const s of streams) if (!source.streams[s]) throw new UsageError(`source "${sourceName}" has no stream "${s}"; valid: ${Object.keys(source.streams).join(', ')}`);
  const pages = Number(values.pages);
  if (!Number.isInteger(pages) || pages < 1) throw new UsageError('--pages must be a positive integer');
  const shown = Number(values.records);
  if (!Number.isInteger(shown) || shown < 0) throw new UsageError('--records must be a whole number');
  if (source.auth.type === 'oauth2_refresh_token') {
    console.error('note: a rotating refresh token is used in memory only here; the worker will start again from the configured one');
  }
  const deps = standaloneDeps();
  const db = await reachableDatabase();
  let failed = false;
  const results = [];
  try {
    for (const stream of streams) {
      try {
        const result = await dryRunStream(config, sourceName, stream, pages, deps);
        const preview = compileRecordPreview(config.entities, `${sourceName}.${stream}`);
        const limit = values.json ? result.firstPage.records.length : shown;
        const mapped: MappedRecord[] = [];
        for (const [i, record] of result.firstPage.records.slice(0, limit).entries()) {
          const entities = await Promise.all(preview(record).map(async (p) => ({ ...p, ...(await joins(db, p)) })));
          mapped.push({ raw: result.firstPage.texts?.[i] ?? JSON.stringify(record), entities });
        }
        const { firstPage, samples, ...rest } = result;
        results.push({ ...rest, mapped, firstPageRecords: firstPage.records.length, ...(values.json ? {} : { samples }) });
      } catch (err) {
        failed = true;
        results.push({ stream, error: deps.masker.mask((err as Error).message) });
      }
    }
  } finally {
    await db?.destroy();
  }
  if (values.json) {
    console.log(deps.masker.mask(JSON.stringify({ source: sourceName, database: db ? 'reachable' : 'not reachable', streams: results })));
    return failed ? 1 : 0;
  }
  for (const r of results) {
    if ('error' in r) {
      console.log(`${sourceName}.${r.stream}: FAILED — ${r.error}`);
      continue;
    }
    console.log(`${sourceName}.${r.stream}: ${r.records} records in ${r.pages} page(s); pagination ${r.paginationType}${r.hasMore ? ' (more pages follow)' : ' (last page reached)'}${r.reportedTotal !== undefined ? `; API reports ${r.reportedTotal} in total` : ''}`);
    console.log(`  paging: ${r.paging.mode}${r.paging.mode === 'concurrent' ? ` (${r.paging.inFlight} requests in flight)` : ''} — ${r.paging.why}`);
    for (const w of r.warnings) console.log(`  warning: ${w}`);
    if (r.mapped.length > 0 && r.mapped[0]!.entities.length === 0) console.log('  no entity maps this stream yet (entities.<name>.sources)');
    r.mapped.forEach((m, i) => {
      console.log(`  record ${i + 1}: ${deps.masker.mask(m.raw)}`);
      for (const e of m.entities) console.log(deps.masker.mask(describePreview(e)));
    });
    if (r.firstPageRecords > r.mapped.length) console.log(`  … ${r.firstPageRecords - r.mapped.length} more record(s) on the first page (--records N, or --json for all)`);
  }
  if (!db) console.log('(database not reachable: which existing entity a record joins was not looked up; start Tributary or set DATABASE_URL)');
  return failed ? 1 : 0;
}

function describePreview(e: RecordPreview & { joins?: string }): string {
  const head = `    → ${e.entity}: ${e.status}`;
  if (e.status === 'quarantined' && e.problems) return `${head} (${e.problems.join('; ')})`;
  if (e.children) return `${head}, ${e.children.length} child row(s)${e.children.map((c) => `\n        ${c.values ? JSON.stringify(c.values) : `quarantined: ${c.problems?.join('; ')}`}`).join('')}`;
  if (e.status !== 'mapped') return head;
  const keys = (e.matchKeys ?? []).map(([k, v]) => `${k}=${v}`).join(', ');
  return `${head}${e.joins ? `, joins ${e.joins}` : ''}\n        ${JSON.stringify(e.values)}${keys ? `\n        match keys: ${keys}` : ''}`;
}

/** The existing entity a mapped record's match keys link to, when the database can tell. */
async function joins(db: Kysely<Database> | undefined, p: RecordPreview): Promise<{ joins?: string }> {
  if (p.status !== 'mapped' || !p.matchKeys) return {};
  if (!db) return { joins: 'new or unknown (database not reachable)' };
  try {
    const key = await findLinkedEntityKey(db, p.entity, p.matchKeys);
    return { joins: key ? `entity ${key}` : 'a new entity' };
  } catch {
    // No tables yet (a database never migrated): every record would found a new entity.
    return { joins: 'a new entity' };
  }
}

/** The database the worker writes to, if it answers within a few seconds. */
async function reachableDatabase(): Promise<Kysely<Database> | undefined> {
  const db = openDatabase();
  try {
    await Promise.race([db.selectFrom('tributary.run').select('run_id').limit(1).execute(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000).unref())]);
    return db;
  } catch {
    await db.destroy().catch(() => {});
    return undefined;
  }
}
