export { loadConfigFile, parseConfig } from './load-config.js';
export { ConfigError, type ConfigProblem, didYouMean } from './config-error.js';
export { tributaryConfigSchema, type TributaryConfig } from './tributary-config.js';
export type { SourceConfig, RestSourceConfig, GraphqlSourceConfig } from './sources/source-config.js';
export type { EntityConfig } from './entities/entity-config.js';
export type { PipelineConfig, ScheduleConfig } from './pipeline-config.js';
export type { AuthConfig } from './sources/auth-config.js';
