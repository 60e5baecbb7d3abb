import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The config file from `--config`, else `$TRIBUTARY_CONFIG`, else undefined (the demo). */
export function configPathFrom(values: { config?: string | boolean | undefined }): string | undefined {
  const v = values.config;
  return (typeof v === 'string' ? v : undefined) ?? process.env.TRIBUTARY_CONFIG;
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

/** `parseArgs` that turns its errors into `UsageError`s. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
