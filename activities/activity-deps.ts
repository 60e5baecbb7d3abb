import type { Kysely } from 'kysely';
import type { TributaryConfig } from '../config/tributary-config.js';
import type { RefreshTokenStore } from '../connectors/auth/refresh-token-store.js';
import type { TokenCache } from '../connectors/auth/token-cache.js';
import type { HttpClient } from '../connectors/http/http-client.js';
import type { RateLimiterRegistry } from '../connectors/rate-limit/rate-limiter.js';
import type { SecretResolver } from '../secrets/resolve-secret.js';
import type { SecretMasker } from '../secrets/secret-masker.js';
import type { AlertDispatcher } from '../observability/alerts/alert-dispatcher.js';
import type { Logger } from '../observability/logger.js';
import type { TributaryMetrics } from '../observability/metrics.js';
import type { Database } from '../store/database-schema.js';
import type { CopyPool } from '../store/staging/stage-page-copy.js';

/** What the activities need; the worker builds it once. */
export interface ActivityDeps {
  readonly db: Kysely<Database>;
  /** The database's pool, so fetches stage records by COPY. */
  readonly copyPool?: CopyPool | undefined;
  readonly config: TributaryConfig;
  readonly http: HttpClient;
  readonly secrets: SecretResolver;
  readonly masker: SecretMasker;
  readonly tokens: TokenCache;
  /** Rotated OAuth2 refresh tokens (Postgres). */
  readonly refreshTokens: RefreshTokenStore;
  /** Per-source rate limiters shared by every activity of the worker. */
  readonly rateLimits: RateLimiterRegistry;
  /** Structured logs (pino) with run, pipeline and source on every line. */
  readonly log?: Logger | undefined;
  /** Prometheus metrics of the worker. */
  readonly metrics?: TributaryMetrics | undefined;
  /** Sends alerts for failed or degraded runs and stale sources (when `alerts` is configured). */
  readonly alerts?: AlertDispatcher | undefined;
}
