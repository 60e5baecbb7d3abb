import { ConfigError } from '../config/index.js';
import { isInfraError } from '../infra/errors.js';
import { UsageError } from './commands/common-options.js';
import { commands } from './commands/index.js';

const usage = `Usage: tributary <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`).join('\n')}

Options every command takes:
  --config PATH   Pipeline config (YAML or JSON); default: $TRIBUTARY_CONFIG, else the bundled demo
  --json          Machine-readable output
  -h, --help      Show help
`;

/** Exit codes: 0 ok, 1 failure, 2 usage or config error. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    console.log(usage);
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`unknown command "${name}"; valid: ${commands.map((c) => c.name).join(', ')}\n\n${usage}`);
    return 2;
  }
  return (await command.load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof UsageError) {
      console.error(err.message);
      process.exit(2);
    }
    // Servers that cannot be reached or started get their message, not a stack trace (exit 3).
    if (isInfraError(err)) {
      console.error(err.message);
      process.exit(3);
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
