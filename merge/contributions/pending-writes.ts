/**
 * Statements issued on the merge transaction without waiting for them: the connection runs them
 * in order while the worker maps the next batch. `settle()` waits for all of them and throws the
 * first one's error in issue order: on a failed transaction every later statement fails too, so
 * the first error is the cause.
 */
export class PendingWrites {
  private readonly pending: Array<Promise<unknown>> = [];

  /** Tracks a statement already issued; its rejection is reported by `settle()`, never unhandled. */
  add<T>(write: Promise<T>): void {
    // Keep only whether it failed, never its result, so a long stream holds no finished statement's rows.
    const done = write.then(() => undefined);
    done.catch(() => undefined);
    this.pending.push(done);
  }

  /** Waits for every tracked statement; throws the earliest-issued failure. */
  async settle(): Promise<void> {
    const all = this.pending.splice(0);
    const results = await Promise.allSettled(all);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
