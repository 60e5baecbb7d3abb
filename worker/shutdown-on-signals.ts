/**
 * Calls `stop` once on the first SIGINT or SIGTERM (a second one exits at once), so a worker
 * stops polling, lets in-flight activities finish within the grace time (longer ones are
 * cancelled and resume from their checkpoint on the next attempt), then exits.
 */
export function shutdownOnSignals(stop: (signal: NodeJS.Signals) => Promise<void>, log: (msg: string) => void = console.log): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
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
