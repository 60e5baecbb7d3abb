import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { SecretMasker } from '../secrets/secret-masker.js';

/** A structured JSON logger (pino). */
export type Logger = PinoLogger;

/** Which run, pipeline and source a log line is about; every line of a run carries them. */
export interface LogContext {
  readonly runId?: string;
  readonly pipeline?: string;
  readonly source?: string;
  readonly stream?: string;
  readonly entity?: string;
}

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Masks every secret the process resolved, in every line, whatever field it sits in. */
  readonly masker?: SecretMasker;
  /** `trace`, `debug`, `info`, `warn`, `error`, `silent`; default `$TRIBUTARY_LOG_LEVEL`, else `info` (`silent` under `node --test`). */
  readonly level?: string;
  /** Where lines go; default stdout. */
  readonly destination?: DestinationStream;
  /** Fields on every line, e.g. `{ component: 'worker' }`. */
  readonly base?: Record<string, unknown>;
}

/** Keys whose values never reach a log line, wherever they are nested two levels deep. */
const REDACTED_KEYS = ['authorization', 'password', 'token', 'secret', 'apiKey', 'api_key', 'clientSecret', 'refreshToken', 'accessToken', 'cookie'];

/**
 * A pino logger writing one JSON object per line. Secrets are hidden twice: well-known secret
 * keys are redacted by name, and the finished line passes through the secret masker, so a value
 * resolved from `env:`/`file:` never shows even inside an upstream error message.
 *
 * ```ts
 * const log = createLogger({ masker, base: { component: 'worker' } });
 * runLogger(log, { runId, pipeline: 'customers', source: 'crm' }).info({ pages: 3 }, 'fetched');
 * // {"level":"info","time":"2024-…","component":"worker","runId":"…","pipeline":"customers","source":"crm","pages":3,"msg":"fetched"}
 * ```
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const masker = opts.masker;
  const paths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
  return pino(
    {
      // Under `node --test` logs stay quiet unless asked for, so test reports stay readable.
      level: (opts.level ?? process.env.TRIBUTARY_LOG_LEVEL ?? (process.env.NODE_TEST_CONTEXT ? 'silent' : 'info')).toLowerCase(),
      base: { ...opts.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths, censor: '***' },
      ...(masker ? { hooks: { streamWrite: (line: string) => masker.mask(line) } } : {}),
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** A child logger whose every line names the run, pipeline and source (undefined keys left out). */
export function runLogger(log: Logger, context: LogContext): Logger {
  return log.child(Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined)));
}
