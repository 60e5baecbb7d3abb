import type { Kysely } from 'kysely';
import type { TributaryConfig } from '../config/tributary-config.js';
import type { TokenCache } from '../connectors/auth/token-cache.js';
import type { HttpClient } from '../connectors/http/http-client.js';
import type { SecretResolver } from '../connectors/secrets/resolve-secret.js';
import type { SecretMasker } from '../connectors/secrets/secret-masker.js';
import type { Database } from '../store/database-schema.js';

/** What the activities need; the worker builds it once. */
export interface ActivityDeps {
  readonly db: Kysely<Database>;
  readonly config: TributaryConfig;
  readonly http: HttpClient;
  readonly secrets: SecretResolver;
  readonly masker: SecretMasker;
  readonly tokens: TokenCache;
}
