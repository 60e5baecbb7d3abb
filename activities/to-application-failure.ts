import { ApplicationFailure } from '@temporalio/activity';
import { ConfigError } from '../config/config-error.js';
import { ConfigMismatchError } from '../config/config-fingerprint.js';
import { ConnectorError } from '../connectors/connector-error.js';
import { JsonPathSyntaxError } from '../core/json-path.js';
import type { SecretMasker } from '../secrets/secret-masker.js';
import { CustomStrategyError } from '../merge/resolve/custom-strategy.js';
import { SchemaEvolutionError } from '../merge/write/entity-table.js';
import { QuarantineThresholdError } from '../merge/map/quarantine.js';
import { MergePlanError } from '../merge/run/merge-plan-error.js';
import { SecretError } from '../secrets/secret-error.js';

/**
 * The one place engine errors become Temporal failures. The failure type is the error's stable
 * code; config, auth, schema and other permanent errors are non-retryable so the run fails fast;
 * 408/429/5xx and network errors are retryable, and a server's Retry-After becomes the next
 * retry delay. Every message is masked, so no secret reaches history.
 */
export function toApplicationFailure(err: unknown, masker: SecretMasker): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const message = masker.mask(err instanceof Error ? err.message : String(err));
  if (err instanceof ConnectorError) {
    return ApplicationFailure.create({
      type: err.code,
      message,
      nonRetryable: !err.retryable,
      ...(err.retryAfterMs !== undefined ? { nextRetryDelay: err.retryAfterMs } : {}),
    });
  }
  if (err instanceof ConfigError || err instanceof ConfigMismatchError || err instanceof SecretError || err instanceof JsonPathSyntaxError || err instanceof SchemaEvolutionError || err instanceof CustomStrategyError || err instanceof QuarantineThresholdError || err instanceof MergePlanError) {
    return ApplicationFailure.create({ type: err.code, message, nonRetryable: true });
  }
  const code = (err as { code?: unknown }).code;
  return ApplicationFailure.create({ type: typeof code === 'string' ? code : 'INTERNAL', message, nonRetryable: false });
}

/** Runs `fn` and rethrows any error as a masked ApplicationFailure. */
export async function withFailureMapping<T>(masker: SecretMasker, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toApplicationFailure(err, masker);
  }
}
