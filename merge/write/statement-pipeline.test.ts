import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStatementPipeline } from './statement-pipeline.js';

/** A statement that settles after `ms`, as a connection finishing statements in issue order would. */
const after = <T>(ms: number, value: T | Error): Promise<T> =>
  new Promise((resolve, reject) => setTimeout(() => (value instanceof Error ? reject(value) : resolve(value)), ms));

test('counts results and drains', async () => {
  const pipeline = createStatementPipeline();
  let total = 0;
  pipeline.add(after(5, 2), (n) => (total += n));
  pipeline.add(after(10, 3), (n) => (total += n));
  assert.equal(await pipeline.track(after(15, 'next')), 'next');
  await pipeline.drain();
  assert.equal(total, 5);
});

test('every failure reported is the first one in issue order', async () => {
  const pipeline = createStatementPipeline();
  const root = new Error('duplicate key');
  pipeline.add(after(5, 1), () => undefined);
  pipeline.add(after(10, root), () => assert.fail('a failed statement is not counted'));
  // Later statements fail because the transaction is aborted; the cause is the earlier failure.
  const read = pipeline.track(after(15, new Error('current transaction is aborted')));
  pipeline.add(after(20, new Error('current transaction is aborted')), () => undefined);
  // Nothing awaits `read` for a while: its failure must not go unhandled meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 30));
  await assert.rejects(read, (err) => err === root);
  await assert.rejects(pipeline.drain(), (err) => err === root);
});
