import { loadConfigFile } from '../../config/index.js';
import { DEMO_CONFIG_PATH } from '../demo.js';

/**
 * `tributary validate`: loads and checks a config file offline. Problems are printed with
 * their paths (by the caller's ConfigError handler); exit code 0 when valid.
 */
export async function validateCommand(configPath: string | undefined): Promise<number> {
  const path = configPath ?? DEMO_CONFIG_PATH;
  // The demo's URLs come from the environment when it runs; offline, their defaults apply.
  const config = await loadConfigFile(path);
  const streams = Object.values(config.sources).reduce((n, s) => n + Object.keys(s.streams).length, 0);
  console.log(`${path}: valid — ${Object.keys(config.sources).length} sources, ${streams} streams, ${Object.keys(config.entities).length} entities, ${Object.keys(config.pipelines).length} pipelines`);
  return 0;
}
