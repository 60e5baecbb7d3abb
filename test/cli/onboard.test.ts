import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { buildSchema } from 'graphql';
import { parse } from 'yaml';
import { validateQuery } from '../../connectors/graphql/introspect-schema.js';
import { parseConfig } from '../../config/load-config.js';
import { stagedStreamId } from '../../store/staging/staged-stream.js';
import { syncPipeline } from '../../workflows/index.js';
import { type PipelineHarness, startPipelineHarness } from '../support/pipeline-harness.js';

// `tributary onboard` as a user runs it (a real process): against real published specs that ship
// in npm packages (GitHub's REST OpenAPI and GraphQL schema), and against the demo APIs, whose
// generated config must fetch one page, then run through the pipeline and stage exactly the
// records the hand-written demo config stages.

const bin = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));
// The packages' files, found where npm put them (their `exports` do not list them).
const modules = fileURLToPath(new URL('../../node_modules/', import.meta.url));
const githubRest = join(modules, '@octokit', 'openapi', 'generated', 'api.github.com.json');
const githubGraphql = join(modules, '@octokit', 'graphql-schema', 'schema.graphql');
const demoSpecs = fileURLToPath(new URL('../../examples/demo-apis/openapi/', import.meta.url));

let dir: string;
let demo: PipelineHarness;

const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DEMO_') && k !== 'TRIBUTARY_CONFIG'));

function tributary(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...clean, ...env }, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-onboard-'));
  demo = await startPipelineHarness();
});
after(async () => {
  await demo?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("GitHub's REST spec: an operation becomes a valid source with Link-header paging, its path parameter filled in, and a typed entity", { timeout: 120_000 }, async () => {
  const r = await tributary(['onboard', '--openapi', githubRest, '--operation', 'repos/list-for-org', '--path-param', 'org=octokit', '--out', 'github.yaml', '--no-fetch', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const config = parseConfig(parse(readFileSync(join(dir, 'github.yaml'), 'utf8')), 'github.yaml');
  const stream = config.sources.github!.streams.repos! as { path: string; pagination: { type: string }; primaryKey: string; params: Record<string, unknown> };
  assert.deepEqual([stream.path, stream.pagination.type, stream.primaryKey, stream.params.per_page], ['/orgs/octokit/repos', 'link_header', '$.id', 100]);
  const repo = config.entities.repo!;
  assert.deepEqual([repo.fields.id?.type, repo.fields.updated_at?.type, repo.fields.private?.type, repo.sources['github.repos']?.updatedAt], ['integer', 'timestamp', 'boolean', '$.updated_at']);

  const missing = await tributary(['onboard', '--openapi', githubRest, '--operation', 'repos/list-for-org', '--out', 'x.yaml', '--no-fetch']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /needs a value for \{org\}: pass --path-param org=<value>/);
  const typo = await tributary(['onboard', '--openapi', githubRest, '--operation', 'repos/list-for-orgs', '--out', 'x.yaml', '--no-fetch']);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /did you mean "repos\/list-for-org"\?/);
});

test("GitHub's GraphQL schema: a connection becomes a source whose query is valid against the schema", { timeout: 120_000 }, async () => {
  const r = await tributary(['onboard', '--graphql', 'https://api.github.com/graphql', '--schema-file', githubGraphql, '--field', 'organization.repositories', '--arg', 'login=octokit', '--token-env', 'GITHUB_TOKEN', '--out', 'github-graphql.yaml', '--no-fetch']);
  assert.equal(r.code, 0, r.stderr);
  const config = parseConfig(parse(readFileSync(join(dir, 'github-graphql.yaml'), 'utf8')), 'github-graphql.yaml', { GITHUB_TOKEN: 'x' });
  const source = config.sources.github!;
  assert.equal(source.type, 'graphql');
  assert.deepEqual(source.auth, { type: 'bearer', token: 'env:GITHUB_TOKEN' });
  const stream = source.streams.repositories! as { query: string; connectionPath: string; primaryKey: string };
  assert.equal(stream.connectionPath, '$.data.organization.repositories');
  assert.equal(stream.primaryKey, '$.id');
  assert.deepEqual(validateQuery(buildSchema(readFileSync(githubGraphql, 'utf8'), { assumeValidSDL: true }), stream.query), []);
  assert.equal(config.entities.repository!.fields.updated_at?.type, 'timestamp');
});

test('the demo APIs: onboarded from their OpenAPI documents and GraphQL introspection, one page fetched, then runs stage what the hand-written demo stages', { timeout: 240_000 }, async () => {
  const env = { CRM_API_KEY: demo.env.DEMO_CRM_API_KEY!, BILLING_CLIENT_ID: demo.env.DEMO_BILLING_CLIENT_ID!, BILLING_CLIENT_SECRET: demo.env.DEMO_BILLING_CLIENT_SECRET!, DEMO_SUPPORT_TOKEN: demo.env.DEMO_SUPPORT_TOKEN! };
  const steps = [
    ['--openapi', join(demoSpecs, 'crm.openapi.yaml'), '--operation', 'listContacts', '--base-url', demo.demo.crm.url, '--source', 'crm'],
    ['--openapi', join(demoSpecs, 'billing.openapi.yaml'), '--operation', 'GET /api/customers', '--base-url', demo.demo.billing.url, '--source', 'billing', '--entity', 'billing_customer'],
    ['--graphql', demo.demo.support.url, '--field', 'customers', '--token-env', 'DEMO_SUPPORT_TOKEN', '--source', 'support', '--entity', 'support_customer'],
  ];
  for (const step of steps) {
    const r = await tributary(['onboard', ...step, '--out', 'demo.yaml', '--json'], env);
    assert.equal(r.code, 0, `${step.join(' ')}\n${r.stdout}\n${r.stderr}`);
    const out = JSON.parse(r.stdout) as { fetch: { records: number; mapped: number; quarantined: number } };
    assert.ok(out.fetch.records > 0 && out.fetch.mapped === out.fetch.records && out.fetch.quarantined === 0, JSON.stringify(out.fetch));
  }
  const generated = parse(readFileSync(join(dir, 'demo.yaml'), 'utf8')) as { sources: Record<string, { auth?: { type: string }; streams: Record<string, { pagination?: { type: string }; incremental?: unknown }> }> };
  assert.deepEqual(
    Object.entries(generated.sources).map(([name, s]) => [name, s.auth?.type, Object.values(s.streams)[0]!.pagination?.type ?? 'relay']),
    [
      ['crm', 'api_key', 'cursor'],
      ['billing', 'oauth2_client_credentials', 'page_number'],
      ['support', 'bearer', 'relay'],
    ],
  );
  assert.ok(generated.sources.crm!.streams.contacts!.incremental, 'updated_since and updated_at became incremental');

  // The hand-written demo, then the generated config, through the real pipeline.
  await demo.client.workflow.execute(syncPipeline, { workflowId: 'onboard-hand', taskQueue: demo.taskQueue, args: [{ pipeline: 'demo', windowEnd: '2026-10-01T00:00:00Z' }] });
  const mine = await startPipelineHarness({ configPath: join(dir, 'demo.yaml'), env });
  try {
    for (const pipeline of ['crm', 'billing', 'support']) {
      await mine.client.workflow.execute(syncPipeline, { workflowId: `onboard-${pipeline}`, taskQueue: mine.taskQueue, args: [{ pipeline, windowEnd: '2026-10-01T00:00:00Z' }] });
    }
    const staged = async (h: PipelineHarness, runId: string, source: string, stream: string) =>
      (await h.db.selectFrom('tributary.staged_record').select(['source_key', 'payload']).where('stream_id', '=', stagedStreamId({ runId, source, stream })).orderBy('id').execute());
    for (const [source, stream, run] of [['crm', 'contacts', 'onboard-crm'], ['billing', 'customers', 'onboard-billing']] as const) {
      const hand = await staged(demo, 'onboard-hand', source, stream);
      const onboarded = await staged(mine, run, source, stream);
      assert.ok(hand.length > 0);
      assert.deepEqual(onboarded, hand, `${source}.${stream}: the same records, byte for byte, in the same order`);
    }
    // The GraphQL query selects every scalar field of the node, so payloads differ; the records are the same.
    const keys = async (h: PipelineHarness, runId: string) => (await staged(h, runId, 'support', 'customers')).map((r) => r.source_key);
    assert.deepEqual(await keys(mine, 'onboard-support'), await keys(demo, 'onboard-hand'));
    for (const [entity, source, stream] of [['contact', 'crm', 'contacts'], ['billing_customer', 'billing', 'customers'], ['support_customer', 'support', 'customers']] as const) {
      const rows = await mine.db.selectFrom(`unified.${entity}` as never).selectAll().execute();
      assert.equal(rows.length, (await staged(demo, 'onboard-hand', source, stream)).length, `${entity}: one row per upstream record`);
    }
  } finally {
    await mine.close();
  }
});
