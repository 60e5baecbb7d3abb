import { isObjectType } from 'graphql';
import { introspectSource, standaloneDeps } from '../../connectors/dry-run.js';
import { UsageError, commonOptions, loadCommandConfig, parseCommandArgs } from './common-options.js';

/**
 * `tributary introspect --source S`: introspects a GraphQL source and prints a schema summary
 * (hash, query fields with their arguments and types, connection types) and whether each
 * stream's query is valid against it.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { ...commonOptions, source: { type: 'string' } });
  if (values.help) {
    console.log(
      [
        'Usage: tributary introspect --source S [--config PATH] [--json]',
        'Sends the standard introspection query to GraphQL source S (with its configured auth) and prints',
        'the schema hash, the query fields with their arguments, the Relay connection types, and whether',
        "each of the source's stream queries is valid against the schema. Exit 1 when a query is invalid.",
      ].join('\n'),
    );
    return 0;
  }
  const config = await loadCommandConfig(values);
  const graphqlSources = Object.entries(config.sources).filter(([, s]) => s.type === 'graphql').map(([n]) => n);
  if (!values.source || !graphqlSources.includes(values.source)) throw new UsageError(`--source must name a GraphQL source; valid: ${graphqlSources.join(', ') || '(none)'}`);
  const deps = standaloneDeps();
  const { schema, problems } = await introspectSource(config, values.source, deps);
  const queryType = schema.schema.getQueryType();
  const fields = queryType ? Object.values(queryType.getFields()).map((f) => ({ name: f.name, args: f.args.map((a) => `${a.name}: ${a.type.toString()}`), type: f.type.toString() })) : [];
  const connections = Object.values(schema.schema.getTypeMap()).filter((t) => isObjectType(t) && 'pageInfo' in t.getFields()).map((t) => t.name);
  if (values.json) {
    console.log(JSON.stringify({ source: values.source, hash: schema.hash, queryFields: fields, connections, problems }));
  } else {
    console.log(`${values.source}: schema ${schema.hash.slice(0, 12)}, ${Object.keys(schema.schema.getTypeMap()).filter((n) => !n.startsWith('__')).length} types`);
    console.log('query fields:');
    for (const f of fields) console.log(`  ${f.name}(${f.args.join(', ')}): ${f.type}`);
    console.log(`connections: ${connections.join(', ') || '(none)'}`);
    for (const [stream, list] of Object.entries(problems)) console.log(`stream ${stream}: ${list.length === 0 ? 'query valid' : `INVALID\n    ${list.join('\n    ')}`}`);
  }
  return Object.values(problems).some((p) => p.length > 0) ? 1 : 0;
}
