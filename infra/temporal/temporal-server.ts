import fs from 'node:fs';
import path from 'node:path';
import { fileSize, readLogTail, spawnDetached, type DetachedProcess } from '../child-process.js';
import { describeError, InfraError } from '../errors.js';
import { freePort, isPortFree, LOOPBACK } from '../free-port.js';
import type { SearchAttributeType } from '../search-attributes.js';
import { ensureTemporalCli } from './temporal-cli.js';
import { answersAsTemporal, assertTemporalReachable, probeTemporal, withTemporalConnection } from './temporal-health.js';
import { registerSearchAttributes } from './temporal-search-attributes.js';
import { type ServerHandle, type StartServerOptions, externalServer } from '../server-handle.js';
import { waitFor } from '../wait-for.js';

/** Default gRPC port of the Temporal frontend. */
export const DEFAULT_TEMPORAL_PORT = 7233;

/**
 * Options for {@link startTemporal}: `dataDir` holds `temporal.db` (persisted state) and
 * `temporal.log`, the gRPC port defaults to 7233, `useEnv` honours `TEMPORAL_ADDRESS` /
 * `TEMPORAL_NAMESPACE`.
 */
export interface StartTemporalOptions extends StartServerOptions {
  /** Web UI port; default gRPC port + 1000, or a free one when `port` is 0. */
  uiPort?: number;
  /** Namespace to create and verify; default `default`. */
  namespace?: string;
  /** Custom search attributes to register, name to type. */
  searchAttributes?: Record<string, SearchAttributeType>;
  /** How long to wait for a started server to become healthy; default 60 s. */
  readyTimeoutMs?: number;
}

/** A Temporal cluster ready for clients and workers (external: from `TEMPORAL_ADDRESS`). */
export interface TemporalHandle extends ServerHandle {
  /** gRPC address, `host:port`. */
  address: string;
  /** Namespace verified to exist. */
  namespace: string;
  /** Web UI URL when we started the server, undefined for external clusters. */
  uiUrl: string | undefined;
}

/**
 * Connect to the cluster named by `TEMPORAL_ADDRESS`, or start a local
 * `temporal server start-dev` persisting to `dataDir` and wait until its
 * namespace is usable.
 */
export async function startTemporal(opts: StartTemporalOptions): Promise<TemporalHandle> {
  const log = opts.log ?? (() => {});
  const external = externalServer('TEMPORAL_ADDRESS', opts);
  if (external !== undefined) {
    const namespace = process.env['TEMPORAL_NAMESPACE'] || opts.namespace || 'default';
    return useExternalTemporal(external, namespace, opts.searchAttributes ?? {}, log);
  }
  return startDevServer(opts, log);
}

async function useExternalTemporal(
  address: string,
  namespace: string,
  searchAttributes: Record<string, SearchAttributeType>,
  log: (msg: string) => void,
): Promise<TemporalHandle> {
  await assertTemporalReachable(address, namespace);
  try {
    await withTemporalConnection(address, 10_000, (connection) => registerSearchAttributes(connection, namespace, searchAttributes, log));
  } catch (err) {
    log(`Could not register search attributes on ${address}: ${describeError(err)}`);
  }
  log(`Using Temporal at ${address} (namespace ${namespace})`);
  return { address, namespace, uiUrl: undefined, startedHere: false, stop: async () => {} };
}

/** Attempts when a port we picked gets taken before the server binds it. */
const MAX_START_ATTEMPTS = 3;

async function startDevServer(opts: StartTemporalOptions, log: (msg: string) => void): Promise<TemporalHandle> {
  const namespace = opts.namespace ?? 'default';
  const requestedPort = opts.port ?? DEFAULT_TEMPORAL_PORT;
  const pickPorts = requestedPort === 0;
  const pickUiPort = opts.uiPort === 0 || (opts.uiPort === undefined && pickPorts);
  // Fixed ports are checked before locating (or installing) the CLI so a
  // conflict is reported at once.
  if (!pickPorts) await assertGrpcPortFree(requestedPort);
  if (!pickUiPort) await assertUiPortFree(opts.uiPort ?? requestedPort + 1000, opts.uiPort !== undefined);
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const cli = await ensureTemporalCli({ log });

  for (let attempt = 1; ; attempt++) {
    const port = pickPorts ? await freePort() : requestedPort;
    const uiPort = pickUiPort ? await freePort() : (opts.uiPort ?? port + 1000);
    try {
      return await launch({ cli, port, uiPort, namespace, opts, log });
    } catch (err) {
      const portRace = err instanceof InfraError && /address already in use/i.test(err.message);
      if ((!pickPorts && !pickUiPort) || !portRace || attempt >= MAX_START_ATTEMPTS) throw err;
      log(`Picked port was taken before Temporal could bind it; retrying (${attempt}/${MAX_START_ATTEMPTS})`);
    }
  }
}

async function assertGrpcPortFree(port: number): Promise<void> {
  if (!(await isPortFree(port))) {
    const address = `${LOOPBACK}:${port}`;
    const hint = (await answersAsTemporal(address))
      ? `A Temporal server is already running there; set TEMPORAL_ADDRESS=${address} to use it, or stop it.`
      : 'Another process is using it.';
    throw new InfraError(
      'PORT_IN_USE',
      `Cannot start Temporal: port ${port} on ${LOOPBACK} is already in use. ${hint} ` +
        'To start a separate server pass another `port` option (0 picks a free port).',
    );
  }
}

async function assertUiPortFree(uiPort: number, uiPortExplicit: boolean): Promise<void> {
  if (!(await isPortFree(uiPort))) {
    throw new InfraError(
      'PORT_IN_USE',
      `Cannot start Temporal: Web UI port ${uiPort} on ${LOOPBACK} is already in use. ` +
        `Pass another \`uiPort\` (0 picks a free one)${uiPortExplicit ? '' : '; it defaults to the gRPC port + 1000'}.`,
    );
  }
}

interface LaunchParams {
  cli: string;
  port: number;
  uiPort: number;
  namespace: string;
  opts: StartTemporalOptions;
  log: (msg: string) => void;
}

async function launch({ cli, port, uiPort, namespace, opts, log }: LaunchParams): Promise<TemporalHandle> {
  const address = `${LOOPBACK}:${port}`;
  const logFile = path.join(opts.dataDir, 'temporal.log');
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    path.join(opts.dataDir, 'temporal.db'),
    '--ip',
    LOOPBACK,
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--log-level',
    'warn',
  ];
  // "default" always exists; passing it again is harmless but noisy.
  if (namespace !== 'default') args.push('--namespace', namespace);
  for (const [name, type] of Object.entries(opts.searchAttributes ?? {})) args.push('--search-attribute', `${name}=${type}`);

  const logStart = fileSize(logFile);
  const startedAt = Date.now();
  log(`Starting Temporal dev server on ${address} (data in ${opts.dataDir})`);
  const server = spawnDetached(cli, args, { logFile, env: serverEnv() });

  const failure = (what: string): InfraError => {
    const logTail = readLogTail(logFile, { fromByte: logStart });
    // A failed bind is logged once at the top, then buried under the panic's stack trace: name
    // it in the message, since the caller retries on another port when it sees it.
    const bindError = firstBindError(logFile, logStart);
    const cause = bindError && !logTail.includes(bindError) ? `\n${bindError}` : '';
    return new InfraError('TEMPORAL_START_FAILED', `${what}. Command: ${cli} ${args.join(' ')}${cause}\nLog (${logFile}):\n${logTail || '(empty)'}`);
  };

  try {
    await waitFor(() => probeTemporal(address, namespace, 2000), {
      description: `Temporal on ${address}`,
      timeoutMs: opts.readyTimeoutMs ?? 60_000,
      intervalMs: 100,
      maxIntervalMs: 500,
      bail: () => {
        const exit = server.exitInfo();
        if (exit !== undefined) throw failure(`Temporal exited before becoming ready (code ${exit.code}, signal ${exit.signal})`);
      },
    });
  } catch (err) {
    await server.stop(5000);
    if (err instanceof InfraError && err.code === 'TEMPORAL_START_FAILED') throw err;
    throw failure(`Temporal did not become ready: ${describeError(err)}`);
  }

  log(`Temporal ready on ${address} in ${Date.now() - startedAt} ms (UI http://${LOOPBACK}:${uiPort})`);
  return {
    address,
    namespace,
    uiUrl: `http://${LOOPBACK}:${uiPort}`,
    startedHere: true,
    stop: stopper(server),
  };
}

function stopper(server: DetachedProcess): () => Promise<void> {
  return async () => {
    await server.stop(10_000);
  };
}

/**
 * Environment for the server process. Client settings such as
 * TEMPORAL_ADDRESS describe where *clients* connect and must not leak into the
 * server we start (the CLI reads TEMPORAL_* variables globally).
 */
function serverEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TEMPORAL_')));
}

/** The first "address already in use" line the server logged since byte `fromByte`, if any. */
function firstBindError(logFile: string, fromByte: number): string | undefined {
  try {
    const text = fs.readFileSync(logFile).subarray(fromByte).toString('utf8');
    return text.split('\n').find((line) => /address already in use/i.test(line))?.trim();
  } catch {
    return undefined;
  }
}
