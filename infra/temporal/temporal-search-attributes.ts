import type { Connection } from '@temporalio/client';
import { isGrpcServiceError } from '@temporalio/client';
import { describeError } from '../errors.js';
import type { SearchAttributeType } from '../search-attributes.js';

/** gRPC status code ALREADY_EXISTS. */
const GRPC_ALREADY_EXISTS = 6;

/** Numeric values of temporal.api.enums.v1.IndexedValueType. */
const INDEXED_VALUE_TYPE: Record<SearchAttributeType, number> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

type AddSearchAttributesRequest = Parameters<Connection['operatorService']['addSearchAttributes']>[0];

/**
 * Register custom search attributes on an already running cluster.
 *
 * Best effort by design: the cluster may belong to someone else and we may
 * lack operator rights, in which case workflows still run and only filtering
 * by these attributes is unavailable. Attributes that exist are skipped, so
 * this is safe to call on every start.
 */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  attributes: Record<string, SearchAttributeType>,
  log: (msg: string) => void,
): Promise<void> {
  if (Object.keys(attributes).length === 0) return;
  let existing: Set<string>;
  try {
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    existing = new Set(Object.keys(listed.customAttributes ?? {}));
  } catch {
    existing = new Set();
  }
  const missing = Object.entries(attributes).filter(([name]) => !existing.has(name));
  if (missing.length === 0) return;
  const searchAttributes = Object.fromEntries(missing.map(([name, type]) => [name, INDEXED_VALUE_TYPE[type]]));
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes } as AddSearchAttributesRequest);
    log(`Registered search attributes ${missing.map(([name]) => name).join(', ')} in namespace ${namespace}`);
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === GRPC_ALREADY_EXISTS) return;
    log(
      `Could not register search attributes ${missing.map(([name]) => name).join(', ')} in namespace ${namespace}: ` +
        `${describeError(err)}. Register them with "temporal operator search-attribute create" if workflows need them.`,
    );
  }
}
