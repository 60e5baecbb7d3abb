import type { TributaryConfig } from '../../config/index.js';
import { introspectSource, standaloneDeps } from '../../connectors/dry-run.js';

/** One GraphQL stream's online check. */
export interface OnlineCheck {
  readonly source: string;
  readonly stream: string;
  readonly problems: readonly string[];
}

/** `validate --online`: introspects every GraphQL source and validates each stream's query (errors masked). */
export async function validateGraphqlOnline(config: TributaryConfig): Promise<OnlineCheck[]> {
  const deps = standaloneDeps();
  const out: OnlineCheck[] = [];
  for (const [name, source] of Object.entries(config.sources)) {
    if (source.type !== 'graphql') continue;
    try {
      const { problems } = await introspectSource(config, name, deps);
      for (const [stream, list] of Object.entries(problems)) out.push({ source: name, stream, problems: list });
    } catch (err) {
      for (const stream of Object.keys(source.streams)) out.push({ source: name, stream, problems: [deps.masker.mask((err as Error).message)] });
    }
  }
  return out;
}
