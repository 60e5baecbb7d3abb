/**
 * Infrastructure layer: local Temporal and PostgreSQL servers for development
 * and tests, or the external ones named by TEMPORAL_ADDRESS / DATABASE_URL.
 */
export { describeError, InfraError, isInfraError, type InfraErrorCode } from './errors.js';
export { freePort, isPortFree, LOOPBACK } from './free-port.js';
export { projectRoot } from './project-root.js';
export { TRIBUTARY_SEARCH_ATTRIBUTES, type SearchAttributeType, type TributarySearchAttribute } from './search-attributes.js';
export { ensureTemporalCli, findTemporalCli, localTemporalCliPath, TEMPORAL_CLI_PIP_PACKAGE, TEMPORAL_CLI_VERSION } from './temporal/temporal-cli.js';
export { DEFAULT_TEMPORAL_PORT, startTemporal, type StartTemporalOptions, type TemporalHandle } from './temporal/temporal-server.js';
export {
  DEFAULT_DATABASE,
  DEFAULT_POSTGRES_PORT,
  EMBEDDED_POSTGRES_PASSWORD,
  EMBEDDED_POSTGRES_USER,
  startPostgres,
  type PostgresHandle,
  type StartPostgresOptions,
} from './postgres/postgres-server.js';
export { assertPostgresReachable, withPgClient } from './postgres/postgres-check.js';
export { databaseOf, postgresUrl, redactUrl, withDatabase } from './postgres/postgres-url.js';
export { waitFor, type WaitForOptions } from './wait-for.js';
