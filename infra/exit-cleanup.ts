/**
 * Last-resort cleanup of servers this process started, for when the owner
 * never gets to call `stop()` (crash, forgotten stop, Ctrl-C in a script
 * without its own signal handling).
 *
 * Cleanups must be synchronous: on `exit` the event loop is already gone, so
 * all they can do is send a signal to the server's process (group).
 */
type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type HandledSignal = (typeof SIGNALS)[number];

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Nothing useful can be done this late; keep cleaning the others.
    }
  }
}

function onSignal(signal: HandledSignal): void {
  // When the application has its own handler it owns the shutdown (e.g. a
  // worker draining before stopping the servers), so stay out of its way.
  if (process.listenerCount(signal) > 1) return;
  runAll();
  uninstall();
  // Our listener suppressed Node's default "terminate on signal"; re-raise so
  // the process still dies with the conventional signal exit status.
  process.kill(process.pid, signal);
}

const signalListeners = new Map<HandledSignal, () => void>();

function install(): void {
  process.on('exit', runAll);
  for (const signal of SIGNALS) {
    const listener = (): void => onSignal(signal);
    signalListeners.set(signal, listener);
    process.on(signal, listener);
  }
}

function uninstall(): void {
  process.removeListener('exit', runAll);
  for (const [signal, listener] of signalListeners) process.removeListener(signal, listener);
  signalListeners.clear();
}

/**
 * Register `cleanup` to run if the process exits or is killed by a signal
 * nobody else handles. Returns an unregister function to call once the
 * resource was released normally.
 */
export function registerExitCleanup(cleanup: Cleanup): () => void {
  if (cleanups.size === 0) install();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) uninstall();
  };
}
