import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, didYouMean } from '../config/index.js';
import { isInfraError } from '../infra/errors.js';
import { projectRoot } from '../infra/project-root.js';
import { UsageError } from './commands/common-options.js';
import { commands } from './commands/index.js';
import { ExitCode } from './output/exit-codes.js';

const usage = `Usage: tributary <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`).join('\n')}

Options every command takes:
  --config PATH   Pipeline config (YAML or JSON); default: $TRIBUTARY_CONFIG, else the bundled demo
                  (the .env next to it and in the working directory are read; set variables win)
  --json          Machine-readable output, errors included
  -h, --help      Show the command's help (never starts anything)
  -V, --version   Show the version

Exit codes: 0 done, 1 failed, 2 bad usage or config, 3 a dependency (Postgres, Temporal) unreachable,
4 done but degraded.
`;

function version(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    console.log(usage);
    return name ? ExitCode.ok : ExitCode.usage;
  }
  if (name === '-V' || name === '--version' || name === 'version') {
    console.log(`tributary ${version()}`);
    return ExitCode.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    throw new UsageError(`unknown command "${name}"${didYouMean(name, commands.map((c) => c.name))}; valid: ${commands.map((c) => c.name).join(', ')}\n\n${usage}`);
  }
  return (await command.load()).run(rest);
}

/** The exit code and what to print for an error that ended a command. */
function classify(err: unknown): { code: number; kind: string; message: string; problems?: unknown } {
  if (err instanceof ConfigError) return { code: ExitCode.usage, kind: err.code, message: err.message, problems: err.problems };
  if (err instanceof UsageError) return { code: ExitCode.usage, kind: err.code, message: err.message };
  // An onboarding request the document cannot satisfy (an unknown operation, a missing path parameter) is bad usage.
  if ((err as { code?: unknown } | null)?.code === 'ONBOARD_INVALID') return { code: ExitCode.usage, kind: 'ONBOARD_INVALID', message: (err as Error).message };
  // Servers that cannot be reached or started get their message, not a stack trace.
  if (isInfraError(err)) return { code: err.code === 'PORT_IN_USE' || err.code.endsWith('START_FAILED') ? ExitCode.failed : ExitCode.unavailable, kind: err.code, message: err.message };
  // Typed errors (a connector's, a secret's) are expected failures: their message says what to do.
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return { code: ExitCode.failed, kind: code, message: err.message };
  return { code: ExitCode.failed, kind: 'INTERNAL', message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const { code, kind, message, problems } = classify(err);
    if (process.argv.includes('--json')) console.log(JSON.stringify({ error: { code: kind, message, ...(problems ? { problems } : {}) } }));
    console.error(kind === 'INTERNAL' || kind === 'CONFIG_INVALID' || kind === 'USAGE' ? message : `error: ${message}`);
    process.exit(code);
  },
);
