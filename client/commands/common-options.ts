import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean, loadConfigFile } from '../../config/index.js';
import { loadEnvFiles } from '../../config/env-file.js';
import type { TributaryConfig } from '../../config/tributary-config.js';
import { DEMO_CONFIG_PATH } from '../demo.js';

/** The config file from `--config`, else `$TRIBUTARY_CONFIG`, else undefined (the demo). */
export function configPathFrom(values: { config?: string | boolean | undefined }): string | undefined {
  const v = values.config;
  return (typeof v === 'string' ? v : undefined) ?? process.env.TRIBUTARY_CONFIG;
}

/**
 * The command's config: the file from `--config` / `$TRIBUTARY_CONFIG`, else the bundled demo,
 * after loading the `.env` next to it and in the working directory into `env` (see `loadEnvFiles`).
 */
export async function loadCommandConfig(values: { config?: string | boolean | undefined }, env: NodeJS.ProcessEnv = process.env): Promise<TributaryConfig> {
  const path = configPathFrom(values) ?? DEMO_CONFIG_PATH;
  loadEnvFiles(path, env);
  return loadConfigFile(path, env);
}

/** Options every command takes. */
export const commonOptions = {
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

/** Thrown for bad command-line usage; the CLI prints it with the command's help and exits 2. */
export class UsageError extends Error {
  /** Stable error code. */
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `parseArgs` that turns its errors into `UsageError`s, with a did-you-mean for an unknown option. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    const message = (err as Error).message;
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
    if (unknown) {
      const valid = Object.keys(options).map((o) => `--${o}`);
      throw new UsageError(`unknown option ${unknown}${didYouMean(unknown, valid)}; valid: ${valid.join(', ')} (see --help)`);
    }
    throw new UsageError(message.split('\n')[0]!);
  }
}
