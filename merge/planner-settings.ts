import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/database-schema.js';

/** Planner settings (`enable_*`) to run a statement with, e.g. `{ enable_nestloop: 'off' }`. */
export type PlannerSettings = Readonly<Record<`enable_${string}`, 'on' | 'off'>>;

/**
 * Runs `work` inside the caller's transaction with planner settings changed for it alone, and
 * puts the previous values back afterwards. (When `work` fails, the transaction is aborted and
 * its `set local` values end with it.)
 *
 * For a statement whose best plan the planner cannot see: in the middle of a merge the tables it
 * reads were just written and have no statistics, so estimates say "one row" where there are a
 * million.
 */
export async function withPlannerSettings<T>(trx: Kysely<Database>, settings: PlannerSettings, work: () => Promise<T>): Promise<T> {
  const names = Object.keys(settings);
  const before = (await sql<{ name: string; setting: string }>`select name, setting from pg_settings where name in (${sql.join(names)})`.execute(trx)).rows;
  const apply = (values: ReadonlyArray<{ name: string; setting: string }>) =>
    sql`select ${sql.join(values.map((v) => sql`set_config(${v.name}, ${v.setting}, true)`))}`.execute(trx);
  await apply(names.map((name) => ({ name, setting: settings[name as keyof PlannerSettings]! })));
  const result = await work();
  await apply(before);
  return result;
}
