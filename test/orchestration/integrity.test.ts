import assert from 'node:assert/strict';
import { writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createAccessApp } from '../../access/index.js';
import { startPipelineRun } from '../../client/start-run.js';
import { encodedForms } from '../../secrets/secret-masker.js';
import { readWatermark } from '../../store/watermark-store.js';
import { type FaultServer, startFaultServer } from '../connectors/servers/fault-server.js';
import { type PipelineHarness, startPipelineHarness } from '../support/pipeline-harness.js';

const records = (n: number) => Array.from({ length: n }, (_, i) => `{"id": ${1780000018563990152n + BigInt(i)}, "name": "order ${i}", "score": ${i}}`);

const CONFIG = `
version: 1
sources:
  shop:
    type: rest
    baseUrl: \${SHOP_URL}
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 }
    streams:
      orders:
        path: /items
        recordsPath: $.items
        primaryKey: id
        pagination: { type: offset, limit: 100, totalPath: $.total }
        incremental: { cursorField: $.score, cursorType: number, param: since }
        onTruncation: degrade
  vault:
    type: rest
    baseUrl: \${VAULT_URL}
    auth: { type: basic, username: env:VAULT_USER, password: env:VAULT_PASSWORD }
    streams:
      items: { path: /items, recordsPath: $.items, primaryKey: id }
entities:
  order:
    matchOn: [ref]
    fields: { ref: { type: string }, name: { type: string } }
    sources:
      shop.orders: { fields: { ref: $.id, name: $.name } }
      vault.items: { fields: { ref: $.id, name: $.name } }
pipelines:
  shop: { schedule: { every: 1h }, sources: [shop] }
  vault: { schedule: { every: 1h }, sources: [vault] }
`;

const SECRET = { user: 'vault-svc', password: 'wr0ng+pa ss/"w0rd"' };
let shop: FaultServer;
let vault: FaultServer;
let h: PipelineHarness;
let configPath: string;
const logLines: string[] = [];

before(async () => {
  // The shop serves 50 records but reports 80; a third of its requests fail at first.
  shop = await startFaultServer({ records: records(50), pageCap: 20, reportedTotal: 80, faults: ['none', '500', 'none', 'half_body', 'none', '429', 'none', 'none', '502_html', 'none'] });
  vault = await startFaultServer({ records: records(3), pageCap: 10, faults: [], basic: { user: SECRET.user, password: 'the-right-one' } });
  configPath = join(tmpdir(), `tributary-integrity-${process.pid}.yaml`);
  await writeFile(configPath, CONFIG);
  h = await startPipelineHarness({ configPath, env: { SHOP_URL: shop.url, VAULT_URL: vault.url, VAULT_USER: SECRET.user, VAULT_PASSWORD: SECRET.password }, logLines });
});
after(async () => {
  await h?.close();
  await Promise.all([shop?.close(), vault?.close()]);
  await rm(configPath, { force: true });
});

const run = (pipeline: string, workflowId: string) => startPipelineRun(h.client, { taskQueue: h.taskQueue, workflowId, input: { pipeline, windowEnd: '2026-10-01T00:00:00Z', trigger: 'manual' } });

// Defect: a stream short of its reported total ended "succeeded" and advanced its watermark.
test('an incomplete stream degrades the run, says why everywhere, and keeps its watermark; once complete, it advances', { timeout: 120_000 }, async () => {
  const { handle } = await run('shop', 'shop/short');
  const summary = await handle.result();
  const [stream] = summary.streams;
  assert.equal(stream?.status, 'incomplete');
  assert.match(stream?.incomplete ?? '', /the API reported 80 records but 50 arrived/);
  const row = (await sql<{ status: string; error: string }>`select status, error from tributary.run where run_id = 'shop/short'`.execute(h.db)).rows[0];
  assert.equal(row?.status, 'degraded');
  assert.match(row!.error, /shop\.orders incomplete: the API reported 80/);
  assert.match(String((await handle.describe()).memo?.summary), /shop\.orders 50 rec\/\d+ pg INCOMPLETE/);
  assert.equal(await readWatermark(h.db, 'shop', 'orders'), undefined, 'the watermark stays');
  // Merged all the same, ids above 2^53 exact.
  const refs = (await sql<{ ref: string }>`select ref from unified."order" order by ref`.execute(h.db)).rows.map((r) => r.ref);
  assert.deepEqual(refs, records(50).map((r) => /"id": (\d+)/.exec(r)![1]).sort());
  assert.ok(logLines.some((l) => /stream incomplete/.test(l)), 'logged');

  shop.options.reportedTotal = 50;
  const { handle: again } = await run('shop', 'shop/complete');
  const complete = await again.result();
  assert.equal(complete.streams[0]?.status, 'succeeded');
  assert.equal(await readWatermark(h.db, 'shop', 'orders'), '49');
  assert.equal(shop.violations, 0);
});

// Defect: base64(user:pass) echoed in a 401 body reached history, logs, run rows and the API.
test('a basic-auth secret echoed by the upstream shows in no form in history, logs, run rows or API answers', { timeout: 120_000 }, async () => {
  const { handle } = await run('vault', 'vault/echo');
  await assert.rejects(handle.result());
  const texts: string[] = [];
  for (const id of ['vault/echo', 'vault/echo/vault.items']) texts.push(JSON.stringify(await h.client.workflow.getHandle(id).fetchHistory()));
  texts.push(JSON.stringify((await sql`select * from tributary.run where run_id = 'vault/echo'`.execute(h.db)).rows));
  const app = createAccessApp({ db: h.db, config: h.config });
  texts.push(await (await app.request('/v1/runs')).text(), await (await app.request('/v1/runs/vault%2Fecho')).text());
  texts.push(logLines.join('\n'));
  assert.match(texts[0]!, /HTTP 401/, 'the failure is there, masked');
  const forms = [...encodedForms(SECRET.password), ...encodedForms(`${SECRET.user}:${SECRET.password}`)];
  for (const [i, text] of texts.entries()) {
    for (const form of forms) assert.ok(!text.includes(form), `text ${i} shows ${form}`);
    // Nor a fragment of base64 that decodes to it, at any alignment.
    for (const token of text.match(/[A-Za-z0-9+/_-]{12,}={0,2}/g) ?? []) {
      for (let shift = 0; shift < 4; shift++) {
        const decoded = Buffer.from(token.slice(shift), 'base64').toString('latin1');
        assert.ok(!decoded.includes(SECRET.password.slice(0, 8)), `text ${i} holds base64 of the password: ${token}`);
      }
    }
  }
});
