import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInfraError } from './errors.js';
import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('retries through rejections and undefined until a value arrives', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        calls++;
        if (calls === 1) throw new Error('not yet');
        return calls === 3 ? 'ready' : undefined;
      },
      { description: 'test', timeoutMs: 5000, intervalMs: 1 },
    );
    assert.equal(value, 'ready');
    assert.equal(calls, 3);
  });

  it('times out with a typed error carrying the last failure', async () => {
    await assert.rejects(
      waitFor(() => Promise.reject(new Error('still down')), { description: 'a dead thing', timeoutMs: 50, intervalMs: 5 }),
      (err: unknown) => isInfraError(err, 'TIMEOUT') && err.message.includes('a dead thing') && (err.cause as Error).message === 'still down',
    );
  });

  it('stops at once when bail throws', async () => {
    const started = Date.now();
    await assert.rejects(
      waitFor(async () => undefined, {
        description: 'x',
        timeoutMs: 10_000,
        bail: () => {
          if (Date.now() - started > 20) throw new Error('process died');
        },
      }),
      /process died/,
    );
    assert.ok(Date.now() - started < 5000);
  });
});
