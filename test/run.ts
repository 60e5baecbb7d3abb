/**
 * Test launcher (`npm test`, `npm test -- <path filter>...`).
 *
 * Starts one Temporal and one PostgreSQL for the whole run, hands their
 * coordinates to the test files through TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE
 * and DATABASE_URL, runs Node's test runner over the discovered files and
 * always tears the servers down again, so a run leaves no process behind.
 * Arguments starting with `-` are passed to `node --test` unchanged (e.g.
 * `--test-name-pattern=...`); the others filter test file paths.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  describeError,
  projectRoot,
  redactUrl,
  startPostgres,
  startTemporal,
  TRIBUTARY_SEARCH_ATTRIBUTES,
  type PostgresHandle,
  type TemporalHandle,
} from '../infra/index.js';
import { discoverTestFiles, filterTestFiles } from './support/discover-tests.js';

/** Test files running at the same time; the CI machine has two cores. */
const TEST_CONCURRENCY = 2;

const say = (msg: string): void => {
  process.stderr.write(`[test] ${msg}\n`);
};

const root = projectRoot();
const args = process.argv.slice(2);
const runnerFlags = args.filter((arg) => arg.startsWith('-'));
const filters = args.filter((arg) => !arg.startsWith('-'));

let temporal: TemporalHandle | undefined;
let postgres: PostgresHandle | undefined;
let tempDir: string | undefined;
let runner: ChildProcess | undefined;
let tearingDown: Promise<void> | undefined;

/** Stop whatever was started and remove scratch space; safe to call twice. */
function teardown(): Promise<void> {
  tearingDown ??= (async () => {
    const results = await Promise.allSettled([temporal?.stop(), postgres?.stop()]);
    for (const result of results) {
      if (result.status === 'rejected') say(`Stopping a server failed: ${describeError(result.reason)}`);
    }
    if (tempDir !== undefined) fs.rmSync(tempDir, { recursive: true, force: true });
  })();
  return tearingDown;
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
let signalled = 0;

function onSignal(signal: NodeJS.Signals): void {
  signalled++;
  if (runner !== undefined && runner.exitCode === null && runner.signalCode === null) {
    // Let the runner finish its own cleanup; the main flow tears down once
    // it exits. A second signal means "now".
    runner.kill(signalled > 1 ? 'SIGKILL' : signal);
    return;
  }
  say(`${signal} received, stopping servers`);
  void teardown().finally(() => process.exit(SIGNAL_EXIT[signal] ?? 1));
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

async function main(): Promise<number> {
  const all = discoverTestFiles(root);
  const files = filterTestFiles(all, filters, root);
  if (files.length === 0) {
    say(filters.length > 0 ? `No test file matches ${filters.join(' ')} (of ${all.length} files).` : 'No test files found.');
    return 1;
  }

  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-test-'));
  // mkdtemp creates mode 0700; PostgreSQL started as root runs as the
  // "postgres" user, which must be able to enter this directory.
  fs.chmodSync(tempDir, 0o755);

  const startedAt = Date.now();
  [temporal, postgres] = await Promise.all([
    startTemporal({
      dataDir: path.join(tempDir, 'temporal'),
      port: 0,
      searchAttributes: { ...TRIBUTARY_SEARCH_ATTRIBUTES },
      log: say,
    }),
    startPostgres({ dataDir: path.join(tempDir, 'postgres'), port: 0, durable: false, log: say }),
  ]);
  say(`Servers ready in ${Date.now() - startedAt} ms: Temporal ${temporal.address} (${temporal.namespace}), PostgreSQL ${redactUrl(postgres.url)}`);
  say(`Running ${files.length} test file(s)`);

  const nodeArgs = [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    `--test-concurrency=${TEST_CONCURRENCY}`,
    ...runnerFlags,
    ...files,
  ];
  runner = spawn(process.execPath, nodeArgs, {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      DATABASE_URL: postgres.url,
      // Scratch space of this run (removed at the end): browser tests write their screenshots
      // below it unless TRIBUTARY_TEST_SCREENSHOTS names a folder to keep them in.
      TRIBUTARY_TEST_TMP: tempDir,
    },
  });
  const child = runner;
  return new Promise<number>((resolve) => {
    child.once('error', (err) => {
      say(`Could not start the test runner: ${describeError(err)}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal !== null ? (SIGNAL_EXIT[signal] ?? 1) : 1)));
  });
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (err) {
  say(`Test setup failed: ${err instanceof Error && 'code' in err ? `[${String(err.code)}] ` : ''}${describeError(err)}`);
  exitCode = 1;
} finally {
  await teardown();
}
process.exit(exitCode);
