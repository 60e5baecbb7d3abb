/**
 * Statements issued on one connection without waiting for each, so that Node keeps working
 * (resolving the next batch) while Postgres runs them. The connection runs them in the order
 * they were issued; once one fails the transaction is aborted and every later one fails too,
 * so the first failure in issue order is the one worth reporting: every failure this pipeline
 * reports is that one.
 *
 * ```ts
 * const pipeline = createStatementPipeline();
 * const next = pipeline.track(readBatch(after));      // awaited later
 * pipeline.add(upsert(batch), (n) => (written += n)); // result only counted
 * await pipeline.drain();                              // everything done, or the first failure thrown
 * ```
 */
export interface StatementPipeline {
  /** Tracks a statement just issued; resolves to its result. Awaiting it later is safe: a failure never goes unhandled. */
  track<T>(statement: Promise<T>): Promise<T>;
  /** Tracks a statement just issued whose result only `onDone` needs. */
  add<T>(statement: Promise<T>, onDone: (result: T) => void): void;
  /** Waits for every tracked statement; throws the first failure. */
  drain(): Promise<void>;
}

/** A new, empty pipeline. */
export function createStatementPipeline(): StatementPipeline {
  let issued = 0;
  let first: { seq: number; error: unknown } | undefined;
  let tracked: Array<Promise<unknown>> = [];
  const track = <T>(statement: Promise<T>): Promise<T> => {
    const seq = issued++;
    const result = statement.catch((error: unknown) => {
      // Earlier statements finished before this one on the connection, so an earlier failure is already known.
      if (!first || seq < first.seq) first = { seq, error };
      throw first.error;
    });
    // Holds no result: a read's rows must be collectable once the caller is done with them,
    // however many batches the pipeline tracks before it drains.
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    tracked.push(settled);
    return result;
  };
  return {
    track,
    add(statement, onDone) {
      // Counted before `drain` returns: drain also waits for this.
      tracked.push(track(statement).then(onDone, () => undefined));
    },
    async drain() {
      const waiting = tracked;
      tracked = [];
      await Promise.all(waiting);
      if (first) throw first.error;
    },
  };
}
