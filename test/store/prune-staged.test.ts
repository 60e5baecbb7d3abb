import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pruneStaged } from '../../store/staging/prune-staged.js';
import { type MergeFixture, createMergeFixture } from '../merge/merge-fixture.js';

let f: MergeFixture;
before(async () => {
  f = await createMergeFixture();
});
after(async () => {
  await f?.close();
});

test('pruneStaged keeps the newest runs, running runs, runs a running rerun reads, and the latest success', async () => {
  const runs: Array<[string, 'running' | 'succeeded' | 'failed', string, string | null]> = [
    ['r1', 'succeeded', '2026-01-01', null], // the latest success: kept
    ['r2', 'failed', '2026-01-02', null], // pruned
    ['r3', 'failed', '2026-01-03', null], // read by a running rerun: kept
    ['r4', 'failed', '2026-01-04', null], // pruned
    ['r5', 'failed', '2026-01-05', null], // newest two: kept
    ['r6', 'running', '2026-01-06', null],
    ['rr', 'running', '2026-01-07', 'r3'],
  ];
  for (const [run_id, status, day, rerun_of] of runs) {
    await f.db.insertInto('tributary.run').values({ run_id, pipeline: 'p', status, window_end: `${day}T00:00:00Z`, started_at: `${day}T00:00:00Z`, rerun_of }).execute();
    if (!rerun_of) await f.stage(run_id, 'crm.contacts', [{ id: `${run_id}-a` }, { id: `${run_id}-b` }]);
  }
  const result = await pruneStaged(f.db, { retention: { stagedRuns: 2 } });
  assert.deepEqual(result, { runs: ['r2', 'r4'], records: 4 });
  const left = await f.db.selectFrom('tributary.staged_record as r').innerJoin('tributary.fetch_checkpoint as c', 'c.stream_id', 'r.stream_id').select('c.run_id').distinct().orderBy('run_id').execute();
  assert.deepEqual(left.map((r) => r.run_id), ['r1', 'r3', 'r5', 'r6']);
  assert.deepEqual(await pruneStaged(f.db, { retention: { stagedRuns: 2 } }), { runs: [], records: 0 }, 'idempotent');
  // With days, younger runs stay whatever their rank.
  await f.db.updateTable('tributary.run').set({ status: 'failed' }).where('run_id', '=', 'rr').execute();
  const byAge = await pruneStaged(f.db, { retention: { stagedRuns: 1, days: 30 } }, { now: new Date('2026-01-20T00:00:00Z') });
  assert.deepEqual(byAge.runs, []);
  const old = await pruneStaged(f.db, { retention: { stagedRuns: 1, days: 1 } }, { now: new Date('2026-01-20T00:00:00Z') });
  assert.deepEqual(old.runs, ['r3', 'r5']);
});
