import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../../store/database-schema.js';
import { type AlertCondition, alertKey } from './alert.js';

/** What to do about a condition: send a firing or a resolved alert, or nothing. */
export type AlertDecision =
  | { readonly send: 'firing'; readonly since: Date; readonly occurrences: number }
  | { readonly send: 'resolved'; readonly since: Date; readonly occurrences: number }
  | { readonly send: 'none' };

interface AlertStateRow {
  key: string;
  state: 'firing' | 'resolved';
  opened_at: Date;
  last_sent_at: Date | null;
  occurrences: number;
}

/**
 * Decides, under a row lock on the condition's `tributary.alert_state` row, whether an alert
 * goes out, then runs `deliver` and records the new state in the same transaction. A delivery
 * that throws rolls the state back, so the next evaluation tries again; concurrent workers
 * evaluating the same condition send it once.
 *
 * - active, no open alert → `firing` (the outage starts);
 * - active, open alert → nothing, unless `repeatAfterMs` passed since it was last sent;
 * - cleared, open alert → `resolved` (when `notifyRecovery`), and the alert closes;
 * - cleared, nothing open → nothing.
 */
export async function decideAndDeliver(
  db: Kysely<Database>,
  condition: AlertCondition,
  opts: { now: Date; repeatAfterMs?: number | undefined; notifyRecovery: boolean },
  deliver: (decision: Exclude<AlertDecision, { send: 'none' }>) => Promise<void>,
): Promise<AlertDecision> {
  const key = alertKey(condition);
  return db.transaction().execute(async (trx) => {
    const current = await lockState(trx, key);
    const open = current?.state === 'firing';
    let decision: AlertDecision = { send: 'none' };
    if (condition.active && !open) decision = { send: 'firing', since: opts.now, occurrences: 1 };
    else if (condition.active && open) {
      const due = opts.repeatAfterMs !== undefined && (!current.last_sent_at || opts.now.getTime() - current.last_sent_at.getTime() >= opts.repeatAfterMs);
      decision = due ? { send: 'firing', since: current.opened_at, occurrences: current.occurrences + 1 } : { send: 'none' };
      if (!due) await touch(trx, key, condition, current.occurrences + 1);
    } else if (!condition.active && open) decision = { send: 'resolved', since: current.opened_at, occurrences: current.occurrences };
    if (decision.send === 'none') return decision;
    if (decision.send === 'resolved' && !opts.notifyRecovery) {
      await save(trx, key, condition, { state: 'resolved', openedAt: decision.since, sentAt: current?.last_sent_at ?? null, occurrences: decision.occurrences });
      return { send: 'none' };
    }
    await deliver(decision);
    await save(trx, key, condition, { state: decision.send, openedAt: decision.since, sentAt: opts.now, occurrences: decision.occurrences });
    return decision;
  });
}

/** The open alerts (firing), newest first: what is wrong right now. */
export async function openAlerts(db: Kysely<Database>): Promise<Array<{ key: string; pipeline: string; reason: string; source: string | null; stream: string | null; message: string; since: Date; occurrences: number; runId: string | null }>> {
  const { rows } = await sql<{ key: string; pipeline: string; reason: string; source: string | null; stream: string | null; message: string; opened_at: Date; occurrences: number; last_run_id: string | null }>`
    select key, pipeline, reason, source, stream, message, opened_at, occurrences, last_run_id from tributary.alert_state where state = 'firing' order by opened_at desc`.execute(db);
  return rows.map((r) => ({ key: r.key, pipeline: r.pipeline, reason: r.reason, source: r.source, stream: r.stream, message: r.message, since: r.opened_at, occurrences: r.occurrences, runId: r.last_run_id }));
}

async function lockState(trx: Transaction<Database>, key: string): Promise<AlertStateRow | undefined> {
  // Insert-then-lock, so two workers racing on a brand-new key serialize on the same row.
  await sql`insert into tributary.alert_state (key, pipeline, reason, state, opened_at, occurrences, message)
    values (${key}, '', '', 'resolved', now(), 0, '') on conflict (key) do nothing`.execute(trx);
  const { rows } = await sql<AlertStateRow>`select key, state, opened_at, last_sent_at, occurrences from tributary.alert_state where key = ${key} for update`.execute(trx);
  const row = rows[0];
  return row && row.occurrences === 0 && row.state === 'resolved' && row.last_sent_at === null ? undefined : row;
}

async function touch(trx: Transaction<Database>, key: string, c: AlertCondition, occurrences: number): Promise<void> {
  await sql`update tributary.alert_state set occurrences = ${occurrences}, message = ${c.message}, last_run_id = coalesce(${c.runId ?? null}, last_run_id), updated_at = now() where key = ${key}`.execute(trx);
}

async function save(trx: Transaction<Database>, key: string, c: AlertCondition, s: { state: 'firing' | 'resolved'; openedAt: Date; sentAt: Date | null; occurrences: number }): Promise<void> {
  await sql`update tributary.alert_state set pipeline = ${c.pipeline}, reason = ${c.reason}, source = ${c.source ?? null}, stream = ${c.stream ?? null},
    state = ${s.state}, opened_at = ${s.openedAt}, last_sent_at = ${s.sentAt}, occurrences = ${s.occurrences}, message = ${c.message},
    last_run_id = coalesce(${c.runId ?? null}, last_run_id), updated_at = now() where key = ${key}`.execute(trx);
}
