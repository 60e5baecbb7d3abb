import { Connection, isGrpcServiceError } from '@temporalio/client';
import { describeError, InfraError } from '../errors.js';

/** gRPC status code NOT_FOUND. */
const GRPC_NOT_FOUND = 5;

/** What a successful probe learned about the server. */
export interface TemporalProbeResult {
  /** Server version reported by GetSystemInfo, when the server reports one. */
  serverVersion: string | undefined;
}

/**
 * Open a connection to `address` and run `fn` with it, always closing it.
 * `timeoutMs` bounds connecting and every call `fn` makes, because the
 * client's retry interceptor would otherwise keep retrying UNAVAILABLE.
 */
export async function withTemporalConnection<T>(address: string, timeoutMs: number, fn: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address, connectTimeout: timeoutMs });
  try {
    return await connection.withDeadline(Date.now() + timeoutMs, () => fn(connection));
  } finally {
    await connection.close();
  }
}

/**
 * Health check: the frontend answers GetSystemInfo and `namespace` is
 * registered. Throws an {@link InfraError} with code
 * `TEMPORAL_NAMESPACE_NOT_FOUND` when only the namespace is missing, and
 * rethrows transport errors as they are so pollers can retry them.
 */
export async function probeTemporal(address: string, namespace: string, timeoutMs = 2000): Promise<TemporalProbeResult> {
  return withTemporalConnection(address, timeoutMs, async (connection) => {
    const info = await connection.workflowService.getSystemInfo({});
    try {
      await connection.workflowService.describeNamespace({ namespace });
    } catch (err) {
      if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) {
        throw new InfraError('TEMPORAL_NAMESPACE_NOT_FOUND', `Temporal at ${address} has no namespace "${namespace}". Create it ` +
            `(temporal operator namespace create --namespace ${namespace} --address ${address}) or set TEMPORAL_NAMESPACE to an existing one.`, { cause: err });
      }
      throw err;
    }
    return { serverVersion: info.serverVersion ?? undefined };
  });
}

/** True when something at `address` answers like a Temporal frontend. */
export async function answersAsTemporal(address: string, timeoutMs = 2000): Promise<boolean> {
  try {
    await withTemporalConnection(address, timeoutMs, (connection) => connection.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  }
}

/** Probe once and convert any failure into a `TEMPORAL_UNREACHABLE` error. */
export async function assertTemporalReachable(address: string, namespace: string, timeoutMs = 5000): Promise<TemporalProbeResult> {
  try {
    return await probeTemporal(address, namespace, timeoutMs);
  } catch (err) {
    if (err instanceof InfraError) throw err;
    throw new InfraError(
      'TEMPORAL_UNREACHABLE',
      `Temporal at ${address} is not reachable (${describeError(err)}). Check TEMPORAL_ADDRESS, or unset it to start a local dev server.`,
      { cause: err },
    );
  }
}
