import { randomBytes } from 'node:crypto';

/**
 * Address and namespace of the Temporal server the test launcher started (or
 * was pointed at). Throws when a test file is run without the launcher, since
 * there is then no server to talk to.
 */
export function temporalEnv(): { address: string; namespace: string } {
  const address = process.env['TEMPORAL_ADDRESS'];
  if (address === undefined || address === '') {
    throw new Error(
      'TEMPORAL_ADDRESS is not set. Run tests through the launcher (`npm test`, or `npm test -- <file>`), ' +
        'which starts Temporal and PostgreSQL, or set TEMPORAL_ADDRESS yourself.',
    );
  }
  return { address, namespace: process.env['TEMPORAL_NAMESPACE'] || 'default' };
}

/**
 * A task queue name no other test (or earlier run against a persistent
 * server) uses, so workers of parallel test files never steal each other's
 * tasks.
 */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}
