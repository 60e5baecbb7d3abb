import { getRun } from '../../store/run-store.js';
import { connectTemporal, openDatabase } from '../connection.js';
import { reportRunResult, startRerun } from '../start-run.js';
import type { RunSummary } from '../../activities/index.js';
import { UsageError, commonOptions, parseCommandArgs } from './common-options.js';

/**
 * `tributary rerun --run ID [--json]`: recomputes the entities of a past run's pipeline from
 * every record's latest raw payload (after a mapping change, say), without fetching, as a new
 * run recorded with `rerun_of`; waits for it and exits 1 if it failed.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { ...commonOptions, run: { type: 'string' } });
  if (values.help) {
    console.log("Usage: tributary rerun --run ID [--json]\nRecomputes the entities of the run's pipeline from every record's latest raw payload, without fetching, as a new run (rerun_of = ID).");
    return 0;
  }
  if (!values.run) throw new UsageError('--run ID is required (see `tributary status` for run ids)');
  const db = openDatabase();
  let pipeline: string;
  try {
    const past = await getRun(db, values.run);
    if (!past) throw new UsageError(`no run "${values.run}" in tributary.run (see \`tributary status\`)`);
    pipeline = past.pipeline;
  } finally {
    await db.destroy();
  }
  const temporal = await connectTemporal();
  try {
    const handle = await startRerun(temporal.client, { taskQueue: temporal.taskQueue, rerunOf: values.run, pipeline, now: new Date() });
    if (!values.json) console.log(`started rerun ${handle.workflowId} of ${values.run}`);
    return await reportRunResult('rerun', handle.workflowId, handle.result() as Promise<RunSummary>, values.json);
  } finally {
    await temporal.close();
  }
}
