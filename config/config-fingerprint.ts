import { shortSha256 } from '../core/short-hash.js';
import { stableStringify } from '../core/stable-json.js';

const fingerprints = new WeakMap<object, string>();

/**
 * A config's identity: a short hash of the file's content as parsed, before `${VAR}`s are filled
 * in (so a CLI and a worker whose environments differ still agree), without formatting or
 * comments. Runs carry the fingerprint of the config they were planned with, so a worker running
 * another config refuses them instead of silently running its own.
 */
export function configFingerprint(config: object): string {
  let fingerprint = fingerprints.get(config);
  if (fingerprint === undefined) fingerprints.set(config, (fingerprint = fingerprintOf(config)));
  return fingerprint;
}

/** Records the fingerprint of the raw config `config` was parsed from (see `configFingerprint`). */
export function rememberFingerprint(config: object, raw: unknown): void {
  fingerprints.set(config, fingerprintOf(raw));
}

function fingerprintOf(raw: unknown): string {
  return shortSha256(stableStringify(raw ?? null)).slice(0, 12);
}

/** A run planned with one config reached a worker running another. Never retryable. */
export class ConfigMismatchError extends Error {
  /** Stable error code. */
  readonly code = 'CONFIG_MISMATCH';
  constructor(runFingerprint: string, workerFingerprint: string) {
    super(
      `this run was started with config ${runFingerprint}, but this worker runs config ${workerFingerprint}: ` +
        'restart the worker with the same config file, or start the run (and `tributary apply` the schedules) with the config the worker runs',
    );
    this.name = 'ConfigMismatchError';
  }
}
