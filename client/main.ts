import { parseArgs } from 'node:util';
import { ConfigError } from '../config/index.js';

const usage = `Usage: tributary <command> [options]

Commands:
  start      Run everything: Postgres, Temporal, worker, schedules, access API (the demo without --config)
  validate   Check a config file offline and list every problem with its path

Options:
  --config PATH   Pipeline config (YAML or JSON); default: $TRIBUTARY_CONFIG, else the bundled demo
  --port N        Access API port (default: $TRIBUTARY_API_PORT or 3000)
  --no-run        Do not trigger a first run on start
  -h, --help      Show this help
`;

/** Exit codes: 0 ok, 1 failure, 2 usage or config error. */
async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      'no-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return command || values.help ? 0 : 2;
  }
  const configPath = values.config ?? process.env.TRIBUTARY_CONFIG;
  switch (command) {
    case 'start': {
      // Commands load lazily, so `validate` never loads the Temporal SDK or the infrastructure code.
      const { startCommand } = await import('./commands/start.js');
      await startCommand({ ...(configPath ? { configPath } : {}), apiPort: Number(values.port ?? process.env.TRIBUTARY_API_PORT ?? 3000), runNow: !values['no-run'] });
      return 0;
    }
    case 'validate': {
      const { validateCommand } = await import('./commands/validate.js');
      return validateCommand(configPath);
    }
    default:
      console.error(`unknown command "${command}"\n\n${usage}`);
      return 2;
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  },
);
