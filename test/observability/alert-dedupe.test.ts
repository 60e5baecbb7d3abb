import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Kysely } from 'kysely';
import { createSecretResolver } from '../../secrets/resolve-secret.js';
import { createSecretMasker } from '../../secrets/secret-masker.js';
import { createMetrics } from '../../observability/metrics.js';
import { createAlertDispatcher, openAlerts, runConditions } from '../../observability/alerts/index.js';
import { createDatabase } from '../../store/create-database.js';
import type { Database } from '../../store/database-schema.js';
import { migrateToLatest } from '../../store/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

let database: TestDatabase;
let db: Kysely<Database>;
let hook: WebhookReceiver;

before(async () => {
  database = await createTestDatabase();
  db = createDatabase(database.url);
  await migrateToLatest(db);
  hook = await startWebhookReceiver();
});
after(async () => {
  await hook.close();
  await db.destroy();
  await database.drop();
});

const failing = (runId: string) => ({ runId, pipeline: 'p', status: 'degraded' as const, streams: [{ source: 'crm', stream: 'contacts', status: 'failed' as const, error: 'HTTP 503 from https://crm.example.com/contacts' }, { source: 'billing', stream: 'customers', status: 'succeeded' as const }] });
const healthy = (runId: string) => ({ runId, pipeline: 'p', status: 'succeeded' as const, streams: [{ source: 'crm', stream: 'contacts', status: 'succeeded' as const }, { source: 'billing', stream: 'customers', status: 'succeeded' as const }] });

test('one outage sends one alert per condition, then one recovery; the secret webhook header stays secret', async () => {
  const masker = createSecretMasker();
  const secrets = createSecretResolver(masker, { HOOK_URL: hook.url, HOOK_AUTH: 'Bearer hook-secret-1234' });
  const metrics = createMetrics();
  const dispatcher = createAlertDispatcher({
    db,
    secrets,
    masker,
    metrics,
    config: { webhook: { url: 'env:HOOK_URL', headers: { authorization: 'env:HOOK_AUTH' }, timeoutMs: 5000 }, on: ['run_failed', 'run_degraded', 'source_failed', 'source_stale'], notifyRecovery: true, staleAfterIntervals: 2 },
    temporalUiUrl: 'http://127.0.0.1:8233',
    namespace: 'default',
  });
  // Ten failing runs in a row (and two evaluations at once): still one alert per condition.
  await Promise.all([dispatcher.dispatch(runConditions(failing('p/run-1'))), dispatcher.dispatch(runConditions(failing('p/run-1')))]);
  for (let i = 2; i <= 10; i++) await dispatcher.dispatch(runConditions(failing(`p/run-${i}`)));
  assert.deepEqual(hook.received.map((r) => r.body.key).sort(), ['p/*/run_degraded', 'p/crm.contacts/source_failed']);
  const alert = hook.received.find((r) => r.body.reason === 'source_failed')!;
  assert.equal(alert.headers.authorization, 'Bearer hook-secret-1234');
  assert.equal(alert.body.state, 'firing');
  assert.equal(alert.body.temporalUrl, 'http://127.0.0.1:8233/namespaces/default/workflows/p%2Frun-1');
  assert.match(alert.body.message as string, /crm\.contacts failed in run p\/run-1: HTTP 503/);
  assert.equal((await openAlerts(db)).find((a) => a.key === 'p/crm.contacts/source_failed')!.occurrences, 11);

  await dispatcher.dispatch(runConditions(healthy('p/run-11')));
  await dispatcher.dispatch(runConditions(healthy('p/run-12')));
  const resolved = hook.received.slice(2).map((r) => `${r.body.key} ${r.body.state}`).sort();
  assert.deepEqual(resolved, ['p/*/run_degraded resolved', 'p/crm.contacts/source_failed resolved']);
  assert.deepEqual(await openAlerts(db), []);
  assert.match(await metrics.registry.metrics(), /tributary_alerts_sent_total\{reason="source_failed",state="firing"\} 1/);

  // A new outage is a new alert.
  await dispatcher.dispatch(runConditions(failing('p/run-13')));
  assert.equal(hook.received.length, 6);
});

test('a receiver that is down loses nothing: the alert is sent at the next evaluation', async () => {
  const masker = createSecretMasker();
  const dispatcher = createAlertDispatcher({ db, secrets: createSecretResolver(masker, {}), masker, config: { webhook: { url: hook.url, headers: {}, timeoutMs: 5000 }, on: ['run_failed'], notifyRecovery: true, staleAfterIntervals: 2 } });
  const before = hook.received.length;
  hook.answer(500);
  const run = { runId: 'q/run-1', pipeline: 'q', status: 'failed' as const, error: 'auth failed', streams: [] };
  const first = await dispatcher.dispatch(runConditions(run));
  assert.equal(first.failed.length, 1);
  assert.match(first.failed[0]!.error, /answered 500/);
  hook.answer(204);
  const second = await dispatcher.dispatch(runConditions(run));
  assert.deepEqual(second.sent, [{ key: 'q/*/run_failed', state: 'firing' }]);
  assert.equal(hook.received.length, before + 1);
});

test('repeatAfter re-sends an open alert once the interval passed', async () => {
  const masker = createSecretMasker();
  const dispatcher = createAlertDispatcher({ db, secrets: createSecretResolver(masker, {}), masker, config: { webhook: { url: hook.url, headers: {}, timeoutMs: 5000 }, on: ['run_failed'], repeatAfter: '1h', notifyRecovery: false, staleAfterIntervals: 2 } });
  const run = { runId: 'r/run-1', pipeline: 'r', status: 'failed' as const, error: 'boom', streams: [] };
  const t0 = new Date('2030-01-01T00:00:00Z');
  assert.equal((await dispatcher.dispatch(runConditions(run), t0)).sent.length, 1);
  assert.equal((await dispatcher.dispatch(runConditions(run), new Date(t0.getTime() + 30 * 60_000))).sent.length, 0);
  const again = await dispatcher.dispatch(runConditions(run), new Date(t0.getTime() + 61 * 60_000));
  assert.equal(again.sent.length, 1);
  assert.equal(hook.received.at(-1)!.body.occurrences, 3);
  // notifyRecovery false: the recovery closes the alert silently.
  assert.equal((await dispatcher.dispatch(runConditions({ ...run, status: 'succeeded' }), new Date(t0.getTime() + 62 * 60_000))).sent.length, 0);
  assert.equal((await openAlerts(db)).filter((a) => a.pipeline === 'r').length, 0);
});
