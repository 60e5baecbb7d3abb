import { streamKey } from '../../core/stream-key.js';
import { ConfigError } from '../../config/index.js';
import { ExitCode } from '../output/exit-codes.js';
import { DEMO_CONFIG_PATH } from '../demo.js';
import { commonOptions, configPathFrom, loadCommandConfig, parseCommandArgs } from './common-options.js';
import { validateGraphqlOnline } from './validate-online.js';
import { checkSecretRefs } from '../../secrets/check-secret-refs.js';

/**
 * `tributary validate [--config PATH] [--json] [--online]`: loads and checks a config file offline;
 * with `--online`, also introspects each GraphQL source and validates every query against its schema (exit 1 on a problem).
 * Problems are printed with their paths (by the CLI's ConfigError handler, exit 2); exit 0 when valid.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { ...commonOptions, online: { type: 'boolean', default: false }, 'check-secrets': { type: 'boolean', default: false } });
  if (values.help) {
    console.log(
      [
        'Usage: tributary validate [--config PATH] [--online] [--check-secrets] [--json]',
        'Checks a config file offline: schema, references between sources, entities and pipelines; every',
        'problem is listed with its path (exit 2). --online also introspects each GraphQL source (using its',
        'auth; secrets from the environment) and validates every stream query against the live schema (exit 1',
        'on an invalid query or an unreachable source). --check-secrets resolves every secret reference',
        '(env:NAME set and not empty, file:PATH readable; values are never printed; exit 1 when one does not).',
        'Exit 0 when valid.',
      ].join('\n'),
    );
    return 0;
  }
  const path = configPathFrom(values) ?? DEMO_CONFIG_PATH;
  let config;
  try {
    config = await loadCommandConfig(values);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    if (values.json) {
      console.log(JSON.stringify({ valid: false, path, problems: err.problems }));
      return ExitCode.usage;
    }
    throw err;
  }
  const counts = {
    sources: Object.keys(config.sources).length,
    streams: Object.values(config.sources).reduce((n, s) => n + Object.keys(s.streams).length, 0),
    entities: Object.keys(config.entities).length,
    pipelines: Object.keys(config.pipelines).length,
  };
  const online = values.online ? await validateGraphqlOnline(config) : undefined;
  const secrets = values['check-secrets'] ? await checkSecretRefs(config) : undefined;
  const valid = (!online || online.every((o) => o.problems.length === 0)) && (!secrets || secrets.every((s) => s.problem === null));
  if (values.json) console.log(JSON.stringify({ valid, path, ...counts, ...(online ? { graphql: online } : {}), ...(secrets ? { secrets } : {}) }));
  else {
    console.log(`${path}: ${valid ? 'valid' : 'INVALID'} — ${plural(counts.sources, 'source')}, ${plural(counts.streams, 'stream')}, ${plural(counts.entities, 'entity', 'entities')}, ${plural(counts.pipelines, 'pipeline')}`);
    for (const o of online ?? []) console.log(`  ${streamKey(o)}: ${o.problems.length === 0 ? 'query valid against the live schema' : o.problems.join('\n    ')}`);
    for (const s of secrets ?? []) console.log(`  ${s.path}: ${s.ref} ${s.problem === null ? 'resolves' : `does not resolve: ${s.problem}`}`);
    if (secrets?.length === 0) console.log('  no secret references');
  }
  return valid ? 0 : 1;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
