import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { type DemoApis, startDemoApis } from '../../examples/demo-apis/index.js';

// The CLI's conventions as a user meets them, each command a real process: help that starts
// nothing, a version, suggestions, exit codes as documented, no stack trace for an expected
// failure, JSON errors with --json, and the demo's credentials read from its .env.

const bin = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));
const demoConfig = fileURLToPath(new URL('../../examples/demo/pipeline.yaml', import.meta.url));
let dir: string;
let demo: DemoApis;

// Nothing the user's shell might have set leaks in: the demo's credentials must come from its .env.
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DEMO_') && k !== 'TRIBUTARY_CONFIG'));

function tributary(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+/, `no stack trace expected:\n${text}`);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-cli-conventions-'));
  demo = await startDemoApis();
});
after(async () => {
  await demo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('--version, help on every command without starting anything, suggestions for typos', { timeout: 60_000 }, async () => {
  const version = await tributary(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^tributary \d+\.\d+\.\d+/);
  const started = Date.now();
  const help = await tributary(['start', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: tributary start/);
  assert.ok(Date.now() - started < 15_000, 'start --help returns at once');
  for (const command of ['validate', 'sources', 'introspect', 'serve', 'worker', 'apply', 'run', 'backfill', 'rerun', 'status']) {
    const r = await tributary([command, '--help']);
    assert.equal(r.code, 0, `${command} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`Usage: tributary ${command}`), command);
  }
  const typo = await tributary(['statuss']);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /unknown command "statuss"; did you mean "status"\?/);
  const option = await tributary(['validate', '--confgi', 'x.yaml']);
  assert.equal(option.code, 2);
  assert.match(option.stderr, /unknown option --confgi; did you mean "--config"\?/);
});

test('an invalid config: exit 2, the wrong value with a did-you-mean, and JSON on stdout with --json', { timeout: 60_000 }, async () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'version: 1\nsources: {}\nentities:\n  e: { defaultStrategy: lastest, matchOn: [n], fields: { n: { type: string } }, sources: {} }\npipelines: {}\n');
  const text = await tributary(['validate', '--config', bad]);
  assert.equal(text.code, 2);
  assert.match(text.stderr, /entities\.e\.defaultStrategy: got "lastest"; valid: .*did you mean "latest"\?/);
  noStack(text.stderr);
  const json = await tributary(['validate', '--config', bad, '--json']);
  assert.equal(json.code, 2);
  const out = JSON.parse(json.stdout) as { valid: boolean; problems: Array<{ path: string; message: string }> };
  assert.equal(out.valid, false);
  assert.ok(out.problems.some((p) => p.path === 'entities.e.defaultStrategy'));
});

test('an unreachable Temporal or Postgres: exit 3 with a message, no stack trace, JSON with --json; status says so too', { timeout: 60_000 }, async () => {
  const down = { TEMPORAL_ADDRESS: '127.0.0.1:1', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' };
  const run = await tributary(['run', '--pipeline', 'demo'], down);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /cannot reach Temporal at 127\.0\.0\.1:1 .*TEMPORAL_ADDRESS/);
  noStack(run.stderr);
  const json = await tributary(['run', '--pipeline', 'demo', '--json'], down);
  assert.equal(json.code, 3);
  assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'TEMPORAL_UNREACHABLE');
  const status = await tributary(['status'], down);
  assert.equal(status.code, 3);
  assert.match(status.stderr, /unavailable: cannot reach Temporal/);
});

test('the demo credentials come from its .env: sources test works with nothing exported; a copy of the config reads its own .env', { timeout: 60_000 }, async () => {
  const urls = { DEMO_CRM_URL: demo.crm.url, DEMO_BILLING_URL: demo.billing.url, DEMO_SUPPORT_URL: demo.support.url };
  const bundled = await tributary(['sources', 'test', '--source', 'crm', '--json'], urls);
  assert.equal(bundled.code, 0, bundled.stderr);
  // The mapped dry run: every record of the first page, raw, and what each entity makes of it.
  const out = JSON.parse(bundled.stdout) as { streams: Array<{ firstPageRecords: number; mapped: Array<{ raw: string; entities: Array<{ entity: string; status: string; values?: Record<string, unknown>; matchKeys?: string[][]; joins?: string }> }> }> };
  const contacts = out.streams[0]!;
  assert.equal(contacts.mapped.length, contacts.firstPageRecords);
  const first = contacts.mapped[0]!;
  assert.equal((JSON.parse(first.raw) as { id: string }).id, 'crm_00001');
  const customer = first.entities.find((e) => e.entity === 'customer')!;
  assert.equal(customer.status, 'mapped');
  assert.equal(customer.values?.email, 'ada.nguyen@example.net');
  assert.deepEqual(customer.matchKeys, [['email', 'ada.nguyen@example.net']]);
  assert.ok(customer.joins, 'says which entity it would join, or that it cannot tell');
  const introspect = await tributary(['introspect', '--source', 'support'], urls);
  assert.equal(introspect.code, 0, introspect.stdout + introspect.stderr);
  noStack(introspect.stdout + introspect.stderr);
  const wrongSource = await tributary(['introspect', '--source', 'crm'], urls);
  assert.equal(wrongSource.code, 2, wrongSource.stdout + wrongSource.stderr);
  noStack(wrongSource.stderr);
  const copy = join(dir, 'copy');
  rmSync(copy, { recursive: true, force: true });
  await import('node:fs').then((fs) => fs.mkdirSync(copy));
  copyFileSync(demoConfig, join(copy, 'pipeline.yaml'));
  const missing = await tributary(['sources', 'test', '--config', join(copy, 'pipeline.yaml'), '--source', 'crm'], urls, copy);
  assert.equal(missing.code, 1);
  assert.match(missing.stdout + missing.stderr, /DEMO_CRM_API_KEY .*\.env file next to the config/);
  noStack(missing.stderr);
  const unresolved = await tributary(['validate', '--config', join(copy, 'pipeline.yaml'), '--check-secrets', '--json'], {}, copy);
  assert.equal(unresolved.code, 1);
  const secrets = (JSON.parse(unresolved.stdout) as { secrets: Array<{ path: string; ref: string; problem: string | null }> }).secrets;
  assert.deepEqual(secrets.find((s) => s.path === 'sources.crm.auth.value'), { path: 'sources.crm.auth.value', ref: 'env:DEMO_CRM_API_KEY', problem: 'DEMO_CRM_API_KEY is not set' });
  copyFileSync(join(demoConfig, '..', '.env'), join(copy, '.env'));
  const resolved = await tributary(['validate', '--config', join(copy, 'pipeline.yaml'), '--check-secrets'], {}, copy);
  assert.equal(resolved.code, 0, resolved.stdout);
  assert.doesNotMatch(resolved.stdout, /demo-crm-key/, 'values are never printed');
  const withEnv = await tributary(['sources', 'test', '--config', join(copy, 'pipeline.yaml'), '--source', 'crm'], urls, copy);
  assert.equal(withEnv.code, 0, withEnv.stderr);
});
