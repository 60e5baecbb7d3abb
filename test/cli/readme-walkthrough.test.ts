import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { freePort } from '../../infra/free-port.js';
import { type TestDatabase, createTestDatabase } from '../support/database.js';
import { temporalEnv, uniqueTaskQueue } from '../support/temporal.js';

// The README's "Add your own API" section, walked literally: its shell block runs line by line in
// a fresh folder (with `npx tributary` being this checkout's CLI), against "your API" — a real
// local server described by an OpenAPI document — and the test Temporal and Postgres servers, until
// the merged rows are served by the access API that `start` brought up.

const bin = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));
const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const API_KEY = 'your-api-key';
const customers = Array.from({ length: 45 }, (_, i) => ({ id: `cus_${i + 1}`, email: `person${i + 1}@example.com`, name: `Person ${i + 1}`, updated_at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() }));

let dir: string;
let server: Server;
let database: TestDatabase;
let start: ChildProcess | undefined;

const spec = (url: string) => `openapi: 3.0.3
info: { title: Shop, version: '1' }
servers: [{ url: '${url}' }]
components:
  securitySchemes: { key: { type: apiKey, in: header, name: X-API-Key } }
security: [{ key: [] }]
paths:
  /customers:
    get:
      operationId: listCustomers
      parameters:
        - { name: page, in: query, schema: { type: integer } }
        - { name: per_page, in: query, schema: { type: integer, maximum: 20 } }
      responses:
        '200':
          description: A page of customers.
          content:
            application/json:
              schema:
                type: object
                properties:
                  customers:
                    type: array
                    items:
                      type: object
                      properties: { id: { type: string }, email: { type: string }, name: { type: string }, updated_at: { type: string, format: date-time } }
                  total_pages: { type: integer }
`;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-walkthrough-'));
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    if (req.headers['x-api-key'] !== API_KEY) {
      res.statusCode = 401;
      res.end('{"error":"invalid key"}');
      return;
    }
    const page = Number(url.searchParams.get('page') ?? 1);
    const size = Math.min(Number(url.searchParams.get('per_page') ?? 10), 20);
    res.end(JSON.stringify({ customers: customers.slice((page - 1) * size, page * size), total_pages: Math.ceil(customers.length / size) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  writeFileSync(join(dir, 'openapi.yaml'), spec(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  // `npx tributary ...` is this checkout's CLI.
  mkdirSync(join(dir, 'shim'));
  writeFileSync(join(dir, 'shim', 'npx'), `#!/bin/sh\n[ "$1" = tributary ] && shift\nexec "${process.execPath}" "${bin}" "$@"\n`);
  chmodSync(join(dir, 'shim', 'npx'), 0o755);
  database = await createTestDatabase();
});
after(async () => {
  start?.kill('SIGKILL');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** The commands of the README section's shell block. */
function walkthrough(): string[] {
  const section = readme.slice(readme.indexOf('## Add your own API'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block.split('\n').filter((l) => l.trim() !== '');
}

test('the README\'s "Add your own API" section, line by line, ends with the API\'s records merged and served', { timeout: 240_000 }, async () => {
  const { address, namespace } = temporalEnv();
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DEMO_') && k !== 'TRIBUTARY_CONFIG')),
    PATH: `${join(dir, 'shim')}:${process.env.PATH}`,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    DATABASE_URL: database.url,
    TRIBUTARY_TASK_QUEUE: uniqueTaskQueue('walkthrough'),
    TRIBUTARY_API_PORT: '0',
    TRIBUTARY_TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
  };
  const lines = walkthrough();
  assert.ok(lines.length >= 3 && lines[lines.length - 1]!.includes('tributary start'), lines.join('\n'));
  for (const line of lines.slice(0, -1)) {
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('bash', ['-c', line], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.once('exit', (code) => resolve({ code, output }));
    });
    assert.equal(result.code, 0, `${line}\n${result.output}`);
  }
  // The last line runs the whole system; it keeps running until stopped.
  start = spawn('bash', ['-c', `exec ${lines[lines.length - 1]}`], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  start.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  start.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const api = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`start did not come up:\n${output}`)), 120_000);
    start!.stdout!.on('data', () => {
      const m = /Access API\s+(http:\/\/\S+?)\/v1\//.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    start!.once('exit', (code) => reject(new Error(`start exited with ${code}:\n${output}`)));
  });
  // start triggers a first run; its rows arrive through the access API.
  let rows: unknown[] = [];
  for (let i = 0; i < 120 && rows.length < customers.length; i++) {
    const res = await fetch(`${api}/v1/entities/customer?limit=100`);
    if (res.ok) rows = ((await res.json()) as { data: unknown[] }).data;
    if (rows.length < customers.length) await new Promise((r) => setTimeout(r, 500));
  }
  assert.equal(rows.length, customers.length, output);
  const exited = new Promise<number | null>((resolve) => start!.once('exit', (code) => resolve(code)));
  start.kill('SIGINT');
  assert.equal(await exited, 0, output);
  start = undefined;
});
