import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { type AccessServer, createAccessApp, resolveTokens, serveAccessApi } from '../../access/index.js';
import { syncPipeline } from '../../workflows/index.js';
import { type PipelineHarness, startPipelineHarness } from '../support/pipeline-harness.js';

/**
 * The explorer in a real headless Chromium (Debian's `chromium` package; no browser download)
 * over the demo pipeline's data: sign-in, filters, the "why" panel against the API's provenance,
 * a merged-away key, the freshness board after a failing run, screenshots and an axe-core check.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OPS_TOKEN = 'explorer-ops-token-0123456789abcdef';
const SCREENSHOTS = process.env.TRIBUTARY_TEST_SCREENSHOTS ?? join(process.env.TRIBUTARY_TEST_TMP ?? tmpdir(), `explorer-screenshots-${process.pid}`);
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The demo config with tokens, a second match key that two records will share, and a 1s schedule so a failed source turns stale at once. */
function bend(yaml: string): string {
  return `${yaml
    .replace('    matchOn: [email]\n', "    matchOn: [email, { key: legacy_id, from: { crm.contacts: '$.legacy_id', billing.customers: '$.legacy_id' } }]\n")
    // The records the test gives a legacy_id declare it too.
    .replace('lifecycle_stage, tags, address, updated_at]', 'lifecycle_stage, tags, address, updated_at, legacy_id]')
    .replace('mrr_cents, currency, status, updated_at]', 'mrr_cents, currency, status, updated_at, legacy_id]')
    .replace('schedule: { every: 5m }', 'schedule: { every: 1s }')}
access:
  tokens:
    - { name: ops, token: env:EXPLORER_OPS_TOKEN, scopes: ['*'] }
`;
}

let h: PipelineHarness;
let api: AccessServer;
let browser: Browser;
let context: BrowserContext;
let merged: { from: string; to: string };

const runPipeline = (workflowId: string) => h.client.workflow.execute(syncPipeline, { workflowId, taskQueue: h.taskQueue, args: [{ pipeline: 'demo', windowEnd: new Date().toISOString() }] });

/** Without a browser the file is skipped on a developer's machine, and fails where one is required (CI). */
const missing = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install -y chromium) or set CHROMIUM_PATH`;
if (missing && process.env.TRIBUTARY_REQUIRE_BROWSER === '1') throw new Error(missing);

before(async () => {
  if (missing) return;
  h = await startPipelineHarness({ edit: bend, env: { EXPLORER_OPS_TOKEN: OPS_TOKEN }, logLines: [] });
  assert.ok(h.config.entities.customer!.matchOn.length === 2, 'the bent config has the second match key');
  await runPipeline('explorer-1');

  // Two different people come to share an id: the billing record now links both entities, which merge.
  const d = h.demo.dataset;
  const pair = (
    await sql<{ crm: string; billing: string }>`
      select c.source_key as crm, b.source_key as billing from tributary.source_record c
      join tributary.source_record b on b.entity = c.entity and b.source = 'billing' and b.entity_key <> c.entity_key
      where c.entity = 'customer' and c.source = 'crm' order by c.source_key, b.source_key limit 1`.execute(h.db)
  ).rows[0]!;
  const billing = d.billing.customers.find((b) => String(b.customer_id) === pair.billing)!;
  const crm = d.crm.contacts.find((c) => c.id === pair.crm)!;
  (billing as unknown as Record<string, unknown>).legacy_id = 'L-1';
  (crm as unknown as Record<string, unknown>).legacy_id = 'L-1';
  await runPipeline('explorer-2');
  const redirect = (await sql<{ from_key: string; to_key: string }>`select from_key, to_key from tributary.entity_redirect where entity = 'customer'`.execute(h.db)).rows[0];
  assert.ok(redirect, 'the second run merged two customers');
  merged = { from: redirect.from_key, to: redirect.to_key };

  // A third run fails: billing refuses the credentials.
  await new Promise((r) => setTimeout(r, 2_100));
  h.demo.faults.failNext('billing', 1_000, 401);
  await runPipeline('explorer-3').catch(() => undefined);

  api = await serveAccessApi(createAccessApp({ db: h.db, config: h.config, tokens: await resolveTokens(h.config.access, h.env), temporalUiUrl: 'http://127.0.0.1:8233' }));
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  // axe-core is injected as an inline script, which the explorer's CSP rightly refuses.
  context = await browser.newContext({ baseURL: api.url, bypassCSP: true, viewport: { width: 1280, height: 900 } });
  await mkdir(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await api?.close();
  await h?.close();
});

async function apiGet(path: string): Promise<any> {
  const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } });
  assert.equal(res.status, 200, path);
  return res.json();
}

/** Serious and critical accessibility violations on the page, as `rule: target` lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => (globalThis as any).axe.run(document, { resultTypes: ['violations'] }));
  return (result.violations as Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>)
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

test('a wrong token gets the sign-in form and no data; the right one opens the explorer', { skip: missing ?? false }, async () => {
  const page = await context.newPage();
  const res = await page.goto('/entities/customer');
  assert.equal(res?.status(), 401);
  await page.fill('#token', 'a-wrong-token-of-some-length');
  await page.click('button[type=submit]');
  await page.waitForSelector('[role=alert]');
  assert.match(await page.textContent('[role=alert]') ?? '', /not valid/);
  assert.equal(await page.locator('table').count(), 0, 'no data table');
  assert.doesNotMatch(await page.content(), /@/);
  assert.deepEqual(await seriousViolations(page), []);

  await page.fill('#token', OPS_TOKEN);
  await page.click('button[type=submit]');
  await page.waitForURL('**/entities/customer');
  assert.match((await page.textContent('#count')) ?? '', /rows match/);
  await page.close();
});

test('entities: filter customers by plan with the filter builder; the count and rows match the API', { skip: missing ?? false }, async () => {
  const page = await context.newPage();
  await page.goto('/entities/customer');
  await page.selectOption('#add_field', 'plan');
  await page.selectOption('#add_op', 'eq');
  await page.fill('#add_value', 'pro');
  await page.click('form.filters button[type=submit]');
  await page.waitForURL(/plan=eq\.pro/);
  const expected = (await sql<{ n: number }>`select count(*)::int as n from unified.customer where plan = 'pro' and _deleted_at is null`.execute(h.db)).rows[0]!.n;
  assert.ok(expected > 0);
  assert.match((await page.textContent('#count')) ?? '', new RegExp(`^\\s*${expected.toLocaleString('en')} rows? match`));
  const planColumn = (await page.$$eval('thead th', (ths) => ths.map((t) => t.textContent?.replace(/[▲▼]/g, '').trim()))).indexOf('plan');
  const plans = await page.$$eval(`tbody tr td:nth-child(${planColumn + 1})`, (tds) => tds.map((t) => t.textContent?.trim()));
  assert.ok(plans.length > 0 && plans.every((p) => p === 'pro'), `every row on the page is on plan pro: ${plans.join(',')}`);
  assert.match(await page.textContent('ul.chips') ?? '', /plan=eq\.pro/);

  // Column choice: only e-mail and plan (the key always leads), the filter kept.
  await page.click('details.columns summary');
  for (const box of await page.$$('details.columns input[name=cols]')) {
    const want = ['email', 'plan'].includes((await box.getAttribute('value')) ?? '');
    if ((await box.isChecked()) !== want) await box.click();
  }
  await page.click('details.columns button[type=submit]');
  await page.waitForURL(/select=email%2Cplan|select=email,plan/);
  assert.deepEqual(await page.$$eval('thead th', (ths) => ths.map((t) => t.textContent?.replace(/[▲▼]/g, '').trim())), ['_key', 'email', 'plan']);
  assert.match(page.url(), /plan=eq\.pro/);
  await shoot(page, 'entities');
  assert.deepEqual(await seriousViolations(page), []);

  // Readable on a phone: nothing wider than the screen but the scrolling tables.
  await page.setViewportSize({ width: 390, height: 844 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no horizontal page scroll at phone width');
  await shoot(page, 'entities-phone');
  await page.close();
});

test('one customer: the why panel of a conflicting field names the winner and every candidate, as the API says', { skip: missing ?? false }, async () => {
  // A customer whose sources disagree on the name.
  const key = (
    await sql<{ entity_key: string }>`
      select entity_key from tributary.source_record where entity = 'customer' and deleted_at is null and values->>'name' is not null
      group by entity_key having count(distinct values->>'name') > 1 order by entity_key limit 1`.execute(h.db)
  ).rows[0]!.entity_key;
  const provenance = await apiGet(`/v1/entities/customer/${encodeURIComponent(key)}/provenance`);
  const sources = await apiGet(`/v1/entities/customer/${encodeURIComponent(key)}/sources`);
  const candidates = (sources.data as Array<{ source: string; values: Record<string, unknown>; deleted_at: string | null }>).filter((r) => r.values.name !== undefined);
  assert.ok(candidates.length >= 2);

  const page = await context.newPage();
  await page.goto('/entities/customer');
  await page.click(`a[href="/entities/customer/${encodeURIComponent(key)}"]`).catch(async () => page.goto(`/entities/customer/${encodeURIComponent(key)}`));
  await page.waitForURL(`**/entities/customer/${encodeURIComponent(key)}`);
  // Opened from the keyboard: focus the panel's summary and press Enter.
  await page.focus('details.why[data-field="name"] summary');
  await page.keyboard.press('Enter');
  const panel = page.locator('details.why[data-field="name"]');
  assert.equal(await panel.getAttribute('open'), '');
  assert.match((await panel.locator('.rule').textContent()) ?? '', /priority.*crm, billing, support/);
  const rows = await panel.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({ source: tr.getAttribute('data-source'), winner: tr.classList.contains('winner'), text: tr.textContent ?? '' })));
  assert.equal(rows.length, candidates.length, 'a candidate per source record mapping the name');
  assert.deepEqual(rows.filter((r) => r.winner).map((r) => r.source), [provenance.fields.name.from.source]);
  for (const c of candidates) assert.ok(rows.some((r) => r.source === c.source && r.text.includes(String(c.values.name))), `${c.source}'s name is listed`);
  assert.equal((await page.locator('#field-name td').first().textContent())?.trim(), String(provenance.fields.name.value));
  // The customer's addresses (a child entity) are listed and open.
  const child = page.locator('#children-customer_address + .table-wrap a').first();
  const childHref = await child.getAttribute('href');
  assert.ok(childHref?.startsWith('/entities/customer_address/'));
  await shoot(page, 'entity');
  assert.deepEqual(await seriousViolations(page), []);
  await page.click(`a[href="${childHref}"]`);
  await page.waitForURL(`**${childHref}`);
  assert.equal(await page.getAttribute('dd a[href^="/entities/customer/"]', 'href'), `/entities/customer/${encodeURIComponent(key)}`, 'the child links back to its parent');
  await page.close();
});

test('a merged-away key leads to the customer it was merged into', { skip: missing ?? false }, async () => {
  const page = await context.newPage();
  await page.goto(`/entities/customer/${encodeURIComponent(merged.from)}`);
  await page.waitForURL(`**/entities/customer/${encodeURIComponent(merged.to)}?from=${encodeURIComponent(merged.from)}`);
  assert.match((await page.textContent('[role=status]')) ?? '', new RegExp(`You followed ${merged.from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, which was merged into this customer`));
  assert.match((await page.textContent('#merged + ul')) ?? '', new RegExp(merged.from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await page.close();
});

test('the freshness board shows billing stale with the error of the failed run; runs link to the Temporal UI', { skip: missing ?? false }, async () => {
  const page = await context.newPage();
  await page.goto('/sources');
  const billing = page.locator('tr[data-stream="billing.customers"]');
  assert.equal(await billing.getAttribute('data-state'), 'stale');
  assert.match((await billing.textContent()) ?? '', /last error: .*401/);
  const failed = page.locator('tr[data-run="explorer-3"]');
  assert.match((await failed.textContent()) ?? '', /failed/);
  assert.equal(await failed.locator('a').first().getAttribute('href'), 'http://127.0.0.1:8233/namespaces/default/workflows/explorer-3');
  assert.ok((await page.locator('figure.chart svg circle').count()) >= 6, 'a point per run and series');
  await shoot(page, 'sources');
  assert.deepEqual(await seriousViolations(page), []);

  await page.goto('/quarantine');
  assert.match((await page.textContent('h1')) ?? '', /Quarantine/);
  await shoot(page, 'quarantine');
  assert.deepEqual(await seriousViolations(page), []);

  await page.goto('/');
  assert.match((await page.textContent('main')) ?? '', /source streams are stale/);
  assert.deepEqual(await seriousViolations(page), []);
  await page.close();
});
