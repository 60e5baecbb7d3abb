import { dryRunStream, standaloneDeps } from '../../connectors/dry-run.js';
import { UsageError, commonOptions, loadCommandConfig, parseCommandArgs } from './common-options.js';

const options = { ...commonOptions, source: { type: 'string' }, stream: { type: 'string' }, pages: { type: 'string', default: '1' } } as const;

/**
 * `tributary sources test --source S [--stream T] [--pages N]`: a dry run that fetches the first
 * page(s) of a source's streams (nothing is staged) and prints sample records and the pagination
 * used — for `auto`, the scheme it detected. Secrets come from the environment as in the worker.
 */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, options, true);
  if (values.help) {
    console.log(
      [
        'Usage: tributary sources test --source S [--stream T] [--pages N] [--config PATH] [--json]',
        'Dry run: fetches the first N pages (default 1) of each stream of source S (or only stream T),',
        'stages nothing, and prints the record count, the pagination used (for `auto`, what it detected,',
        'e.g. auto:cursor), whether more pages follow, the total the API reports, warnings and up to',
        'three sample records. Secrets are read from the environment as the worker reads them, and',
        'masked in the output. A child stream uses the first record of its parent. Exit 1 when a stream fails.',
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
  if (source.auth.type === 'oauth2_refresh_token') {
    console.error('note: a rotating refresh token is used in memory only here; the worker will start again from the configured one');
  }
  const deps = standaloneDeps();
  let failed = false;
  const results = [];
  for (const stream of streams) {
    try {
      results.push(await dryRunStream(config, sourceName, stream, pages, deps));
    } catch (err) {
      failed = true;
      results.push({ stream, error: deps.masker.mask((err as Error).message) });
    }
  }
  if (values.json) console.log(deps.masker.mask(JSON.stringify({ source: sourceName, streams: results })));
  else {
    for (const r of results) {
      if ('error' in r) {
        console.log(`${sourceName}.${r.stream}: FAILED — ${r.error}`);
        continue;
      }
      console.log(`${sourceName}.${r.stream}: ${r.records} records in ${r.pages} page(s); pagination ${r.paginationType}${r.hasMore ? ' (more pages follow)' : ' (last page reached)'}${r.reportedTotal !== undefined ? `; API reports ${r.reportedTotal} in total` : ''}`);
      console.log(`  paging: ${r.paging.mode}${r.paging.mode === 'concurrent' ? ` (${r.paging.inFlight} requests in flight)` : ''} — ${r.paging.why}`);
      for (const w of r.warnings) console.log(`  warning: ${w}`);
      for (const sample of r.samples) console.log(`  ${deps.masker.mask(JSON.stringify(sample))}`);
    }
  }
  return failed ? 1 : 0;
}
