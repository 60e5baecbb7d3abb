import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Connection } from '@temporalio/client';
import { temporalEnv } from '../../test/support/temporal.js';
import { isInfraError } from '../errors.js';
import { TRIBUTARY_SEARCH_ATTRIBUTES } from '../search-attributes.js';
import { answersAsTemporal, withTemporalConnection } from './temporal-health.js';
import { startTemporal } from './temporal-server.js';

describe('Temporal from the test launcher', { timeout: 60_000 }, () => {
  it('is reachable, with the namespace and search attributes registered', async () => {
    const { address, namespace } = temporalEnv();
    await withTemporalConnection(address, 10_000, async (connection: Connection) => {
      const described = await connection.workflowService.describeNamespace({ namespace });
      assert.equal(described.namespaceInfo?.name, namespace);
      const listed = await connection.operatorService.listSearchAttributes({ namespace });
      for (const name of Object.keys(TRIBUTARY_SEARCH_ATTRIBUTES)) {
        assert.ok(name in (listed.customAttributes ?? {}), `search attribute ${name} is registered`);
      }
    });
  });

  it('is reused, not started, when TEMPORAL_ADDRESS is set', async () => {
    const { address, namespace } = temporalEnv();
    const handle = await startTemporal({ dataDir: '/nonexistent', searchAttributes: { ...TRIBUTARY_SEARCH_ATTRIBUTES } });
    assert.deepEqual(
      { address: handle.address, namespace: handle.namespace, startedHere: handle.startedHere, uiUrl: handle.uiUrl },
      { address, namespace, startedHere: false, uiUrl: undefined },
    );
    await handle.stop();
    assert.equal(await answersAsTemporal(address), true, 'stop() leaves an external server running');
  });

  it('refuses a port where a Temporal server already runs, naming the port', async (t) => {
    const { address } = temporalEnv();
    const match = /^(?:127\.0\.0\.1|localhost):(\d+)$/.exec(address);
    if (match === null) return t.skip('the launcher uses a non-local Temporal');
    const port = Number(match[1]);
    await assert.rejects(
      startTemporal({ dataDir: '/nonexistent', port, useEnv: false }),
      (err: unknown) => isInfraError(err, 'PORT_IN_USE') && err.message.includes(`port ${port}`) && err.message.includes('TEMPORAL_ADDRESS'),
    );
  });
});

describe('startTemporal (dev server)', { timeout: 120_000 }, () => {
  it('starts on free ports with a custom namespace and stops idempotently', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-temporal-test-'));
    try {
      const handle = await startTemporal({ dataDir, port: 0, namespace: 'infra-test', useEnv: false });
      let stopped = false;
      try {
        assert.equal(handle.startedHere, true);
        assert.equal(handle.namespace, 'infra-test');
        assert.match(handle.uiUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(await answersAsTemporal(handle.address), true);
        await Promise.all([handle.stop(), handle.stop()]);
        stopped = true;
        assert.equal(await answersAsTemporal(handle.address, 500), false, 'server is gone after stop()');
        assert.ok(fs.existsSync(path.join(dataDir, 'temporal.db')), 'state is persisted in the data dir');
      } finally {
        if (!stopped) await handle.stop();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
