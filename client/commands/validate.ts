import { loadConfigFile } from '../../config/index.js';
import { DEMO_CONFIG_PATH } from '../demo.js';
import { commonOptions, configPathFrom, parseCommandArgs } from './common-options.js';

/**
 * `tributary validate [--config PATH] [--json]`: loads and checks a config file offline.
 * Problems are printed with their paths (by the CLI's ConfigError handler, exit 2); exit 0 when valid.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, commonOptions);
  const path = configPathFrom(values) ?? DEMO_CONFIG_PATH;
  const config = await loadConfigFile(path);
  const counts = {
    sources: Object.keys(config.sources).length,
    streams: Object.values(config.sources).reduce((n, s) => n + Object.keys(s.streams).length, 0),
    entities: Object.keys(config.entities).length,
    pipelines: Object.keys(config.pipelines).length,
  };
  if (values.json) console.log(JSON.stringify({ valid: true, path, ...counts }));
  else console.log(`${path}: valid — ${counts.sources} sources, ${counts.streams} streams, ${counts.entities} entities, ${counts.pipelines} pipelines`);
  return 0;
}
