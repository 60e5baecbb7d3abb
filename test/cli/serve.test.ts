import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { createDatabase } from '../../store/create-database.js';
import { migrateToLatest } from '../../store/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const bin = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));
const demo = fileURLToPath(new URL('../../examples/demo/pipeline.yaml', import.meta.url));
let database: TestDatabase;
let dir: string;

before(async () => {
  database = await createTestDatabase();
  const db = createDatabase(database.url);
  await migrateToLatest(db);
  await db.destroy();
  dir = mkdtempSync(join(tmpdir(), 'tributary-serve-'));
});
after(async () => {
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `tributary serve` and resolves with its first JSON line (the URL), or its exit. */
function serve(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; info?: any; code?: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { env: { ...process.env, DATABASE_URL: database.url, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve) => {
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, info: JSON.parse(line), stderr });
    });
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ child, code, stderr }));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

test('serve with tokens: 401 without one, data with one, exits 0 on SIGTERM', async () => {
  const config = join(dir, 'with-tokens.yaml');
  const { readFileSync } = await import('node:fs');
  writeFileSync(config, `${readFileSync(demo, 'utf8')}\naccess:\n  tokens:\n    - { name: ci, token: env:CI_API_TOKEN, scopes: ['*'] }\n`);
  const { child, info, stderr } = await serve(['--config', config, '--port', '0', '--json'], { CI_API_TOKEN: 'ci-token-0123456789abcdef' });
  assert.ok(info, stderr);
  assert.equal(info.auth, 'tokens');
  assert.equal((await fetch(`${info.url}/v1/entities/customer`)).status, 401);
  const ok = await fetch(`${info.url}/v1/entities/customer`, { headers: { authorization: 'Bearer ci-token-0123456789abcdef' } });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { data: [], next_cursor: null });
  assert.equal((await fetch(`${info.url}/healthz`)).status, 200);
  assert.equal(await stop(child), 0);
});

test('serve without tokens binds to loopback only and says so', async () => {
  const { child, info } = await serve(['--config', demo, '--port', '0', '--json'], {});
  assert.equal(info.auth, 'none');
  assert.match(info.url, /^http:\/\/127\.0\.0\.1:/);
  assert.equal((await fetch(`${info.url}/v1/runs`)).status, 200);
  await stop(child);
});

test('a token reference that is not set is exit 2 with a hint; bad options exit 2', async () => {
  const config = join(dir, 'missing.yaml');
  const { readFileSync } = await import('node:fs');
  writeFileSync(config, `${readFileSync(demo, 'utf8')}\naccess:\n  tokens:\n    - { name: ci, token: env:NOT_SET_ANYWHERE, scopes: ['*'] }\n`);
  const missing = await serve(['--config', config, '--port', '0'], {});
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /env:NOT_SET_ANYWHERE is not set/);
  assert.match(missing.stderr, /hint: export the variable/);
  const bad = await serve(['--config', demo, '--port', 'eighty'], {});
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--port must be a port number/);
});

test('an unreachable database is exit 3 naming DATABASE_URL', async () => {
  const down = await serve(['--config', demo, '--port', '0'], { DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/none' });
  assert.equal(down.code, 3);
  assert.match(down.stderr, /cannot reach Postgres at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/none/);
  assert.match(down.stderr, /set DATABASE_URL/);
  assert.ok(!down.stderr.includes('secret'));
});
