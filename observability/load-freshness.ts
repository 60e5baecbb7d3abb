import type { Kysely } from 'kysely';
import type { TributaryConfig } from '../config/tributary-config.js';
import type { Database } from '../store/database-schema.js';
import { firstRunPerPipeline, streamHistory } from '../store/run-store.js';
import { type SourceFreshness, type StreamHistory, sourceFreshness } from './freshness.js';

/**
 * The freshness of every source stream the config's pipelines fetch (also those that never
 * ran), from the run history in Postgres; see `sourceFreshness` for the stale rule. Child streams
 * and streams no pipeline fetches are included as the config names them.
 */
export async function loadFreshness(db: Kysely<Database>, config: Pick<TributaryConfig, 'pipelines' | 'sources' | 'alerts'>, now = new Date()): Promise<SourceFreshness[]> {
  const [history, since] = await Promise.all([streamHistory(db), firstRunPerPipeline(db)]);
  const known = new Map(history.map((h) => [`${h.pipeline}\u0000${h.source}\u0000${h.stream}`, h]));
  const streams: StreamHistory[] = [];
  for (const [pipeline, p] of Object.entries(config.pipelines)) {
    for (const source of p.sources) {
      for (const stream of Object.keys(config.sources[source]?.streams ?? {})) {
        streams.push(known.get(`${pipeline}\u0000${source}\u0000${stream}`) ?? { pipeline, source, stream });
      }
    }
  }
  return sourceFreshness(config.pipelines, streams, { now, since, ...(config.alerts ? { staleAfterIntervals: config.alerts.staleAfterIntervals } : {}) });
}
