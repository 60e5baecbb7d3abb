import { parseDuration } from '../../core/duration.js';
import { backfill } from '../backfill.js';
import { connectTemporal, printTable } from '../connection.js';
import { UsageError, commonOptions, loadCommandConfig, parseCommandArgs } from './common-options.js';

/**
 * `tributary backfill --pipeline P --from T1 --to T2 [--step 1h] [--concurrency N] [--force] [--json]`:
 * runs the pipeline for the past windows between T1 and T2 (sliced by its schedule, or by
 * `--step`), a few at a time. Running it twice changes nothing: windows that succeeded are
 * skipped. Exits 1 when a window failed.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    ...commonOptions,
    pipeline: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    step: { type: 'string' },
    concurrency: { type: 'string' },
    force: { type: 'boolean', default: false },
  });
  if (values.help) {
    console.log('Usage: tributary backfill --pipeline P --from T1 --to T2 [--step 1h] [--concurrency N] [--force] [--json]\nRuns the pipeline for the past windows between T1 and T2 (ISO 8601), sliced by its schedule or --step.\nWindows that already succeeded are skipped (--force redoes them); exits 1 when a window failed.');
    return 0;
  }
  const config = await loadCommandConfig(values);
  if (!values.pipeline) throw new UsageError(`--pipeline is required; valid: ${Object.keys(config.pipelines).join(', ')}`);
  if (!config.pipelines[values.pipeline]) throw new UsageError(`unknown pipeline "${values.pipeline}"; valid: ${Object.keys(config.pipelines).join(', ')}`);
  const from = parseTime(values.from, '--from');
  const to = parseTime(values.to, '--to');
  if (from >= to) throw new UsageError(`--from (${from.toISOString()}) must be before --to (${to.toISOString()})`);
  const stepMs = values.step === undefined ? undefined : parseStep(values.step);
  const concurrency = values.concurrency === undefined ? 2 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 50) throw new UsageError('--concurrency must be an integer from 1 to 50');

  const temporal = await connectTemporal();
  try {
    let results;
    try {
      results = await backfill(temporal.client, config, {
        pipeline: values.pipeline,
        from,
        to,
        ...(stepMs === undefined ? {} : { stepMs }),
        concurrency,
        force: values.force,
        taskQueue: temporal.taskQueue,
        onWindow: (r, place) => {
          // Windows finish in any order; each line says which one it is, and the table below lists them oldest first.
          if (!values.json) console.log(`window ${place.index + 1}/${place.count} ${r.window.start} → ${r.window.end}  ${r.status}${r.outcome === 'attached' ? ' (was already running)' : ''}${r.error ? `: ${r.error}` : ''}`);
        },
      });
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(err.message);
      throw err;
    }
    if (values.json) console.log(JSON.stringify({ pipeline: values.pipeline, windows: results }));
    else {
      console.log('');
      printTable(results.map((r) => ({ ...r, start: r.window.start, end: r.window.end })), ['runId', 'start', 'end', 'status', 'records']);
    }
    return results.some((r) => r.status === 'failed') ? 1 : 0;
  } finally {
    await temporal.close();
  }
}

function parseTime(value: string | undefined, flag: string): Date {
  if (!value) throw new UsageError(`${flag} is required (an ISO time such as 2026-01-01T00:00:00Z)`);
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new UsageError(`${flag} "${value}" is not a time; use ISO 8601 such as 2026-01-01T00:00:00Z`);
  return d;
}

function parseStep(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    throw new UsageError(`--step "${value}" must be a duration like 30m, 1h or 1d`);
  }
}
