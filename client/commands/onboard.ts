import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfigFile } from '../../config/index.js';
import { loadEnvFiles } from '../../config/env-file.js';
import { graphqlSourceSchema } from '../../config/sources/graphql-source-config.js';
import { createSourceClient } from '../../connectors/source-client.js';
import { dryRunStream, standaloneDeps } from '../../connectors/dry-run.js';
import { introspectSchema } from '../../connectors/graphql/introspect-schema.js';
import { compileRecordPreview } from '../../merge/map/preview-record.js';
import { onboardGraphql } from '../../onboard/graphql-onboard.js';
import { loadGraphqlSchemaFile, loadOpenApi } from '../../onboard/load-documents.js';
import type { OnboardPlan } from '../../onboard/onboard-plan.js';
import { onboardOpenApi } from '../../onboard/openapi-onboard.js';
import { readIfExists, renderOnboardedConfig } from '../../onboard/render-config.js';
import { UsageError, commonOptions, parseCommandArgs } from './common-options.js';

const options = {
  ...commonOptions,
  openapi: { type: 'string' },
  operation: { type: 'string' },
  'path-param': { type: 'string', multiple: true },
  'base-url': { type: 'string' },
  graphql: { type: 'string' },
  'schema-file': { type: 'string' },
  field: { type: 'string' },
  arg: { type: 'string', multiple: true },
  'token-env': { type: 'string' },
  source: { type: 'string' },
  stream: { type: 'string' },
  entity: { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean', default: false },
  'no-fetch': { type: 'boolean', default: false },
} as const;

const HELP = `Usage:
  tributary onboard --openapi FILE|URL --operation ID|"GET /path" [--path-param name=value]... [--base-url URL]
  tributary onboard --graphql URL --field FIELD[.FIELD] [--arg name=value]... [--token-env NAME] [--schema-file FILE]
  options: [--source NAME] [--stream NAME] [--entity NAME] [--out FILE] [--force] [--no-fetch] [--json]

Writes a source, an entity skeleton and a pipeline for one API operation into a config file
(--out, default pipeline.yaml; added to it when it exists), then validates the file and fetches
one page to show what the records map to. From an OpenAPI 3.x / Swagger 2 document: the base URL,
auth from its security schemes (secrets as env: references), where the records are, pagination,
the primary key, an incremental parameter and typed fields. From a GraphQL endpoint (its
introspection, or --schema-file with SDL or an introspection result): a Relay connection's query,
its path, the primary key and typed fields. Comments above the source say what was inferred.`;

/** `tributary onboard`: a config for a new API from its OpenAPI document or GraphQL schema (see `HELP`). */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, options);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.openapi === !values.graphql) throw new UsageError('give one of --openapi FILE|URL (with --operation) or --graphql URL (with --field); see --help');
  const names = { ...(values.source ? { sourceName: values.source } : {}), ...(values.stream ? { streamName: values.stream } : {}), ...(values.entity ? { entityName: values.entity } : {}) };
  for (const [flag, name] of Object.entries({ '--source': values.source, '--stream': values.stream, '--entity': values.entity })) {
    if (name !== undefined && !/^[a-z][a-z0-9_]{0,47}$/.test(name)) throw new UsageError(`${flag} "${name}" must be a lower-case identifier: a letter, then letters, digits or _`);
  }
  const out = resolve(values.out ?? 'pipeline.yaml');
  loadEnvFiles(out);
  let plan: OnboardPlan;
  if (values.openapi) {
    if (!values.operation) throw new UsageError('--operation is required with --openapi: an operation id, or "GET /path"');
    const doc = await loadOpenApi(values.openapi);
    plan = onboardOpenApi(doc, {
      ...names,
      operation: values.operation,
      ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
      ...(/^https?:\/\//.test(values.openapi) ? { documentUrl: values.openapi } : {}),
      pathParams: pairs(values['path-param'], '--path-param'),
    });
  } else {
    if (!values.field) throw new UsageError('--field is required with --graphql: a connection field of the query type, or a path to one (organization.repositories)');
    const url = values.graphql!;
    const tokenEnv = values['token-env'];
    const auth = tokenEnv ? { type: 'bearer', token: `env:${tokenEnv}` } : undefined;
    const schema = values['schema-file'] ? await loadGraphqlSchemaFile(values['schema-file']) : await introspect(url, auth);
    plan = onboardGraphql(schema, { ...names, url, field: values.field, args: pairs(values.arg, '--arg'), ...(auth ? { auth, secrets: [tokenEnv!] } : {}) });
  }
  const text = renderOnboardedConfig(plan, await readIfExists(out), { replace: values.force });
  await writeFile(out, text);
  // The whole file, as every other command reads it: a generated config that does not validate is a bug to see at once.
  const config = await loadConfigFile(out);
  const result: Record<string, unknown> = { file: out, source: plan.sourceName, stream: plan.streamName, entity: plan.entityName, secrets: plan.secrets, notes: plan.notes };
  if (!values.json) {
    console.log(`wrote ${out}: source ${plan.sourceName} (stream ${plan.streamName}), entity ${plan.entityName}, pipeline ${plan.sourceName}; the file is valid`);
    for (const note of plan.notes) console.log(`  - ${note}`);
    if (plan.secrets.length > 0) console.log(`  secrets: set ${plan.secrets.join(', ')} in your shell or in ${resolve(out, '..', '.env')}`);
  }
  let code = 0;
  if (!values['no-fetch']) {
    const deps = standaloneDeps();
    try {
      const fetched = await dryRunStream(config, plan.sourceName, plan.streamName, 1, deps);
      const preview = compileRecordPreview(config.entities, `${plan.sourceName}.${plan.streamName}`);
      const statuses = fetched.firstPage.records.flatMap((r) => preview(r).filter((p) => p.entity === plan.entityName));
      const mapped = statuses.filter((p) => p.status === 'mapped').length;
      const problems = [...new Set(statuses.flatMap((p) => p.problems ?? []))].slice(0, 5);
      result.fetch = { records: fetched.records, paginationType: fetched.paginationType, hasMore: fetched.hasMore, mapped, quarantined: statuses.length - mapped, problems, sample: fetched.samples[0] };
      if (!values.json) {
        console.log(`fetched one page: ${fetched.records} records, pagination ${fetched.paginationType}${fetched.hasMore ? ' (more pages follow)' : ''}; ${mapped} map to ${plan.entityName}${statuses.length > mapped ? `, ${statuses.length - mapped} would be quarantined: ${problems.join('; ')}` : ''}`);
        if (fetched.samples[0] !== undefined) console.log(`  first record: ${deps.masker.mask(JSON.stringify(fetched.samples[0])).slice(0, 400)}`);
      }
    } catch (err) {
      const message = deps.masker.mask((err as Error).message);
      // A secret not set yet is the next step, not a failure: the file is written and valid.
      const unset = (err as { code?: unknown }).code === 'SECRET_UNRESOLVED';
      if (!unset) code = 1;
      result.fetch = unset ? { skipped: message } : { error: message };
      if (!values.json) {
        console.log(
          unset
            ? `not fetched yet: ${message}; then \`tributary sources test --config ${out} --source ${plan.sourceName}\` fetches a page`
            : `fetching one page failed: ${message}\n  fix it in ${out}, then try again with \`tributary sources test --config ${out} --source ${plan.sourceName}\``,
        );
      }
    }
  }
  if (values.json) console.log(JSON.stringify(result));
  else console.log(`next: \`tributary sources test --config ${out} --source ${plan.sourceName}\` to see the mapping record by record, then \`tributary start --config ${out}\``);
  return code;
}

/** `name=value` options as a record. */
function pairs(list: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`${flag} takes name=value, got "${item}"`);
    out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}

/** The schema of a live GraphQL endpoint, by introspection (with the bearer token when given). */
async function introspect(url: string, auth: Record<string, unknown> | undefined) {
  const deps = standaloneDeps();
  // A source as config would hold it (its defaults filled in); the stream only satisfies the schema.
  const source = graphqlSourceSchema.parse({ type: 'graphql', url, ...(auth ? { auth } : {}), streams: { introspection: { query: '{ __typename }', connectionPath: '$', primaryKey: '$.id' } } });
  const { http, auth: authenticator } = createSourceClient('onboard', source, deps);
  return (await introspectSchema({ http, auth: authenticator, url, headers: {}, timeoutMs: source.timeoutMs })).schema;
}
