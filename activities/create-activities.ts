import { Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { TributaryConfig } from '../config/tributary-config.js';
import type { TokenCache } from '../connectors/auth/token-cache.js';
import { createStreamReader } from '../connectors/create-stream-reader.js';
import type { HttpClient } from '../connectors/http/http-client.js';
import type { SecretResolver } from '../connectors/secrets/resolve-secret.js';
import type { SecretMasker } from '../connectors/secrets/secret-masker.js';
import { fetchStreamChunk as fetchChunk } from '../ingest/fetch-stream-chunk.js';
import { mergeRun as merge } from '../merge/merge-run.js';
import type { Database } from '../store/database-schema.js';
import { recordRunEnd, recordRunStart } from '../store/run-store.js';
import type { EntityMergeSummary, FetchChunkInput, FetchProgress, FinishRunInput, MergeRunActivityInput, PlanRunInput, RunPlan } from './activity-types.js';
import { withFailureMapping } from './to-application-failure.js';
import { ConfigError } from '../config/config-error.js';

/** What the activities need; the worker builds it once. */
export interface ActivityDeps {
  readonly db: Kysely<Database>;
  readonly config: TributaryConfig;
  readonly http: HttpClient;
  readonly secrets: SecretResolver;
  readonly masker: SecretMasker;
  readonly tokens: TokenCache;
}

/**
 * The activities, as thin adapters over the engines: each resolves names from config, calls an
 * engine function, heartbeats where it is long, and maps errors to Temporal failures.
 * Inputs and outputs are small references and counts; records stay in Postgres.
 */
export function createActivities(deps: ActivityDeps) {
  const { db, config, masker } = deps;

  return {
    /** Records the run's start and returns its plan (streams to fetch). */
    async planRun(input: PlanRunInput): Promise<RunPlan> {
      return withFailureMapping(masker, async () => {
        const pipeline = config.pipelines[input.pipeline];
        if (!pipeline) {
          throw new ConfigError('config', [{ path: 'pipelines', message: `unknown pipeline "${input.pipeline}"; valid: ${Object.keys(config.pipelines).join(', ')}` }]);
        }
        const sources = input.sources ?? pipeline.sources;
        for (const s of sources) {
          if (!pipeline.sources.includes(s)) {
            throw new ConfigError('config', [{ path: `pipelines.${input.pipeline}.sources`, message: `pipeline has no source "${s}"; valid: ${pipeline.sources.join(', ')}` }]);
          }
        }
        await recordRunStart(db, { runId: input.runId, pipeline: input.pipeline, windowEnd: new Date(input.windowEnd) });
        const streams = sources.flatMap((source) => Object.keys(config.sources[source]!.streams).map((stream) => ({ source, stream })));
        return { streams, failurePolicy: pipeline.failurePolicy };
      });
    },

    /** Fetches and stages up to `maxPages` pages of a stream, resuming from its checkpoint; heartbeats each page. */
    async fetchStreamChunk(input: FetchChunkInput): Promise<FetchProgress> {
      return withFailureMapping(masker, async () => {
        const source = config.sources[input.source];
        if (!source?.streams[input.stream]) {
          throw new ConfigError('config', [{ path: `sources.${input.source}`, message: `unknown source or stream "${input.source}.${input.stream}"` }]);
        }
        const reader = createStreamReader(source, input.stream, deps);
        const ctx = Context.current();
        return fetchChunk(db, input, source, reader, { maxPages: input.maxPages, onPage: (progress) => ctx.heartbeat(progress) });
      });
    },

    /** Merges the run's staged records into the entity tables in one transaction. */
    async mergeRun(input: MergeRunActivityInput): Promise<EntityMergeSummary[]> {
      return withFailureMapping(masker, () => merge(db, config, input));
    },

    /** Stores the run's outcome and summary. */
    async finishRun(input: FinishRunInput): Promise<void> {
      return withFailureMapping(masker, () =>
        recordRunEnd(db, { runId: input.runId, status: input.status, summary: input.summary as unknown as Record<string, unknown>, ...(input.error ? { error: masker.mask(input.error) } : {}) }),
      );
    },
  };
}

/** The activities' type, for `proxyActivities` in workflows. */
export type Activities = ReturnType<typeof createActivities>;
