import { randomBytes } from 'node:crypto';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { TRIBUTARY_SEARCH_ATTRIBUTES, waitFor } from '../../infra/index.js';
import { registerSearchAttributes } from '../../infra/temporal/temporal-search-attributes.js';

/**
 * Registers a fresh namespace on the test server, with Tributary's search attributes, and waits
 * until workflows can be started and listed in it. For tests of namespace-wide state (schedules,
 * `apply --prune`) that must not see, or delete, what test files running alongside create.
 */
export async function createScratchNamespace(address: string, prefix: string): Promise<string> {
  const namespace = `${prefix}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    const client = new Client({ connection, namespace });
    // The frontend learns of a new namespace on its next cache refresh.
    await waitFor(
      async () => {
        try {
          await client.workflow.getHandle('namespace-probe').describe();
        } catch (err) {
          return err instanceof WorkflowNotFoundError || undefined;
        }
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 100, description: `namespace ${namespace} usable` },
    );
    await registerSearchAttributes(connection, namespace, { ...TRIBUTARY_SEARCH_ATTRIBUTES }, () => {});
    const names = Object.keys(TRIBUTARY_SEARCH_ATTRIBUTES);
    await waitFor(
      async () => {
        const listed = await connection.operatorService.listSearchAttributes({ namespace });
        return names.every((n) => n in (listed.customAttributes ?? {})) || undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, description: `search attributes in ${namespace}` },
    );
    return namespace;
  } finally {
    await connection.close();
  }
}
