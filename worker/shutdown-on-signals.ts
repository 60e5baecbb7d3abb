/**
 * Repeats of a signal within this time are the same Ctrl-C delivered twice: once to the process
 * group by the terminal and once more by a wrapper that relays it (tsx, npm scripts).
 */
const DUPLICATE_SIGNAL_MS = 2_000;

/**
 * Calls `stop` once on the first SIGINT or SIGTERM, so a worker stops polling, lets in-flight
 * activities finish within the grace time (longer ones are cancelled and resume from their
 * checkpoint on the next attempt), then exits 0 (1 if stopping failed). A second signal exits at
 * once with 130, unless it comes within two seconds of the first: then it is the same signal
 * relayed by a wrapper process and is ignored.
 */
export function shutdownOnSignals(stop: (signal: NodeJS.Signals) => Promise<void>, log: (msg: string) => void = console.log): void {
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt !== undefined) {
      if (Date.now() - firstAt < DUPLICATE_SIGNAL_MS) return;
      log(`${signal} again: exiting now`);
      process.exit(130);
    }
    firstAt = Date.now();
    log(`${signal} received: stopping (in-flight activities finish first)...`);
    stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
