/**
 * Name of the Postgres advisory lock (`pg_advisory_xact_lock(hashtext(name))`) on an entity,
 * e.g. `tributary.merge.customer`: a prepare step holds it exclusively for its transaction, a
 * partition's write shares it, so one run's contributions never change under another run's
 * partition. Take it in another session to hold merges back.
 */
export function mergeLockName(entity: string): string {
  return `tributary.merge.${entity}`;
}
