import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { startRerun } from '../../client/start-run.js';
import { loadConfigFile } from '../../config/index.js';
import type { RunSummary } from '../../activities/index.js';
import { pruneStaged } from '../../store/staging/prune-staged.js';
import { startWorker } from '../../worker/create-worker.js';
import { syncPipeline } from '../../workflows/index.js';
import { type PipelineHarness, startPipelineHarness } from '../support/pipeline-harness.js';
import { mergedTables, tableDigests } from '../support/table-digest.js';
import { temporalEnv, uniqueTaskQueue } from '../support/temporal.js';

let h: PipelineHarness;
before(async () => {
  h = await startPipelineHarness();
});
after(async () => {
  await h?.close();
});

const run = (runId: string, windowEnd: string): Promise<RunSummary> => h.client.workflow.execute(syncPipeline, { workflowId: runId, taskQueue: h.taskQueue, args: [{ pipeline: 'demo', windowEnd }] });

/** Staged rows and unchanged counts of each stream of a run. */
async function staging(runId: string): Promise<Record<string, { staged: number; unchanged: number; records: number }>> {
  const { rows } = await sql<{ ref: string; staged: number; unchanged: number; records: number }>`
    select c.source || '.' || c.stream as ref, (select count(*)::int from tributary.staged_record r where r.stream_id = c.stream_id) as staged, c.unchanged, c.records
    from tributary.fetch_checkpoint c where c.run_id = ${runId} order by 1`.execute(h.db);
  return Object.fromEntries(rows.map((r) => [r.ref, { staged: r.staged, unchanged: r.unchanged, records: r.records }]));
}

const digest = async () => tableDigests(h.db, await mergedTables(h.db));

test('a fetch of records the last merge took in as they are stages none of them: they are counted unchanged, nothing is rewritten', { timeout: 120_000 }, async () => {
  await run('changes/1', '2026-10-01T00:00:00Z');
  const first = await staging('changes/1');
  for (const [ref, s] of Object.entries(first)) assert.equal(s.staged, s.records, `${ref}: a first load stages every record`);
  const latest = await sql<{ n: number }>`select count(*)::int as n from tributary.latest_record`.execute(h.db);
  assert.equal(latest.rows[0]!.n, Object.values(first).reduce((n, s) => n + s.records, 0), 'each record has its latest payload');
  const before = await digest();

  const summary = await run('changes/2', '2026-10-01T00:05:00Z');
  const second = await staging('changes/2');
  for (const [ref, s] of Object.entries(second)) assert.deepEqual(s, { staged: 0, unchanged: first[ref]!.records, records: first[ref]!.records }, `${ref}: nothing staged`);
  const customer = summary.entities.find((e) => e.entity === 'customer')!;
  assert.equal(customer.recordsRead, first['crm.contacts']!.records + first['billing.customers']!.records + first['support.customers']!.records);
  assert.equal(customer.recordsUnchanged, customer.recordsRead);
  assert.equal(customer.written, 0);
  assert.deepEqual(await digest(), before, 'every merged table as it was');
  assert.equal(summary.streams.every((s) => (s.duplicates ?? 0) === 0), true, 'unchanged records are not duplicates');
});

test('a changed record is the only one staged, and its entity follows', { timeout: 120_000 }, async () => {
  const contact = h.demo.dataset.crm.contacts.find((c) => c.email)!;
  contact.phone = '+1 555-4242';
  const summary = await run('changes/3', '2026-10-01T00:10:00Z');
  const third = await staging('changes/3');
  assert.equal(third['crm.contacts']!.staged, 1);
  assert.equal(third['billing.customers']!.staged, 0);
  const contribution = (await sql<{ phone: string }>`select "values"->>'phone' as phone from tributary.source_record where entity = 'customer' and source = 'crm' and source_key = ${String(contact.id)}`.execute(h.db)).rows[0];
  assert.equal(contribution?.phone, '+1 555-4242');
  const customer = summary.entities.find((e) => e.entity === 'customer')!;
  assert.equal(customer.contributionsChanged, 1);
  assert.equal(customer.recordsUnchanged, customer.recordsRead - 1);
});

test('rerun after a mapping change recomputes every entity from the latest raw payloads, past retention, without a request upstream', { timeout: 120_000 }, async () => {
  // Retention keeps only the newest run's staged records, and every record's latest payload.
  const pruned = await pruneStaged(h.db, { retention: { stagedRuns: 1 } });
  assert.ok(pruned.runs.includes('changes/1'));
  const yaml = (await readFile(h.configPath, 'utf8'))
    .replace('          company: $.company\n', '          company: { path: $.company, transforms: [upper] }\n')
    .replace('          company: $.organization.name\n', '          company: { path: $.organization.name, transforms: [upper] }\n');
  assert.equal(yaml.match(/company: \{ path: \S+, transforms: \[upper\] }\n/g)?.length, 2);
  // And a strategy change: billing's name first. Unchanged contributions, yet every entity is recomputed.
  const strategy = "priority: [crm, billing, support], doc: 'Full name";
  assert.ok(yaml.includes(strategy));
  const edited2 = yaml.replace(strategy, "priority: [billing, crm, support], doc: 'Full name");
  const edited = join(tmpdir(), `tributary-only-changes-${process.pid}.yaml`);
  await writeFile(edited, edited2);
  const config = await loadConfigFile(edited, h.env);
  const { address, namespace } = temporalEnv();
  const taskQueue = uniqueTaskQueue('only-changes-rerun');
  const worker = await startWorker({ address, namespace, taskQueue, config, db: h.db, env: h.env });
  try {
    const requests = JSON.stringify(h.demo.stats.requests);
    const handle = await startRerun(h.client, { taskQueue, rerunOf: 'changes/1', pipeline: 'demo', now: new Date('2026-11-01T00:00:00Z') });
    const summary = (await handle.result()) as RunSummary;
    assert.equal(JSON.stringify(h.demo.stats.requests), requests, 'no request upstream');
    assert.ok(summary.entities.find((e) => e.entity === 'customer')!.written > 0);
    const companies = (await sql<{ company: string | null }>`select company from unified.customer where company is not null`.execute(h.db)).rows.map((r) => r.company!);
    assert.ok(companies.length > 0);
    assert.deepEqual(companies, companies.map((c) => c.toUpperCase()), 'every company recomputed under the new mapping');
    const names = await sql<{ name: string; billing: string }>`
      select c.name, b."values"->>'name' as billing from unified.customer c
      join tributary.source_record b on b.entity = 'customer' and b.source = 'billing' and b.entity_key = c._key and b.deleted_at is null
      where b."values"->>'name' is not null`.execute(h.db);
    assert.ok(names.rows.length > 0);
    assert.deepEqual(names.rows.map((r) => r.name), names.rows.map((r) => r.billing), 'the new strategy applied to every entity billing names');
    // The changed phone of the last run is kept: the latest payload, not the first run's.
    const phones = await sql<{ phone: string }>`select "values"->>'phone' as phone from tributary.source_record where entity = 'customer' and source = 'crm' and "values"->>'phone' = '+1 555-4242'`.execute(h.db);
    assert.equal(phones.rows.length, 1);
  } finally {
    await worker.shutdown();
    await rm(edited, { force: true });
  }
});
