import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { syncPipeline } from '../../workflows/index.js';
import { DEMO_CONFIG, type PipelineHarness, startPipelineHarness } from '../support/pipeline-harness.js';

// Raw-record retention end to end: `finishRun` prunes staged records after every run that did not fail.
const KEEP = 2;
let h: PipelineHarness;
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tributary-retention-'));
  const path = join(dir, 'pipeline.yaml');
  await writeFile(path, `${await readFile(DEMO_CONFIG, 'utf8')}\nretention: { stagedRuns: ${KEEP} }\n`);
  h = await startPipelineHarness({ configPath: path });
});
after(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const runPipeline = (workflowId: string, windowEnd: string) =>
  h.client.workflow.execute(syncPipeline, { workflowId, taskQueue: h.taskQueue, args: [{ pipeline: 'demo', windowEnd }] });

const stagedRuns = async () => (await h.db.selectFrom('tributary.staged_record as r').innerJoin('tributary.fetch_checkpoint as c', 'c.stream_id', 'r.stream_id').select('c.run_id').distinct().orderBy('run_id').execute()).map((r) => r.run_id);

test(`after ${KEEP + 1} runs with retention.stagedRuns ${KEEP}, only the newest ${KEEP} runs keep staged records, and older runs only the latest payloads`, { timeout: 120_000 }, async () => {
  assert.equal(h.config.retention.stagedRuns, KEEP);
  const ids = ['retention-1', 'retention-2', 'retention-3'];
  for (const [i, id] of ids.entries()) {
    // A fetch stages only what changed since the last merge: each run changes a contact.
    h.demo.dataset.crm.contacts[i]!.phone = `+1 555-010${i}`;
    const summary = await runPipeline(id, `2026-10-0${i + 1}T00:00:00Z`);
    assert.ok(summary.streams.every((s) => s.status === 'succeeded'), `${id} succeeded`);
    // Up to KEEP runs nothing is pruned.
    if (i < KEEP) assert.deepEqual(await stagedRuns(), ids.slice(0, i + 1));
  }
  assert.deepEqual(await stagedRuns(), ids.slice(-KEEP), 'the oldest run was pruned');
  const checkpoints = await h.db.selectFrom('tributary.fetch_checkpoint').select('run_id').where('run_id', '=', ids[0]!).execute();
  assert.deepEqual(checkpoints, [], 'with its fetch checkpoints');
  // Of the pruned run, the staged rows that are still records' latest payloads stay (reruns recompute from them).
  const kept = await h.db
    .selectFrom('tributary.staged_record as r')
    .innerJoin('tributary.latest_record as l', (j) => j.onRef('l.staged_stream_id', '=', 'r.stream_id').onRef('l.staged_id', '=', 'r.id'))
    .leftJoin('tributary.fetch_checkpoint as c', 'c.stream_id', 'r.stream_id')
    .where('c.run_id', 'is', null)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  assert.ok(Number(kept.n) > 0, 'the first run still holds most records\' latest payloads');
  const orphans = await h.db
    .selectFrom('tributary.staged_record as r')
    .leftJoin('tributary.latest_record as l', (j) => j.onRef('l.staged_stream_id', '=', 'r.stream_id').onRef('l.staged_id', '=', 'r.id'))
    .leftJoin('tributary.fetch_checkpoint as c', 'c.stream_id', 'r.stream_id')
    .where('c.run_id', 'is', null)
    .where('l.staged_id', 'is', null)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  assert.equal(Number(orphans.n), 0, 'the replaced payloads of the pruned run are gone');
  // Pruning never turns a run into a failure.
  const runs = await h.db.selectFrom('tributary.run').select(['run_id', 'status']).orderBy('run_id').execute();
  assert.deepEqual(runs.map((r) => r.status), ['succeeded', 'succeeded', 'succeeded']);
});
