import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Loads `.env` files into `env` for the CLI: the one next to the config file, then the one in the
 * working directory. A variable already set (in the shell, or by the first file) is never
 * replaced. Returns the files read. The format is Node's (`NAME=value`, `#` comments, quotes).
 *
 * ```sh
 * # examples/demo/.env — read by every command run with the demo config
 * DEMO_CRM_API_KEY=demo-crm-key-7f3a9c2e
 * ```
 */
export function loadEnvFiles(configPath: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const candidates = [...(configPath ? [join(dirname(resolve(configPath)), '.env')] : []), resolve('.env')];
  const loaded: string[] = [];
  for (const file of [...new Set(candidates)]) {
    if (!existsSync(file)) continue;
    const values = parseEnv(readFileSync(file, 'utf8'));
    for (const [name, value] of Object.entries(values)) env[name] ??= value;
    loaded.push(file);
  }
  return loaded;
}
